import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { auditPageHref, type AuditCursor, type AuditFilter } from '@/lib/audit/filter';
import styles from './audit-log.module.css';

type Props = { filter: AuditFilter; newer: AuditCursor | null; older: AuditCursor | null };

/** "Newer" and "Older" links: each carries the filter and the cursor of the page's edge event. */
export const AuditPager = ({ filter, newer, older }: Props) => {
  const t = useTranslations('audit');

  return newer || older ? (
    <nav className={styles.pager} aria-label={t('pages')}>
      {newer ? <Link href={auditPageHref(filter, { after: newer })}>{t('newer')}</Link> : <span />}
      {older ? <Link href={auditPageHref(filter, { before: older })}>{t('older')}</Link> : <span />}
    </nav>
  ) : null;
};
