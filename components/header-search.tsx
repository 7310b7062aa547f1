import Link from 'next/link';
import { useTranslations } from 'next-intl';
import styles from './search.module.css';

/**
 * The header's search box (a plain GET form to /search: works without JavaScript) and the link
 * to Recent. Below 640 px only a "Search" link stays; the search page links to Recent.
 */
export const HeaderSearch = () => {
  const t = useTranslations('shell');

  return (
    <div className={styles.headerSearch}>
      <form method="get" action="/search" role="search" aria-label={t('searchLabel')} className={styles.headerForm}>
        <label htmlFor="header-search" className="visually-hidden">
          {t('searchByName')}
        </label>
        <input
          id="header-search"
          type="search"
          name="q"
          placeholder={t('searchLabel')}
          maxLength={200}
          data-testid="header-search"
        />
        <button type="submit">{t('search')}</button>
      </form>
      <Link href="/search" className={styles.headerSearchLink} data-testid="header-search-link">
        {t('search')}
      </Link>
      <Link href="/recent" className={styles.headerRecent} data-testid="recent-link">
        {t('recent')}
      </Link>
    </div>
  );
};
