import { KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';
import type { AuditFilter } from '@/lib/audit/filter';
import { nextDay, startOfDayIn } from '@/lib/audit/time-zone';
import { sql } from '@/lib/db';

/** Parameter placeholders for one statement: `param(value)` appends it and answers `$n`. */
export type Param = (value: unknown) => string;
export type Condition = (param: Param) => string;
/**
 * One of several disjoint alternatives. `constantColumn`: a column whose value is the same in
 * every matching row (null); ordering by it first makes Postgres read the rows in order from
 * the (column, at) index rather than walking the whole time index with a filter it cannot
 * estimate (a text search in details).
 */
export type Alternative = { condition: Condition; constantColumn?: string };

/**
 * A filter with its lookups done (users by email, documents by name): conditions on
 * "AuditEvent" that all apply, and disjoint alternatives of which one must (none: no
 * alternatives). `isEmpty` when a lookup found nothing: no event can match.
 */
export type ResolvedAuditFilter = { conditions: Condition[]; alternatives: Alternative[]; isEmpty: boolean };

/** Past this many matching users or documents the id lists become subqueries. */
const LOOKUP_MAX = 1000;
/** `value` as a literal inside a LIKE pattern (the default escape character is \\). */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (char) => `\\${char}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One id is an equality (an ordered scan of a (column, at, id) index); several are a set. */
const inIds = (column: string, ids: string[]): Condition =>
  ids.length === 1
    ? (param) => `${column} = ${param(ids[0])}::uuid`
    : (param) => `${column} = ANY(${param(ids)}::uuid[])`;

const userCondition = async (user: string): Promise<Condition | null> => {
  if (UUID.test(user)) return (param) => `"userId" = ${param(user)}::uuid`;
  const email = user.toLowerCase();
  const exact = await sql<{ id: string }>('SELECT id FROM "User" WHERE email = $1', [email]);
  if (exact.rows.length > 0) return inIds('"userId"', [exact.rows[0]!.id]);
  const partial = await sql<{ id: string }>('SELECT id FROM "User" WHERE strpos(email, $1) > 0 LIMIT $2', [
    email,
    LOOKUP_MAX + 1,
  ]);
  if (partial.rows.length === 0) return null;
  if (partial.rows.length > LOOKUP_MAX)
    return (param) => `"userId" IN (SELECT id FROM "User" WHERE strpos(email, ${param(email)}) > 0)`;

  return inIds(
    '"userId"',
    partial.rows.map((row) => row.id),
  );
};

/**
 * By id: the document's events, and its purge (the row is gone, so that event keeps the id in
 * its details). By name: events of documents whose name contains it, and events without a
 * document row whose details name it (purged documents, refused uploads). The two are disjoint
 * alternatives ("documentId" set or null): each is queried on its own index and the results
 * merged, because an OR of them would make Postgres walk the whole time index.
 */
const documentAlternatives = async (document: string): Promise<Alternative[]> => {
  if (UUID.test(document)) {
    const id = document.toLowerCase();

    return [
      { condition: (param) => `"documentId" = ${param(id)}::uuid` },
      {
        condition: (param) =>
          `("documentId" IS NULL AND action = 'janitor.trash_purged' AND details->>'documentId' = ${param(id)})`,
      },
    ];
  }
  // ILIKE rather than strpos: a trigram index on names (search) serves it too.
  const pattern = `%${escapeLike(document)}%`;
  const { rows } = await sql<{ id: string }>('SELECT id FROM "Document" WHERE name ILIKE $1 LIMIT $2', [
    pattern,
    LOOKUP_MAX + 1,
  ]);
  const byDetails: Alternative = {
    condition: (param) => `("documentId" IS NULL AND details->>'name' ILIKE ${param(pattern)})`,
    constantColumn: '"documentId"',
  };
  if (rows.length === 0) return [byDetails];
  const byRow: Condition =
    rows.length > LOOKUP_MAX
      ? (param) => `"documentId" IN (SELECT id FROM "Document" WHERE name ILIKE ${param(pattern)})`
      : inIds(
          '"documentId"',
          rows.map((row) => row.id),
        );

  return [{ condition: byRow }, byDetails];
};

/**
 * Every distinct action in the table, by a skip scan of the (action, at, id) index: one index
 * probe per action, however many events there are.
 */
export const listRecordedActions = async () => {
  const { rows } = await sql<{ action: string }>(
    `WITH RECURSIVE seen AS (
       (SELECT action FROM "AuditEvent" ORDER BY action LIMIT 1)
       UNION ALL
       SELECT (SELECT e.action FROM "AuditEvent" e WHERE e.action > seen.action ORDER BY e.action LIMIT 1)
       FROM seen WHERE seen.action IS NOT NULL
     )
     SELECT action FROM seen WHERE action IS NOT NULL`,
  );

  return rows.map((row) => row.action);
};

/** A prefix ("wopi.*") becomes the set of actions it covers: known ones and those recorded. */
const actionCondition = async (action: string): Promise<Condition | null> => {
  if (!action.endsWith('*')) return (param) => `action = ${param(action)}`;
  const prefix = action.slice(0, -1);
  const known = KNOWN_AUDIT_ACTIONS.map((entry) => entry.action as string);
  const actions = [...new Set([...known, ...(await listRecordedActions())])].filter((name) => name.startsWith(prefix));
  if (actions.length === 0) return null;

  return (param) => `action = ANY(${param(actions)}::text[])`;
};

/**
 * Looks up what the filter names (users by email, documents by name or id, action prefixes) and
 * returns its conditions. `isEmpty` when a lookup found nothing: no event can match.
 */
export const resolveAuditFilter = async (filter: AuditFilter): Promise<ResolvedAuditFilter> => {
  const nothing = { conditions: [], alternatives: [], isEmpty: true };
  const [user, alternatives, action] = await Promise.all([
    filter.user ? userCondition(filter.user) : undefined,
    filter.document ? documentAlternatives(filter.document) : [],
    filter.action ? actionCondition(filter.action) : undefined,
  ]);
  if (user === null || action === null) return nothing;
  const conditions = [user, action].filter((condition) => condition !== undefined);
  const { outcome, from, to, timeZone } = filter;
  if (outcome) conditions.push((param) => `outcome = ${param(outcome)}`);
  if (from) conditions.push((param) => `at >= ${param(startOfDayIn(from, timeZone))}`);
  if (to) conditions.push((param) => `at < ${param(startOfDayIn(nextDay(to), timeZone))}`);

  return { conditions, alternatives, isEmpty: false };
};
