import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ErrorPage } from '@/components/error-page';
import { PortalShell } from '@/components/portal-shell';
import { getUser } from '@/lib/auth/session';

export const generateMetadata = async (): Promise<Metadata> => ({
  title: (await getTranslations('errors'))('notFoundTitle'),
});

/** Any unknown path (and notFound()): inside the portal's frame, with a way back. */
const NotFound = async () => {
  const user = await getUser();
  const t = await getTranslations('errors');

  return (
    <PortalShell user={user}>
      <ErrorPage title={t('notFoundTitle')}>
        <p>{t('notFoundText')}</p>
      </ErrorPage>
    </PortalShell>
  );
};

export default NotFound;
