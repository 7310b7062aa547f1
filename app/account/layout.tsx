import type { ReactNode } from 'react';
import { PortalShell } from '@/components/portal-shell';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const AccountLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireUser('/account');

  return <PortalShell user={user}>{children}</PortalShell>;
};

export default AccountLayout;
