import Link from 'next/link';
import { useFormatter, useTranslations } from 'next-intl';
import { Fragment } from 'react';
import type { AuditEventRow } from '@/lib/audit/query';
import {
  actionMessageKey,
  detailsJson,
  detailsSummary,
  documentLabel,
  userLabel,
  type UserLabel,
} from '@/lib/audit/present';
import { browseHref } from '@/lib/documents/browse-params';
import styles from './audit-log.module.css';

const OUTCOME_CLASS: Record<string, string | undefined> = {
  success: styles.success,
  failure: styles.failure,
  denied: styles.denied,
};

/** `text` with line-break opportunities after . and _ and before @ (actions, emails). */
const Breakable = ({ text }: { text: string }) =>
  text.split(/(?<=[._])|(?=@)/).map((part, index) => (
    <Fragment key={index}>
      {index > 0 ? <wbr /> : null}
      {part}
    </Fragment>
  ));

type AuditT = ReturnType<typeof useTranslations<'audit'>>;

const userText = (t: AuditT, user: UserLabel) => {
  switch (user.kind) {
    case 'known':
      return user.email;
    case 'removed':
      return t('removedUser');
    case 'typed':
      return t('noSuchUser', { email: user.email });
    case 'cli':
      return t('commandLine');
    case 'system':
      return t('system');
    default:
      return '—';
  }
};

const DocumentCell = ({ event }: { event: AuditEventRow }) => {
  const t = useTranslations('audit');
  const label = documentLabel(event);
  switch (label.kind) {
    case 'folder':
      return (
        <Link
          href={browseHref({ folder: label.folder })}
          title={t('inFolder', { folder: label.folder || t('topFolder') })}
        >
          {label.name}
        </Link>
      );
    case 'trash':
      return (
        <>
          {label.name} <span className="muted">{t('inTrash')}</span>
        </>
      );
    case 'gone':
      return (
        <>
          {label.name} <span className="muted">{t('deleted')}</span>
        </>
      );
    default:
      return <span className="muted">—</span>;
  }
};

const DetailsCell = ({ details, label }: { details: unknown; label: string }) =>
  details === null || details === undefined ? (
    <span className="muted">—</span>
  ) : (
    <details className={styles.details}>
      <summary>{detailsSummary(details) || label}</summary>
      <pre>{detailsJson(details)}</pre>
    </details>
  );

/**
 * The events as a table; below 760 px each row is a card with its labels (the table never
 * scrolls the page sideways). Times in the filter's time zone, exact UTC on hover.
 */
export const AuditEventTable = ({ events, timeZone }: { events: AuditEventRow[]; timeZone: string }) => {
  const t = useTranslations('audit');
  const format = useFormatter();
  const outcomeOf = (outcome: string) =>
    outcome === 'success' || outcome === 'failure' || outcome === 'denied' ? t(`outcomes.${outcome}`) : outcome;

  return (
    <table className={styles.events} data-testid="audit-table">
      <caption className="visually-hidden">{t('caption')}</caption>
      <thead>
        <tr>
          <th scope="col" className={styles.narrow}>
            {t('time')}
          </th>
          <th scope="col" className={styles.userColumn}>
            {t('user')}
          </th>
          <th scope="col" className={styles.actionColumn}>
            {t('action')}
          </th>
          <th scope="col" className={styles.narrow}>
            {t('outcome')}
          </th>
          <th scope="col" className={styles.documentColumn}>
            {t('document')}
          </th>
          <th scope="col" className={styles.detailsColumn}>
            {t('details')}
          </th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const user = userLabel(event);
          const key = actionMessageKey(event.action);
          const label = key ? t(`actions.${key}` as 'actions.wopi_save') : undefined;

          return (
            <tr key={event.id} data-testid="audit-row" data-event-id={event.id}>
              <td data-label={t('time')}>
                <time className={styles.time} dateTime={event.at.toISOString()} title={event.at.toISOString()}>
                  {format.dateTime(event.at, { dateStyle: 'medium', timeStyle: 'medium', timeZone })}
                </time>
              </td>
              <td data-label={t('user')}>
                <span className={user.kind === 'known' ? undefined : 'muted'}>
                  <Breakable text={userText(t, user)} />
                </span>
              </td>
              <td data-label={t('action')}>
                <div>
                  {label ?? <Breakable text={event.action} />}
                  {label ? (
                    <code className={styles.code}>
                      <Breakable text={event.action} />
                    </code>
                  ) : null}
                </div>
              </td>
              <td data-label={t('outcome')}>
                <span className={`${styles.outcome} ${OUTCOME_CLASS[event.outcome] ?? ''}`}>
                  {outcomeOf(event.outcome)}
                </span>
              </td>
              <td data-label={t('document')} className={styles.freeText}>
                <div>
                  <DocumentCell event={event} />
                </div>
              </td>
              <td data-label={t('details')} className={styles.freeText}>
                <DetailsCell details={event.details} label={t('details')} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
