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

/** The users a `user` filter names: an id, an exact email, else every email containing it. */
type UserMatch = { ids: string[] } | { emailPart: string } | null;

const matchUsers = async (user: string): Promise<UserMatch> => {
  if (UUID.test(user)) return { ids: [user.toLowerCase()] };
  const email = user.toLowerCase();
  const exact = await sql<{ id: string }>('SELECT id FROM "User" WHERE email = $1', [email]);
  if (exact.rows.length > 0) return { ids: [exact.rows[0]!.id] };
  const partial = await sql<{ id: string }>('SELECT id FROM "User" WHERE strpos(email, $1) > 0 LIMIT $2', [
    email,
    LOOKUP_MAX + 1,
  ]);
  if (partial.rows.length === 0) return null;
  if (partial.rows.length > LOOKUP_MAX) return { emailPart: email };

  return { ids: partial.rows.map((row) => row.id) };
};

/**
 * The actions about a user account, each recording the account's id as details.targetUserId
 * (lib/users/admin.ts, lib/users/account.ts).
 */
export const USER_TARGET_ACTIONS = [
  'user.created',
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'user.password_reset',
  'user.password_changed',
] as const;

/**
 * Events by or about the users: those they did ("userId"), and those about their account
 * (USER_TARGET_ACTIONS whose details.targetUserId is theirs) that someone else did (or the CLI),
 * so an event by and about the same user (their own password change) comes once. One
 * alternative per action about them: each reads its (action, at, id) index in order.
 */
const userAlternatives = (match: NonNullable<UserMatch>): Alternative[] => {
  const by: Condition =
    'ids' in match
      ? inIds('"userId"', match.ids)
      : (param) => `"userId" IN (SELECT id FROM "User" WHERE strpos(email, ${param(match.emailPart)}) > 0)`;
  const target = (param: Param) =>
    'ids' in match
      ? `details->>'targetUserId' = ANY(${param(match.ids)}::text[])`
      : `details->>'targetUserId' IN (SELECT id::text FROM "User" WHERE strpos(email, ${param(match.emailPart)}) > 0)`;
  const notBy = (param: Param) => `("userId" IS NULL OR NOT (${by(param)}))`;

  return [
    { condition: by },
    ...USER_TARGET_ACTIONS.map((action): Alternative => ({
      condition: (param) => `action = ${param(action)} AND ${target(param)} AND ${notBy(param)}`,
      constantColumn: 'action',
    })),
  ];
};

/**
 * Where each action that names a document records the names it had (details): a rename its
 * old and new name, an upload, delete or purge its name, a move or restore its name and the
 * one before. A document's every name is among these or is its current name.
 */
const NAMING_CONDITIONS = [
  { actions: ['document.rename', 'wopi.rename'], fields: [`details->>'from'`, `details->>'to'`] },
  {
    actions: ['document.upload', 'document.delete', 'document.purge', 'janitor.trash_purged', 'wopi.put_relative'],
    fields: [`details->>'name'`],
  },
  { actions: ['document.move', 'document.restore'], fields: [`details->>'name'`, `details->>'was'`] },
  { actions: ['document.copy'], fields: [`details->'to'->>'name'`] },
];
const NAMING_ACTIONS = NAMING_CONDITIONS.flatMap((entry) => entry.actions);

/**
 * The ids of documents that ever had a name matching `pattern` (ILIKE), from the events that
 * record names: an index scan of those actions only (not the WOPI saves, opens and locks that
 * make up most of the table). Purged documents are among them (their purge names them).
 */
const historicNameSql = (param: Param, pattern: string) => {
  const p = param(pattern);
  const matches = NAMING_CONDITIONS.map(
    ({ actions, fields }) =>
      `(action = ANY(${param(actions)}::text[]) AND (${fields.map((field) => `${field} ILIKE ${p}`).join(' OR ')}))`,
  );

  return `SELECT DISTINCT "documentId" FROM "AuditEvent"
           WHERE action = ANY(${param(NAMING_ACTIONS)}::text[]) AND "documentId" IS NOT NULL
             AND (${matches.join(' OR ')})`;
};

