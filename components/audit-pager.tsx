import Link from 'next/link';
import { auditPageHref, type AuditCursor, type AuditFilter } from '@/lib/audit/filter';
import styles from './audit-log.module.css';

type Props = { filter: AuditFilter; newer: AuditCursor | null; older: AuditCursor | null };

/** "Newer" and "Older" links: each carries the filter and the cursor of the page's edge event. */
export const AuditPager = ({ filter, newer, older }: Props) =>
  newer || older ? (
    <nav className={styles.pager} aria-label="Pages">
      {newer ? <Link href={auditPageHref(filter, { after: newer })}>← Newer</Link> : <span />}
      {older ? <Link href={auditPageHref(filter, { before: older })}>Older →</Link> : <span />}
    </nav>
  ) : null;
