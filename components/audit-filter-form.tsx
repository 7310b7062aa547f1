import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { TimeZoneField } from '@/components/time-zone-field';
import { AUDIT_OUTCOMES, KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';
import { actionMessageKey, groupMessageKey } from '@/lib/audit/present';
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
  const t = useTranslations('audit');
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
      aria-label={t('filterEvents')}
    >
      <fieldset className={styles.fields}>
        <legend className="visually-hidden">{t('filters')}</legend>
        <div className={styles.field}>
          <label htmlFor="audit-user">{t('user')}</label>
          <input
            id="audit-user"
            type="text"
            name="user"
            defaultValue={filter.user}
            placeholder={t('userPlaceholder')}
            aria-describedby="audit-user-hint"
          />
          <span id="audit-user-hint" className={styles.hint} data-testid="audit-user-hint">
            {t('userHint')}
          </span>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-document">{t('document')}</label>
          <input
            id="audit-document"
            type="text"
            name="document"
            defaultValue={filter.document}
            placeholder={t('documentPlaceholder')}
            aria-describedby="audit-document-hint"
          />
          <span id="audit-document-hint" className={styles.hint}>
            {t('documentHint')}
          </span>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-action">{t('action')}</label>
          <select id="audit-action" name="action" defaultValue={isSelected ? filter.action : ''}>
            <option value="">{t('anyAction')}</option>
            {GROUPS.map((group) => (
              <optgroup key={group} label={t(`groups.${groupMessageKey(group)}` as 'groups.portal')}>
                {KNOWN_AUDIT_ACTIONS.filter((entry) => entry.group === group).map((entry) => (
                  <option key={entry.action} value={entry.action}>
                    {t(`actions.${actionMessageKey(entry.action)!}` as 'actions.wopi_save')} ({entry.action})
                  </option>
                ))}
              </optgroup>
            ))}
            {otherActions.length > 0 ? (
              <optgroup label={t('otherRecorded')}>
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
          <label htmlFor="audit-action-text">{t('otherAction')}</label>
          <input
            id="audit-action-text"
            type="text"
            name="actionText"
            defaultValue={isSelected ? '' : filter.action}
            placeholder={t('otherActionPlaceholder')}
            aria-describedby="audit-action-text-hint"
          />
          <span id="audit-action-text-hint" className={styles.hint}>
            {t('otherActionHint')}
          </span>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-outcome">{t('outcome')}</label>
          <select id="audit-outcome" name="outcome" defaultValue={filter.outcome ?? ''}>
            <option value="">{t('anyOutcome')}</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {t(`outcomes.${outcome}`)}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-from">{t('from')}</label>
          <input id="audit-from" type="date" name="from" defaultValue={filter.from} />
        </div>
        <div className={styles.field}>
          <label htmlFor="audit-to">{t('to')}</label>
          <input id="audit-to" type="date" name="to" defaultValue={filter.to} />
        </div>
      </fieldset>
      <TimeZoneField timeZone={filter.timeZone} isFromAddress={isTimeZoneFromAddress} />
      <div className={styles.formActions}>
        <button type="submit">{t('apply')}</button>
        <Link href="/admin/audit">{t('clear')}</Link>
        <a href={auditCsvHref(filter)} download data-testid="audit-csv">
          {t('csv')}
        </a>
        <span className={styles.hint}>{t('hint', { timeZone: filter.timeZone })}</span>
      </div>
    </form>
  );
};
