import type { ReactNode } from 'react';
import { PortalShell } from '@/components/portal-shell';
import { requireAdmin } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/** Every /admin page: admins only (others go to the list with a notice), inside the portal's frame. */
const AdminLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireAdmin();

  return <PortalShell user={user}>{children}</PortalShell>;
};

export default AdminLayout;
