import Link from 'next/link';
import { searchHref, type SearchFilter } from '@/lib/search/params';
import type { SearchPage } from '@/lib/search/query';
import styles from './search.module.css';

type Props = { filter: SearchFilter; page: Pick<SearchPage, 'page' | 'pageCount'> };

/** Previous and next pages of a search (the filter carried in the address). */
export const SearchPager = ({ filter, page }: Props) =>
  page.pageCount > 1 ? (
    <nav className={styles.pager} aria-label="Pages">
      {page.page > 1 ? <Link href={searchHref(filter, page.page - 1)}>← Previous</Link> : <span />}
      <span>
        Page {page.page} of {page.pageCount}
      </span>
      {page.page < page.pageCount ? <Link href={searchHref(filter, page.page + 1)}>Next →</Link> : <span />}
    </nav>
  ) : null;
