import { cookieValue } from '@/lib/audit/request';
import { TIME_ZONE_COOKIE } from '@/lib/audit/time-zone';
import { parseSearchQuery } from '@/lib/search/params';
import type { SearchPage } from '@/lib/search/query';

/** The search of an API request: its query string; the time zone from it, else the browser's cookie. */
export const searchFilterOf = (request: Request) =>
  parseSearchQuery(new URL(request.url).searchParams, {
    timeZone: cookieValue(request.headers.get('cookie'), TIME_ZONE_COOKIE),
  });

/**
 * GET /api/documents/search's body: `results` (id, name, folder — "" is the top folder —,
 * extension, size in bytes, version, lastModifiedAt as ISO 8601, lastModifiedBy as a name or
 * null), `total` (at most 1000; `isTotalCapped` when more match), `page`, `pageSize`, `pageCount`.
 */
export const searchPageJson = (page: SearchPage) => ({
  ...page,
  results: page.results.map((result) => ({ ...result, lastModifiedAt: result.lastModifiedAt.toISOString() })),
});
