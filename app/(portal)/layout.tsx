import type { ReactNode } from 'react';
import { PortalHeader } from '@/components/portal-header';
import { requireUser } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

const PortalLayout = async ({ children }: { children: ReactNode }) => {
  const user = await requireUser();

  return (
    <>
      <PortalHeader user={user} />
      <main className="page">{children}</main>
    </>
  );
};

export default PortalLayout;
