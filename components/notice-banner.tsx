'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTranslations } from 'next-intl';
import styles from '@/components/notice-banner.module.css';

// The notices a redirect can ask for with ?notice=…; an unknown value shows nothing.
const NOTICES: Record<string, { key: 'adminOnly' | 'signedOut'; tone: 'info' | 'warning' }> = {
  'admin-only': { key: 'adminOnly', tone: 'warning' },
  'signed-out': { key: 'signedOut', tone: 'info' },
};

/** The `?notice=` message of the current page, with a button that dismisses it (drops the parameter). */
export const NoticeBanner = () => {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const t = useTranslations('notices');
  const notice = NOTICES[params.get('notice') ?? ''];
  if (!notice) return null;

  const dismiss = () => {
    const rest = new URLSearchParams(params.toString());
    rest.delete('notice');
    const query = rest.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <div className={`${styles.notice} ${styles[notice.tone]}`} role="status" data-testid="notice">
      <span>{t(notice.key)}</span>
      <button type="button" className="link-button" onClick={dismiss} aria-label={t('dismiss')}>
        ✕
      </button>
    </div>
  );
};
