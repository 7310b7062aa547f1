'use client';

import { useTranslations } from 'next-intl';
import { ErrorPage } from '@/components/error-page';

/** A page that failed to render (the error.tsx of (portal), account and admin), inside the portal's frame: what happened, a retry and a way back. */
export const PageError = ({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) => {
  const t = useTranslations('errors');

  return (
    <ErrorPage
      title={t('failedTitle')}
      actions={
        <button type="button" onClick={reset}>
          {t('tryAgain')}
        </button>
      }
    >
      <p>{t('failedText')}</p>
      {error.digest ? <p className="muted">{t('reference', { digest: error.digest })}</p> : null}
    </ErrorPage>
  );
};
