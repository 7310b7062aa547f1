import Link from 'next/link';
import { TimeZoneField } from '@/components/time-zone-field';
import { AUDIT_OUTCOMES, KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';
import { auditCsvHref, auditSearchParams, type AuditFilter } from '@/lib/audit/filter';
import styles from './audit-log.module.css';

type Props = {
  filter: AuditFilter;
  /** Actions found in the table that the code does not list (older or newer releases). */
  otherActions: string[];
  isTimeZoneFromAddress: boolean;
};

const GROUPS = [...new Set(KNOWN_AUDIT_ACTIONS.map((entry) => entry.group))];

/** The audit filters as a plain GET form: works without JavaScript and keeps the address shareable. */
export const AuditFilterForm = ({ filter, otherActions, isTimeZoneFromAddress }: Props) => {
  const selectable = new Set<string>([...KNOWN_AUDIT_ACTIONS.map((entry) => entry.action), ...otherActions]);
  const isSelected = filter.action !== undefined && selectable.has(filter.action);

  return (
    // Keyed by the filter: a link to another filter (Clear) shows its values, not the typed ones.
    <form
      key={auditSearchParams(filter).toString()}
      method="get"
      action="/admin/audit"
      className={`card ${styles.filters}`}
      role="search"
      aria-label="Filter events"
    >
      <fieldset className={styles.fields}>
        <legend className="visually-hidden">Filters</legend>
        <div className={styles.field}>
          <label htmlFor="audit-user">User</label>
          <input
            id="audit-user"
            type="text"
            name="user"
            defaultValue={filter.user}
            placeholder="Email, or part of it"
          />
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-document">Document</label>
          <input
            id="audit-document"
            type="text"
            name="document"
            defaultValue={filter.document}
            placeholder="Name, or its id"
          />
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={isSelected ? filter.action : ''}>
            <option value="">Any action</option>
            {GROUPS.map((group) => (
              <optgroup key={group} label={group}>
                {KNOWN_AUDIT_ACTIONS.filter((entry) => entry.group === group).map((entry) => (
                  <option key={entry.action} value={entry.action}>
                    {entry.label} ({entry.action})
                  </option>
                ))}
              </optgroup>
            ))}
            {otherActions.length > 0 ? (
              <optgroup label="Other recorded actions">
                {otherActions.map((action) => (
                  <option key={action} value={action}>
                    {action}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-action-text">Other action</label>
          <input
            id="audit-action-text"
            type="text"
            name="actionText"
            defaultValue={isSelected ? '' : filter.action}
            placeholder="e.g. wopi.* or user.role_change"
            aria-describedby="audit-action-text-hint"
          />
          <span id="audit-action-text-hint" className={styles.hint}>
            Overrides the list; end with * for every action starting so.
          </span>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome" defaultValue={filter.outcome ?? ''}>
            <option value="">Any outcome</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" name="from" defaultValue={filter.from} />
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" name="to" defaultValue={filter.to} />
        </div>
      </fieldset>
      <TimeZoneField timeZone={filter.timeZone} isFromAddress={isTimeZoneFromAddress} />
      <div className={styles.formActions}>
        <button type="submit">Apply filters</button>
        <Link href="/admin/audit">Clear</Link>
        <a href={auditCsvHref(filter)} download data-testid="audit-csv">
          Download CSV
        </a>
        <span className={styles.hint}>Dates and times in {filter.timeZone}.</span>
      </div>
    </form>
  );
};
