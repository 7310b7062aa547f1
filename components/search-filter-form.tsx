import Link from 'next/link';
import { TimeZoneField } from '@/components/time-zone-field';
import { isSearchKind, SEARCH_KINDS, SEARCH_KIND_NAMES } from '@/lib/search/kinds';
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
  const isKind = filter.type === undefined || isSearchKind(filter.type);

  return (
    // Keyed by the filter: a link to another search (Clear) shows its values, not the typed ones.
    <form
      key={searchParamsOf(filter, 1).toString()}
      method="get"
      action="/search"
      role="search"
      aria-label="Search documents in every folder"
      className={`card ${styles.filters}`}
    >
      <div className={styles.searchBox}>
        <label htmlFor="search-q" className="visually-hidden">
          Name contains
        </label>
        <input
          id="search-q"
          type="search"
          name="q"
          defaultValue={filter.q}
          placeholder="Part of a name"
          maxLength={200}
          data-testid="search-q"
        />
        <button type="submit">Search</button>
      </div>
      <fieldset className={styles.fields}>
        <legend className="visually-hidden">Filters</legend>
        <div className={styles.field}>
          <label htmlFor="search-type">Type</label>
          <select id="search-type" name="type" defaultValue={filter.type ?? ''}>
            <option value="">Any type</option>
            {SEARCH_KIND_NAMES.map((kind) => (
              <option key={kind} value={kind}>
                {SEARCH_KINDS[kind].label}
              </option>
            ))}
            {isKind ? null : <option value={filter.type}>.{filter.type} files</option>}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="search-modified-by">Modified by</label>
          <select id="search-modified-by" name="modifiedBy" defaultValue={filter.modifiedBy ?? ''}>
            <option value="">Anyone</option>
            {users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="search-from">Modified from</label>
          <input id="search-from" type="date" name="from" defaultValue={filter.from} />
        </div>
        <div className={styles.field}>
          <label htmlFor="search-to">Modified to</label>
          <input id="search-to" type="date" name="to" defaultValue={filter.to} />
        </div>
        <div className={styles.field}>
          <label htmlFor="search-sort">Sort by</label>
          <select id="search-sort" name="sort" defaultValue={filter.q ? filter.sort : 'relevance'}>
            <option value="relevance">Best match (with a name)</option>
            <option value="modified">Last modified</option>
          </select>
        </div>
      </fieldset>
      <TimeZoneField timeZone={filter.timeZone} isFromAddress={isTimeZoneFromAddress} />
      <div className={styles.formActions}>
        <button type="submit">Apply filters</button>
        <Link href="/search">Clear</Link>
        <span className={styles.hint}>Dates in {filter.timeZone}. Names match without regard to case or accents.</span>
      </div>
    </form>
  );
};
