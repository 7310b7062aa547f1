import type { ReactNode } from 'react';
import { PortalShell } from '@/components/portal-shell';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const PortalLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireUser();

  return (
    <PortalShell user={user}>
      <h1 className="visually-hidden">Documents</h1>
      {children}
    </PortalShell>
  );
};

export default PortalLayout;
