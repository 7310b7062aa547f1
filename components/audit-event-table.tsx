import Link from 'next/link';
import { Fragment } from 'react';
import type { AuditEventRow } from '@/lib/audit/query';
import { actionLabel, detailsJson, detailsSummary, documentLabel, userLabel } from '@/lib/audit/present';
import { formatDateTimeIn } from '@/lib/audit/time-zone';
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

const DocumentCell = ({ event }: { event: AuditEventRow }) => {
  const label = documentLabel(event);
  switch (label.kind) {
    case 'folder':
      return (
        <Link href={browseHref({ folder: label.folder })} title={label.folder ? `In ${label.folder}` : 'In Documents'}>
          {label.name}
        </Link>
      );
    case 'trash':
      return (
        <>
          {label.name} <span className="muted">(in the trash)</span>
        </>
      );
    case 'gone':
      return (
        <>
          {label.name} <span className="muted">(deleted)</span>
        </>
      );
    default:
      return <span className="muted">—</span>;
  }
};

const DetailsCell = ({ details }: { details: unknown }) =>
  details === null || details === undefined ? (
    <span className="muted">—</span>
  ) : (
    <details className={styles.details}>
      <summary>{detailsSummary(details) || 'Details'}</summary>
      <pre>{detailsJson(details)}</pre>
    </details>
  );

/**
 * The events as a table; below 760 px each row is a card with its labels (the table never
 * scrolls the page sideways). Times in the filter's time zone, exact UTC on hover.
 */
export const AuditEventTable = ({ events, timeZone }: { events: AuditEventRow[]; timeZone: string }) => (
  <table className={styles.events} data-testid="audit-table">
    <caption className="visually-hidden">Audit events, newest first</caption>
    <thead>
      <tr>
        <th scope="col" className={styles.narrow}>
          Time
        </th>
        <th scope="col" className={styles.userColumn}>
          User
        </th>
        <th scope="col" className={styles.actionColumn}>
          Action
        </th>
        <th scope="col" className={styles.narrow}>
          Outcome
        </th>
        <th scope="col" className={styles.documentColumn}>
          Document
        </th>
        <th scope="col" className={styles.detailsColumn}>
          Details
        </th>
      </tr>
    </thead>
    <tbody>
      {events.map((event) => {
        const user = userLabel(event);
        const label = actionLabel(event.action);

        return (
          <tr key={event.id} data-testid="audit-row" data-event-id={event.id}>
            <td data-label="Time">
              <time className={styles.time} dateTime={event.at.toISOString()} title={event.at.toISOString()}>
                {formatDateTimeIn(event.at, timeZone)}
              </time>
            </td>
            <td data-label="User">
              <span className={user.isKnown ? undefined : 'muted'}>
                <Breakable text={user.text} />
              </span>
            </td>
            <td data-label="Action">
              <div>
                {label ?? <Breakable text={event.action} />}
                {label ? (
                  <code className={styles.code}>
                    <Breakable text={event.action} />
                  </code>
                ) : null}
              </div>
            </td>
            <td data-label="Outcome">
              <span className={`${styles.outcome} ${OUTCOME_CLASS[event.outcome] ?? ''}`}>{event.outcome}</span>
            </td>
            <td data-label="Document" className={styles.freeText}>
              <div>
                <DocumentCell event={event} />
              </div>
            </td>
            <td data-label="Details" className={styles.freeText}>
              <DetailsCell details={event.details} />
            </td>
          </tr>
        );
      })}
    </tbody>
  </table>
);
