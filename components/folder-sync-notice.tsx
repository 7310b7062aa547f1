'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import type { ListingSync } from '@/lib/documents/listing-sync';

/** While a folder's first sync runs, the list is re-rendered this often (it grows page by page). */
const REFRESH_EVERY_MS = 2000;

/**
 * Says the list may be incomplete: the folder is still being read from storage (the list
 * refreshes itself until it is done) or could not be read just now.
 */
export const FolderSyncNotice = ({ state }: { state: Exclude<ListingSync, 'synced'> }) => {
  const router = useRouter();
  const t = useTranslations('files');
  useEffect(() => {
    if (state !== 'reading') return;
    const timer = setInterval(() => router.refresh(), REFRESH_EVERY_MS);

    return () => clearInterval(timer);
  }, [state, router]);

  return (
    <p className={state === 'failed' ? 'error' : 'muted'} role="status" data-testid="folder-sync-notice">
      {state === 'reading' ? t('stillReading') : t('readFailed')}{' '}
      <button type="button" className="link-button" onClick={() => router.refresh()}>
        {t('refresh')}
      </button>
    </p>
  );
};
