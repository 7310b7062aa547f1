import type { Metadata } from 'next';
import { ErrorPage } from '@/components/error-page';
import { PortalShell } from '@/components/portal-shell';
import { getUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Page not found' };

/** Any unknown path (and notFound()): inside the portal's frame, with a way back. */
const NotFound = async () => {
  const user = await getUser();

  return (
    <PortalShell user={user}>
      <ErrorPage title="Page not found">
        <p>There is no page at this address. The link may be wrong, or what it pointed to was moved or deleted.</p>
      </ErrorPage>
    </PortalShell>
  );
};

export default NotFound;
