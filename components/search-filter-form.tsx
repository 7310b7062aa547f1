import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { TimeZoneField } from '@/components/time-zone-field';
import { isSearchKind, SEARCH_KIND_NAMES } from '@/lib/search/kinds';
import { searchParamsOf, type SearchFilter } from '@/lib/search/params';
import styles from './search.module.css';

type Props = {
  filter: SearchFilter;
  /** Everyone the "Modified by" select offers. */
  users: { id: string; name: string }[];
  isTimeZoneFromAddress: boolean;
};

/** The search and its filters as one plain GET form: works without JavaScript, the address can be shared. */
export const SearchFilterForm = ({ filter, users, isTimeZoneFromAddress }: Props) => {
  const t = useTranslations('search');
  const isKind = filter.type === undefined || isSearchKind(filter.type);

  return (
    // Keyed by the filter: a link to another search (Clear) shows its values, not the typed ones.
    <form
      key={searchParamsOf(filter, 1).toString()}
      method="get"
      action="/search"
      role="search"
      aria-label={t('formLabel')}
      className={`card ${styles.filters}`}
    >
      <div className={styles.searchBox}>
        <label htmlFor="search-q" className="visually-hidden">
          {t('nameContains')}
        </label>
        <input
          id="search-q"
          type="search"
          name="q"
          defaultValue={filter.q}
          placeholder={t('partOfName')}
          maxLength={200}
          data-testid="search-q"
        />
        <button type="submit">{t('submit')}</button>
      </div>
      <fieldset className={styles.fields}>
        <legend className="visually-hidden">{t('filters')}</legend>
        <div className={styles.field}>
          <label htmlFor="search-type">{t('type')}</label>
          <select id="search-type" name="type" defaultValue={filter.type ?? ''}>
            <option value="">{t('anyType')}</option>
            {SEARCH_KIND_NAMES.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kinds.${kind}`)}
              </option>
            ))}
            {isKind ? null : (
              <option value={filter.type}>{t('extensionFiles', { extension: filter.type ?? '' })}</option>
            )}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="search-modified-by">{t('modifiedBy')}</label>
          <select id="search-modified-by" name="modifiedBy" defaultValue={filter.modifiedBy ?? ''}>
            <option value="">{t('anyone')}</option>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="search-from">{t('modifiedFrom')}</label>
          <input id="search-from" type="date" name="from" defaultValue={filter.from} />
        </div>
        <div className={styles.field}>
          <label htmlFor="search-to">{t('modifiedTo')}</label>
          <input id="search-to" type="date" name="to" defaultValue={filter.to} />
        </div>
        <div className={styles.field}>
          <label htmlFor="search-sort">{t('sortBy')}</label>
          <select id="search-sort" name="sort" defaultValue={filter.q ? filter.sort : 'relevance'}>
            <option value="relevance">{t('bestMatch')}</option>
            <option value="modified">{t('lastModified')}</option>
          </select>
        </div>
      </fieldset>
      <TimeZoneField timeZone={filter.timeZone} isFromAddress={isTimeZoneFromAddress} />
      <div className={styles.formActions}>
        <button type="submit">{t('apply')}</button>
        <Link href="/search">{t('clear')}</Link>
        <span className={styles.hint}>{t('hint', { timeZone: filter.timeZone })}</span>
      </div>
    </form>
  );
};
