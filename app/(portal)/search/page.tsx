import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { SearchFilterForm } from '@/components/search-filter-form';
import { SearchPager } from '@/components/search-pager';
import { SearchResults } from '@/components/search-results';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { requireUser } from '@/lib/auth/session';
import { hasCriteria, parseSearchPageQuery, searchHref } from '@/lib/search/params';
import { listSearchableUsers, searchDocuments, type SearchPage } from '@/lib/search/query';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('search'))('title') });
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const summaryOf = (t: Awaited<ReturnType<typeof getTranslations<'search'>>>, page: SearchPage) =>
  page.isTotalCapped ? t('capped', { total: page.total }) : t('found', { total: page.total });

/** Every signed-in user: visible documents in all folders by name, type, modifier and date (lib/search). */
const SearchPageView = async ({ searchParams }: Props) => {
  const user = await requireUser('/search');
  const t = await getTranslations('search');
  const raw = await searchParams;
  const cookieZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const { filter, problem } = parseSearchPageQuery(raw, { timeZone: cookieZone });
  const isSearching = !problem && hasCriteria(filter);
  const [page, users] = await Promise.all([isSearching ? searchDocuments(filter) : null, listSearchableUsers()]);

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">
        {t('intro')} <Link href="/recent">{t('yourRecent')}</Link>
      </p>
      <SearchFilterForm
        filter={filter}
        users={users}
        isTimeZoneFromAddress={typeof raw.tz === 'string' && raw.tz === filter.timeZone}
      />
      <h2 className="visually-hidden">{t('results')}</h2>
      {problem ? (
        <p className="error" role="alert" data-testid="search-problem">
          {problem}
        </p>
      ) : null}
      {!problem && !page ? (
        <p className="empty" data-testid="search-prompt">
          {t('prompt')}
        </p>
      ) : null}
      {page ? (
        <p className="muted" role="status" data-testid="search-count">
          {summaryOf(t, page)}
        </p>
      ) : null}
      {page && page.results.length === 0 && page.total > 0 ? (
        <p className="empty" data-testid="search-empty">
          {t('pastLast')} <Link href={searchHref(filter, 1)}>{t('backToFirst')}</Link>
        </p>
      ) : null}
      {page && page.total === 0 ? (
        <div className="empty" data-testid="search-empty">
          <p>
            {filter.q ? t('noMatchQuery', { query: filter.q }) : t('noMatch')}
            {filter.type || filter.modifiedBy || filter.from || filter.to ? t('withFilters') : ''}.{' '}
            <Link href="/search">{t('startOver')}</Link>
          </p>
        </div>
      ) : null}
      {page && page.results.length > 0 ? (
        <SearchResults
          documents={page.results}
          timeZone={filter.timeZone}
          canEdit={user.role !== 'viewer'}
          testId="search-results"
        />
      ) : null}
      {page ? <SearchPager filter={filter} page={page} /> : null}
    </>
  );
};

export default SearchPageView;