/** The ids of documents named like `pattern` now or before, or null past LOOKUP_MAX of them. */
const documentIdsByName = async (pattern: string) => {
  const values: unknown[] = [];
  const param: Param = (value) => {
    values.push(value);

    return `$${values.length}`;
  };
  const statement = `SELECT id FROM (
      (SELECT id FROM "Document" WHERE name ILIKE ${param(pattern)} LIMIT ${LOOKUP_MAX + 1})
      UNION
      (${historicNameSql(param, pattern)} LIMIT ${LOOKUP_MAX + 1})
    ) ids LIMIT ${LOOKUP_MAX + 1}`;
  const { rows } = await sql<{ id: string }>(statement, values);

  return rows.length > LOOKUP_MAX ? null : rows.map((row) => row.id);
};

/**
 * By id: the document's events, its purge among them (recorded with its id since
 * 20261201150000). By name: the events of every document that has or had a name containing it
 * (its current name, or one its events recorded: renames, uploads, moves, restores, purges), so
 * a document found by its current name shows the events under its old names, and a purged one
 * by any of its names; and events without a document whose details name it (refused uploads).
 * The two are disjoint alternatives ("documentId" set or null): each is queried on its own index
 * and the results merged, because an OR of them would make Postgres walk the whole time index.
 */
const documentAlternatives = async (document: string): Promise<Alternative[]> => {
  if (UUID.test(document)) {
    const id = document.toLowerCase();

    return [{ condition: (param) => `"documentId" = ${param(id)}::uuid` }];
  }
  // ILIKE rather than strpos: a trigram index on names (search) serves it too.
  const pattern = `%${escapeLike(document)}%`;
  const ids = await documentIdsByName(pattern);
  const byDetails: Alternative = {
    condition: (param) => `("documentId" IS NULL AND details->>'name' ILIKE ${param(pattern)})`,
    constantColumn: '"documentId"',
  };
  if (ids?.length === 0) return [byDetails];
  const byRow: Condition = ids
    ? inIds('"documentId"', ids)
    : (param) =>
        `"documentId" IN (SELECT id FROM "Document" WHERE name ILIKE ${param(pattern)} UNION ${historicNameSql(param, pattern)})`;

  return [{ condition: byRow }, byDetails];
};

/** Every pair of a user alternative and a document alternative (each list: one must hold). */
const bothOf = (users: Alternative[], documents: Alternative[]): Alternative[] => {
  if (users.length === 0) return documents;
  if (documents.length === 0) return users;

  return users.flatMap((user) =>
    documents.map((doc): Alternative => ({
      condition: (param) => `${user.condition(param)} AND ${doc.condition(param)}`,
      constantColumn: doc.constantColumn ?? user.constantColumn,
    })),
  );
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
 * returns its conditions and alternatives: a user's events by or about them, a document's whole
 * history. `isEmpty` when a lookup found nothing: no event can match.
 */
export const resolveAuditFilter = async (filter: AuditFilter): Promise<ResolvedAuditFilter> => {
  const nothing = { conditions: [], alternatives: [], isEmpty: true };
  const [user, documents, action] = await Promise.all([
    filter.user ? matchUsers(filter.user) : undefined,
    filter.document ? documentAlternatives(filter.document) : [],
    filter.action ? actionCondition(filter.action) : undefined,
  ]);
  if (user === null || action === null) return nothing;
  const alternatives = bothOf(user ? userAlternatives(user) : [], documents);
  const conditions = [action].filter((condition) => condition !== undefined);
  const { outcome, from, to, timeZone } = filter;
  if (outcome) conditions.push((param) => `outcome = ${param(outcome)}`);
  if (from) conditions.push((param) => `at >= ${param(startOfDayIn(from, timeZone))}`);
  if (to) conditions.push((param) => `at < ${param(startOfDayIn(nextDay(to), timeZone))}`);

  return { conditions, alternatives, isEmpty: false };
};
