import type { ReactNode } from 'react';
import { PortalShell } from '@/components/portal-shell';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const PortalLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireUser();

  // Each page gives its own h1 (the list's is hidden: its breadcrumbs say where you are).
  return <PortalShell user={user}>{children}</PortalShell>;
};

export default PortalLayout;
