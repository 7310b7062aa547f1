'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import styles from '@/components/notice-banner.module.css';

// The notices a redirect can ask for with ?notice=…; an unknown value shows nothing.
const NOTICES: Record<string, { text: string; tone: 'info' | 'warning' }> = {
  'admin-only': { text: 'That page is for administrators. Ask an administrator if you need it.', tone: 'warning' },
  'signed-out': { text: 'You are signed out.', tone: 'info' },
};

/** The `?notice=` message of the current page, with a button that dismisses it (drops the parameter). */
export const NoticeBanner = () => {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
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
      <span>{notice.text}</span>
      <button type="button" className="link-button" onClick={dismiss} aria-label="Dismiss the notice">
        ✕
      </button>
    </div>
  );
};
