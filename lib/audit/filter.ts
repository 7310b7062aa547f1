import { z } from 'zod';
import { AUDIT_OUTCOMES, type AuditOutcome } from '@/lib/audit/actions';
import { DEFAULT_TIME_ZONE, isCalendarDay, isTimeZone } from '@/lib/audit/time-zone';
import { DomainError } from '@/lib/errors';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

/**
 * What the audit page and its CSV export select, as the query string carries it. Empty fields
 * mean "any". Dates are calendar days in `timeZone`, both ends included.
 */
export type AuditFilter = {
  /** An email: exactly that user, or else every user whose email contains it. */
  user?: string;
  /** A document id, or part of a document's name. */
  document?: string;
  /** An action ("wopi.save"), or a prefix ending in * ("wopi.*"). */
  action?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
  timeZone: string;
};

/** A position in the (at, id) descending order: the event a page starts after or ends before. */
export type AuditCursor = { at: Date; id: bigint };

export type AuditPosition = { before?: AuditCursor; after?: AuditCursor };

export const AUDIT_PAGE_SIZE = 50;

const CURSOR = /^(\d{1,15})_(\d{1,19})$/;

/** `<epoch ms>_<id>`: short, readable in the address bar, and exact (`at` has millisecond precision). */
export const encodeCursor = (cursor: AuditCursor) => `${cursor.at.getTime()}_${cursor.id}`;

/** AuditEvent.id is a Postgres bigint: a larger id in a cursor failed the query (a 500). */
const BIGINT_MAX = 2n ** 63n - 1n;

export const decodeCursor = (value: string): AuditCursor | null => {
  const match = CURSOR.exec(value);
  if (!match) return null;
  const id = BigInt(match[2]!);

  return id <= BIGINT_MAX ? { at: new Date(Number(match[1])), id } : null;
};

// Postgres text cannot hold U+0000: a filter carrying it failed the statement (a 500).
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters.`)
    .refine((value) => !value.includes('\u0000'), 'No NUL characters.')
    .optional()
    .transform((value) => value || undefined);

const day = (label: string) =>
  text(10).refine((value) => value === undefined || isCalendarDay(value), `${label}: use a date as YYYY-MM-DD.`);

const cursor = text(40).refine(
  (value) => value === undefined || decodeCursor(value) !== null,
  'The page position is not valid: start again from the first page.',
);

export const auditQuerySchema = z
  .object({
    user: text(320),
    document: text(300),
    action: text(100),
    /** Free text next to the select of known actions: when filled in, it is the action filter. */
    actionText: text(100),
    outcome: z
      .union([z.enum(AUDIT_OUTCOMES), z.literal('')], { message: `Outcome: one of ${AUDIT_OUTCOMES.join(', ')}.` })
      .optional()
      .transform((value) => value || undefined),
    from: day('From'),
    to: day('To'),
    // Given explicitly, a zone must exist (a typo would silently shift the dates to another zone).
    tz: text(64).refine((value) => value === undefined || isTimeZone(value), {
      message: 'Time zone: not a known time zone (an IANA name such as Europe/Berlin).',
      params: { rule: 'time_zone' },
    }),
    before: cursor,
    after: cursor,
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

const KEYS = ['user', 'document', 'action', 'actionText', 'outcome', 'from', 'to', 'tz', 'before', 'after'] as const;

/**
 * The filter and page position a query string asks for; invalid input is a DomainError
 * ('invalid', 400 at the API), an unknown `tz` among it. A missing time zone falls back to
 * `timeZone` (the browser's, from its cookie; a stale or unknown one is ignored) and then to UTC.
 */
export const parseAuditQuery = (raw: RawQuery, options: { timeZone?: string } = {}) => {
  const parsed = auditQuerySchema.safeParse(
    Object.fromEntries(KEYS.map((key) => [key, first(raw, key)])),
    REPORT_INPUT,
  );
  if (!parsed.success) {
    throw invalidInputOf('invalid_filter', parsed.error);
  }
  const query = parsed.data;
  const timeZone = query.tz ?? [options.timeZone].find((zone) => zone && isTimeZone(zone)) ?? DEFAULT_TIME_ZONE;
  const action = query.actionText ?? query.action;
  const filter: AuditFilter = {
    ...(query.user ? { user: query.user } : {}),
    ...(query.document ? { document: query.document } : {}),
    ...(action && action !== '*' ? { action } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    timeZone,
  };
  const position: AuditPosition = query.before
    ? { before: decodeCursor(query.before)! }
    : query.after
      ? { after: decodeCursor(query.after)! }
      : {};

  return { filter, position };
};

/**
 * The audit page's reading of its address: the filter and position, or, for bad input, the
 * problem and the first page with the time zone only. Never throws for client input: the page
 * re-read `tz` alone after a problem, so a `tz` over 64 characters threw again (a 500).
 */
export const parseAuditPageQuery = (
  raw: RawQuery,
  options: { timeZone?: string } = {},
): ReturnType<typeof parseAuditQuery> & { problem?: string } => {
  try {
    return parseAuditQuery(raw, options);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const tz = first(raw, 'tz');

    return { ...parseAuditQuery({ tz: tz && isTimeZone(tz) ? tz : undefined }, options), problem: error.message };
  }
};

/** The query string of `filter` (non-empty fields only) and an optional position. */
export const auditSearchParams = (filter: AuditFilter, position: AuditPosition = {}) => {
  const search = new URLSearchParams();
  for (const key of ['user', 'document', 'action', 'outcome', 'from', 'to'] as const) {
    const value = filter[key];
    if (value) search.set(key, value);
  }
  search.set('tz', filter.timeZone);
  if (position.before) search.set('before', encodeCursor(position.before));
  else if (position.after) search.set('after', encodeCursor(position.after));

  return search;
};

export const auditPageHref = (filter: AuditFilter, position: AuditPosition = {}) =>
  `/admin/audit?${auditSearchParams(filter, position).toString()}`;

export const auditCsvHref = (filter: AuditFilter) => `/api/admin/audit.csv?${auditSearchParams(filter).toString()}`;

/** Whether anything but the time zone narrows the events. */
export const isFiltered = (filter: AuditFilter) =>
  Boolean(filter.user || filter.document || filter.action || filter.outcome || filter.from || filter.to);
