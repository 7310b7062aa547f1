import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { SearchFilterForm } from '@/components/search-filter-form';
import { SearchPager } from '@/components/search-pager';
import { SearchResults } from '@/components/search-results';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { requireUser } from '@/lib/auth/session';
import { hasCriteria, parseSearchPageQuery, searchHref } from '@/lib/search/params';
import { listSearchableUsers, searchDocuments, type SearchPage } from '@/lib/search/query';

export const metadata: Metadata = { title: 'Search' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const summaryOf = (page: SearchPage) => {
  if (page.isTotalCapped)
    return `More than ${page.total.toLocaleString('en-US')} documents match: the first ${page.total.toLocaleString('en-US')} are shown. Add words or filters to narrow the search.`;

  return page.total === 1 ? '1 document found.' : `${page.total.toLocaleString('en-US')} documents found.`;
};

/** Every signed-in user: visible documents in all folders by name, type, modifier and date (lib/search). */
const SearchPageView = async ({ searchParams }: Props) => {
  const user = await requireUser('/search');
  const raw = await searchParams;
  const cookieZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const { filter, problem } = parseSearchPageQuery(raw, { timeZone: cookieZone });
  const isSearching = !problem && hasCriteria(filter);
  const [page, users] = await Promise.all([isSearching ? searchDocuments(filter) : null, listSearchableUsers()]);

  return (
    <>
      <h1>Search</h1>
      <p className="muted">
        Every folder at once. <Link href="/recent">Your recent documents</Link>
      </p>
      <SearchFilterForm
        filter={filter}
        users={users}
        isTimeZoneFromAddress={typeof raw.tz === 'string' && raw.tz === filter.timeZone}
      />
      <h2 className="visually-hidden">Results</h2>
      {problem ? (
        <p className="error" role="alert" data-testid="search-problem">
          {problem}
        </p>
      ) : null}
      {!problem && !page ? (
        <p className="empty" data-testid="search-prompt">
          Type part of a name, or choose a type, a person or dates, to search every folder.
        </p>
      ) : null}
      {page ? (
        <p className="muted" role="status" data-testid="search-count">
          {summaryOf(page)}
        </p>
      ) : null}
      {page && page.results.length === 0 && page.total > 0 ? (
        <p className="empty" data-testid="search-empty">
          This page is past the last one. <Link href={searchHref(filter, 1)}>Back to the first page</Link>
        </p>
      ) : null}
      {page && page.total === 0 ? (
        <div className="empty" data-testid="search-empty">
          <p>
            {filter.q ? `No document matches “${filter.q}”` : 'No document matches'}
            {filter.type || filter.modifiedBy || filter.from || filter.to ? ' with these filters' : ''}.{' '}
            <Link href="/search">Start over</Link>
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
