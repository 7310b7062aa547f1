import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isCalendarDay, isTimeZone } from '@/lib/audit/time-zone';
import { DomainError } from '@/lib/errors';
import { extensionsOfType } from '@/lib/search/kinds';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SEARCH_PAGE_SIZE = 50;
/** Results are never paged past this many (refine the search instead): bounded work per request. */
export const SEARCH_RESULTS_MAX = 1000;
export const SEARCH_PAGE_MAX = SEARCH_RESULTS_MAX / SEARCH_PAGE_SIZE;
export const SEARCH_QUERY_MAX = 200;

export const SEARCH_SORTS = ['relevance', 'modified'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/**
 * What a search asks for, as the query string of /search and GET /api/documents/search carries
 * it. Empty fields mean "any". `from`/`to` are calendar days in `timeZone`, both included.
 */
export type SearchFilter = {
  /** Part of a name; matched case- and accent-insensitively. */
  q?: string;
  /** A kind (documents, spreadsheets…) or one extension, as typed (see lib/search/kinds.ts). */
  type?: string;
  /** The id of the user who last modified the document. */
  modifiedBy?: string;
  from?: string;
  to?: string;
  timeZone: string;
  /** relevance (exact, then prefix, then similarity) needs `q`; without it the sort is by date. */
  sort: SearchSort;
  /** 1-based, at most SEARCH_PAGE_MAX. */
  page: number;
};

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label}: at most ${max} characters.`)
    .optional()
    .transform((value) => value || undefined);

const day = (label: string) =>
  text(10, label).refine((value) => value === undefined || isCalendarDay(value), `${label}: use a date as YYYY-MM-DD.`);

export const searchQuerySchema = z
  .object({
    // Postgres text cannot hold U+0000 (the statement fails: a 500), and no name contains it.
    q: text(SEARCH_QUERY_MAX, 'Search').refine(
      (value) => value === undefined || !value.includes('\u0000'),
      'Search: no NUL characters.',
    ),
    type: text(20, 'Type').refine(
      (value) => value === undefined || extensionsOfType(value) !== null,
      'Type: a kind (documents, spreadsheets, presentations, pdfs, images, text) or an extension such as docx.',
    ),
    modifiedBy: text(36, 'Modified by').refine(
      (value) => value === undefined || UUID.test(value),
      'Modified by: a user id.',
    ),
    from: day('From'),
    to: day('To'),
    // Given explicitly, a zone must exist (a typo would silently shift the dates to another zone).
    tz: text(64, 'Time zone').refine((value) => value === undefined || isTimeZone(value), {
      message: 'Time zone: not a known time zone (an IANA name such as Europe/Berlin).',
      params: { rule: 'time_zone' },
    }),
    sort: z
      .union([z.enum(SEARCH_SORTS), z.literal('')], { message: 'Sort: relevance or modified.' })
      .optional()
      .transform((value) => value || undefined),
    page: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || '1')
      .refine((value) => /^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= SEARCH_PAGE_MAX, {
        message: `Page: a number from 1 to ${SEARCH_PAGE_MAX} (at most ${SEARCH_RESULTS_MAX} results are shown: refine the search).`,
      })
      .transform(Number),
  })
  .refine((query) => !(query.from && query.to && query.from > query.to), {
    message: 'The start date is after the end date.',
    path: ['from'],
  });

type RawQuery = URLSearchParams | Record<string, string | string[] | undefined>;

const first = (raw: RawQuery, key: string) => {
  const value = raw instanceof URLSearchParams ? raw.get(key) : raw[key];

  return (Array.isArray(value) ? value[0] : value) ?? undefined;
};

const KEYS = ['q', 'type', 'modifiedBy', 'from', 'to', 'tz', 'sort', 'page'] as const;

/**
 * The search a query string asks for. Invalid input throws a DomainError (kind 'invalid', code
 * 'invalid_search': 400 at the API) naming every problem, an unknown `tz` among them. A missing
 * time zone falls back to `options.timeZone` (the browser's cookie; a stale or unknown one is
 * ignored), then UTC. The name query is NFC-normalised
 * (names are stored NFC).
 */
export const parseSearchQuery = (raw: RawQuery, options: { timeZone?: string } = {}): SearchFilter => {
  const parsed = searchQuerySchema.safeParse(
    Object.fromEntries(KEYS.map((key) => [key, first(raw, key)])),
    REPORT_INPUT,
  );
  if (!parsed.success) {
    throw invalidInputOf('invalid_search', parsed.error);
  }
  const query = parsed.data;
  const timeZone = query.tz ?? [options.timeZone].find((zone) => zone && isTimeZone(zone)) ?? DEFAULT_TIME_ZONE;
  const q = query.q?.normalize('NFC');

  return {
    ...(q ? { q } : {}),
    ...(query.type ? { type: query.type.toLowerCase().replace(/^\./, '') } : {}),
    ...(query.modifiedBy ? { modifiedBy: query.modifiedBy.toLowerCase() } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    timeZone,
    sort: q ? (query.sort ?? 'relevance') : 'modified',
    page: query.page,
  };
};

/**
 * The /search page's reading of its address: the filter, or, for bad input, the problem and a
 * filter with the time zone only (the form shows the problem). Never throws for client input:
 * the page re-read `tz` alone after a problem, so a `tz` over 64 characters threw again (a 500).
 */
export const parseSearchPageQuery = (
  raw: RawQuery,
  options: { timeZone?: string } = {},
): { filter: SearchFilter; problem?: string } => {
  try {
    return { filter: parseSearchQuery(raw, options) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const tz = first(raw, 'tz');
    const zone = tz && isTimeZone(tz) ? tz : undefined;

    return { filter: parseSearchQuery({ tz: zone }, options), problem: error.message };
  }
};

/** Whether the search names anything to look for (a query or a filter); an empty one lists nothing. */
export const hasCriteria = (filter: SearchFilter) =>
  Boolean(filter.q || filter.type || filter.modifiedBy || filter.from || filter.to);

/** The query string of `filter` (non-default fields only), optionally for another page. */
export const searchParamsOf = (filter: SearchFilter, page = filter.page) => {
  const search = new URLSearchParams();
  for (const key of ['q', 'type', 'modifiedBy', 'from', 'to'] as const) {
    const value = filter[key];
    if (value) search.set(key, value);
  }
  if (filter.q && filter.sort !== 'relevance') search.set('sort', filter.sort);
  if (page > 1) search.set('page', String(page));

  return search;
};

/** /search?… for `filter` (and another page). */
export const searchHref = (filter: SearchFilter, page = filter.page) => {
  const query = searchParamsOf(filter, page).toString();

  return query ? `/search?${query}` : '/search';
};
