import { useTranslations } from 'next-intl';
import NextTopLoader from 'nextjs-toploader';
import { Suspense, type ReactNode } from 'react';
import { NoticeBanner } from '@/components/notice-banner';
import { PortalHeader } from '@/components/portal-header';
import { TimeZoneCookie } from '@/components/time-zone-cookie';

type Props = { user: { name: string; email: string; role: string } | null; children: ReactNode };

/**
 * Every portal page's frame: a progress bar while the next page loads, a skip link, the header (or a "Sign in" link when signed out), and
 * the page in `main`, with the `?notice=` message on top.
 */
export const PortalShell = ({ user, children }: Props) => {
  const t = useTranslations('shell');

  return (
    <>
      {/* A bar along the top from the click until the next page is shown (nextjs-toploader). */}
      <NextTopLoader color="var(--accent)" height={3} showSpinner={false} shadow={false} />
      <a href="#main" className="skip-link">
        {t('skipToContent')}
      </a>
      <TimeZoneCookie />
      <PortalHeader user={user} />
      <main id="main" className="page" tabIndex={-1}>
        <Suspense fallback={null}>
          <NoticeBanner />
        </Suspense>
        {children}
      </main>
    </>
  );
};
