import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AuditEventTable } from '@/components/audit-event-table';
import { AuditFilterForm } from '@/components/audit-filter-form';
import { AuditPager } from '@/components/audit-pager';
import { KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';
import { isFiltered, parseAuditPageQuery } from '@/lib/audit/filter';
import { listAuditPage, type AuditPage } from '@/lib/audit/query';
import { listRecordedActions } from '@/lib/audit/resolve-filter';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { requireAdmin } from '@/lib/auth/session';
import styles from './page.module.css';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('audit'))('title') });
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const KNOWN = new Set<string>(KNOWN_AUDIT_ACTIONS.map((entry) => entry.action));
const NO_EVENTS: AuditPage = { events: [], newer: null, older: null };

/** Admins: every recorded event, filtered, 50 a page (keyset), newest first, with a CSV export. */
const AuditLogPage = async ({ searchParams }: Props) => {
  await requireAdmin('/admin/audit');
  const raw = await searchParams;
  const t = await getTranslations('audit');
  const cookieZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const { filter, position, problem } = parseAuditPageQuery(raw, { timeZone: cookieZone });
  const [page, recorded] = await Promise.all([
    problem ? NO_EVENTS : listAuditPage({ filter, position }),
    listRecordedActions(),
  ]);
  const isFirstPage = !position.before && !position.after;

  return (
    <div className={styles.layout}>
      <h1>{t('title')}</h1>
      <AuditFilterForm
        filter={filter}
        otherActions={recorded.filter((action) => !KNOWN.has(action))}
        isTimeZoneFromAddress={typeof raw.tz === 'string' && raw.tz === filter.timeZone}
      />
      <h2 className="visually-hidden">{t('events')}</h2>
      {problem ? (
        <p className="error" role="alert" data-testid="audit-problem">
          {problem}
        </p>
      ) : null}
      {page.events.length === 0 && !problem ? (
        <p className="empty" data-testid="audit-empty">
          {isFiltered(filter) ? t('noMatch') : t('noEvents')}{' '}
          {isFirstPage ? null : <Link href="/admin/audit">{t('backToNewest')}</Link>}
        </p>
      ) : null}
      {page.events.length > 0 ? <AuditEventTable events={page.events} timeZone={filter.timeZone} /> : null}
      <AuditPager filter={filter} newer={page.newer} older={page.older} />
    </div>
  );
};

export default AuditLogPage;
