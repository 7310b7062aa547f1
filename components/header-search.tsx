import Link from 'next/link';
import styles from './search.module.css';

/**
 * The header's search box (a plain GET form to /search: works without JavaScript) and the link
 * to Recent. Below 640 px only a "Search" link stays; the search page links to Recent.
 */
export const HeaderSearch = () => (
  <div className={styles.headerSearch}>
    <form method="get" action="/search" role="search" aria-label="Search documents" className={styles.headerForm}>
      <label htmlFor="header-search" className="visually-hidden">
        Search documents by name
      </label>
      <input
        id="header-search"
        type="search"
        name="q"
        placeholder="Search documents"
        maxLength={200}
        data-testid="header-search"
      />
      <button type="submit">Search</button>
    </form>
    <Link href="/search" className={styles.headerSearchLink} data-testid="header-search-link">
      Search
    </Link>
    <Link href="/recent" className={styles.headerRecent} data-testid="recent-link">
      Recent
    </Link>
  </div>
);
