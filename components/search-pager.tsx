import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { searchHref, type SearchFilter } from '@/lib/search/params';
import type { SearchPage } from '@/lib/search/query';
import styles from './search.module.css';

type Props = { filter: SearchFilter; page: Pick<SearchPage, 'page' | 'pageCount'> };

/** Previous and next pages of a search (the filter carried in the address). */
export const SearchPager = ({ filter, page }: Props) => {
  const t = useTranslations('search');

  return page.pageCount > 1 ? (
    <nav className={styles.pager} aria-label={t('pages')}>
      {page.page > 1 ? <Link href={searchHref(filter, page.page - 1)}>{t('previous')}</Link> : <span />}
      <span>{t('pageOf', { page: page.page, pages: page.pageCount })}</span>
      {page.page < page.pageCount ? <Link href={searchHref(filter, page.page + 1)}>{t('next')}</Link> : <span />}
    </nav>
  ) : null;
};
