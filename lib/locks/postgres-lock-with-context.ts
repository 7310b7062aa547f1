import { getLockPool, lateGate, onBeforeDisconnect, sql, statementDeadline } from '@/lib/db';
import { isUuid } from '@/lib/documents/queries';
import { UNLOCKED_AT } from '@/lib/documents/content';
import { env } from '@/lib/env';
import { DependencyUnavailableError, unavailableError } from '@/lib/errors';
import { createGroupCommit, type GroupCommit } from '@/lib/locks/group-commit';
import { currentLock } from '@/lib/locks/postgres-lock-store';
import {
  auditOf,
  CHANGE_PARAMS,
  CHANGES,
  type ChangeMethod,
  expiryFrom,
  heldOf,
  outcomeOf,
  statement,
  type ChangeVerdict,
  type Placeholders,
  type Statement,
} from '@/lib/locks/lock-statements';
import type { LockWithContextInput, LockWithContextResult, WopiDocument, WopiUser } from '@/lib/wopi/ports';

/**
 * The token's user and the visible document, as loadWopiContext (lib/server/wopi-document-store.ts)
 * selects them: keep the two in step (tests/integration/locks/lock-with-context.test.ts compares
 * them). `found_user` and `found_document` are CTEs, so the change below can be gated on them.
 */
const CONTEXT_CTES = (p: Placeholders) =>
  `found_user AS (SELECT u.id, u.email, u.name, u.role, u."wopiUserInfo" FROM "User" u
                  WHERE u.id = ${p.userId}::uuid AND u."disabledAt" IS NULL),
   found_document AS (
     SELECT d.id, d.name, d.folder, d.extension, d.size, d.sha256, d.version, d."lastModifiedAt", d."createdById",
            d."contentKey", d.key, d.etag, d."mirrorPendingSince"
     FROM "Document" d WHERE d.id = ${p.documentId}::uuid AND d."missingSince" IS NULL AND d."deletedAt" IS NULL)`;

/** The user and document as JSON objects (NULL when absent), over columns of `u` / `d` as selected above. */
const USER_JSON = `json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role, 'wopiUserInfo', u."wopiUserInfo")`;
const DOCUMENT_JSON = `json_build_object('id', d.id, 'name', d.name, 'folder', d.folder, 'extension', d.extension, 'size', d.size::text,
                            'sha256', d.sha256, 'version', d.version, 'lastModifiedAt', d."lastModifiedAt",
                            'createdById', d."createdById", 'contentKey', d."contentKey", 'key', d.key, 'etag', d.etag,
                            'mirrorPendingSince', d."mirrorPendingSince")`;

const CONTEXT_COLUMNS = `
  (SELECT ${USER_JSON} FROM found_user u) AS "user",
  (SELECT ${DOCUMENT_JSON} FROM found_document d) AS "document"`;

/** Only a user whose role may write, on a visible document, changes the lock (and is audited). */
const permittedOf = (p: Placeholders) =>
  `permitted AS (SELECT 1 FROM found_user, found_document WHERE found_user.role::text = ANY (${p.roles}::text[]))`;
const PERMITTED = 'EXISTS (SELECT 1 FROM permitted)';

const METHODS: readonly ChangeMethod[] = ['lock', 'unlock', 'refresh', 'unlockAndRelock'];

/** Per change: context, gate, change, audit row and the held lock, in one statement. */
const CHANGE_STATEMENTS = Object.fromEntries(
  METHODS.map((method) => [
    method,
    statement(`lock.${method}+context`, [...CHANGE_PARAMS[method], 'action', 'auditUserId', 'userId', 'roles'], (p) => {
      const late = lateGate(p.deadline);
      const gate = `${PERMITTED} AND ${late.condition}`;

      return `WITH ${late.cte}, ${CONTEXT_CTES(p)},
                ${permittedOf(p)},
                change AS (${CHANGES[method](p, gate)}),
                audit AS (${auditOf(p, gate)})
              SELECT ${CONTEXT_COLUMNS}, ${PERMITTED} AS "isPermitted",
                     EXISTS (SELECT 1 FROM change) AS changed, ${heldOf(p)} AS held,
                     ${late.condition} AS "onTime", ${late.at} AS "dbNow"`;
    }),
  ]),
) as Record<ChangeMethod, Statement>;

const GET_STATEMENT = statement(
  'lock.get+context',
  ['userId', 'documentId', 'now'],
  (p) => `WITH ${CONTEXT_CTES(p)} SELECT ${CONTEXT_COLUMNS}, ${heldOf(p)} AS held`,
);

/**
 * Several lock changes (distinct documents) in ONE statement: what CHANGE_STATEMENTS does for one
 * change, per item of the arrays (`unnest … WITH ORDINALITY`: the result rows come back in the
 * items' order). Each item has its own user, document, roles, lock ids, audit row, `now` and
 * expiry; one deadline (lateGate) covers the batch. It runs on the lock pool, whose sessions wait
 * at most LOCK_BATCH_ROW_WAIT_MS for a row lock (getLockPool, lib/db.ts): a row another
 * transaction holds (a PutFile copying bytes aside holds its lock row FOR SHARE for seconds) makes
 * the batch fail at once with 55P03, changing nothing, and its changes are sent again one by one
 * (sendLockChange, on the shared pool, where each waits for its own row as before). That also
 * breaks any deadlock with another instance's batch long before Postgres's deadlock_timeout.
 * Users and documents are looked up per item (LATERAL … LIMIT 1, which the planner cannot flatten
 * into a join, so always by primary key): a generic plan must not keep a scan of a table that was
 * small when it was planned.
 * The LOCK upsert compares with the item's own `now`, which is EXCLUDED."createdAt".
 * Rows are visited in document id order (which makes such waits rarer, not impossible: the upsert
 * and the update are two sets). tests/integration/locks/lock-group-commit.test.ts checks it
 * answers and changes exactly what the single statements do, case by case.
 */
const BATCH_STATEMENT = (() => {
  const late = lateGate('$1');

  return {
    name: 'lock.batch+context',
    text: `WITH ${late.cte},
      item AS MATERIALIZED (
        SELECT * FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                             $9::uuid[], $10::timestamptz[], $11::timestamptz[])
          WITH ORDINALITY AS i(method, document_id, user_id, roles, lock_id, old_lock_id, action, audit_user_id,
                               now_at, expires_at, n)),
      context AS MATERIALIZED (
        SELECT i.n, i.method, i.document_id, i.lock_id, i.old_lock_id, i.action, i.audit_user_id, i.now_at, i.expires_at,
               CASE WHEN u.id IS NULL THEN NULL ELSE ${USER_JSON} END AS "user",
               CASE WHEN d.id IS NULL THEN NULL ELSE ${DOCUMENT_JSON} END AS "document",
               (u.id IS NOT NULL AND d.id IS NOT NULL AND u.role::text = ANY (string_to_array(i.roles, ','))) AS permitted,
               (SELECT l."lockId" FROM "Lock" l WHERE l."documentId" = i.document_id AND l."expiresAt" > i.now_at) AS held
        FROM item i
        LEFT JOIN LATERAL (SELECT * FROM "User" WHERE id = i.user_id AND "disabledAt" IS NULL LIMIT 1) u ON true
        LEFT JOIN LATERAL (SELECT * FROM "Document" WHERE id = i.document_id AND "missingSince" IS NULL
                                                            AND "deletedAt" IS NULL LIMIT 1) d ON true),
      gated AS (SELECT * FROM context WHERE permitted AND ${late.condition}),
      locked AS (
        INSERT INTO "Lock" ("documentId", "lockId", "expiresAt", "createdAt")
          SELECT g.document_id, g.lock_id, g.expires_at, g.now_at FROM gated g WHERE g.method = 'lock' ORDER BY g.document_id
        ON CONFLICT ("documentId") DO UPDATE
          SET "lockId" = EXCLUDED."lockId", "expiresAt" = EXCLUDED."expiresAt",
              "createdAt" = CASE WHEN "Lock"."lockId" = EXCLUDED."lockId" AND "Lock"."expiresAt" > EXCLUDED."createdAt"
                                 THEN "Lock"."createdAt" ELSE EXCLUDED."createdAt" END
          WHERE "Lock"."lockId" = EXCLUDED."lockId" OR "Lock"."expiresAt" <= EXCLUDED."createdAt"
        RETURNING "documentId"),
      updated AS (
        UPDATE "Lock" l
          SET "expiresAt" = CASE g.method WHEN 'unlock' THEN ${UNLOCKED_AT} ELSE g.expires_at END,
              "lockId" = CASE g.method WHEN 'unlockAndRelock' THEN g.lock_id ELSE l."lockId" END,
              "createdAt" = CASE g.method WHEN 'unlockAndRelock' THEN g.now_at ELSE l."createdAt" END
        FROM (SELECT * FROM gated WHERE method <> 'lock' ORDER BY document_id) g
        WHERE l."documentId" = g.document_id AND l."expiresAt" > g.now_at
          AND l."lockId" = CASE g.method WHEN 'unlockAndRelock' THEN g.old_lock_id ELSE g.lock_id END
        RETURNING l."documentId"),
      changed AS (SELECT "documentId" FROM locked UNION ALL SELECT "documentId" FROM updated),
      audit AS (
        INSERT INTO "AuditEvent" (action, outcome, "userId", "documentId")
        SELECT g.action,
               CASE WHEN EXISTS (SELECT 1 FROM changed c WHERE c."documentId" = g.document_id) THEN 'success' ELSE 'failure' END,
               g.audit_user_id, g.document_id
        FROM gated g ORDER BY g.n)
      SELECT c."user", c."document", c.permitted AS "isPermitted",
             EXISTS (SELECT 1 FROM changed x WHERE x."documentId" = c.document_id) AS changed, c.held,
             ${late.condition} AS "onTime", ${late.at} AS "dbNow"
      FROM context c ORDER BY c.n`,
  };
})();

type JsonDocument = Omit<WopiDocument, 'size' | 'lastModifiedAt' | 'mirrorPendingSince'> & {
  size: string;
  lastModifiedAt: string;
  mirrorPendingSince: string | null;
};

type ContextRow = { user: WopiUser | null; document: JsonDocument | null; held: string | null };
type ChangeRow = ContextRow & ChangeVerdict & { isPermitted: boolean };

/** As loadWopiContext: timestamps arrive as ISO strings, size as text (bigint). */
const toDocument = (doc: JsonDocument | null): WopiDocument | null =>
  doc
    ? {
        ...doc,
        size: Number(doc.size),
        lastModifiedAt: new Date(doc.lastModifiedAt),
        mirrorPendingSince: doc.mirrorPendingSince ? new Date(doc.mirrorPendingSince) : null,
      }
    : null;

const NOTHING: LockWithContextResult = { user: null, document: null, result: null };

/** One lock change as the group commit carries it. */
export type ChangeItem = {
  userId: string;
  documentId: string;
  roles: readonly string[];
  now: Date;
  method: ChangeMethod;
  lockId: string;
  oldLockId: string;
  action: string;
  auditUserId: string | null;
};

/** A change's row and the deadline its statement carried (for the late-statement error). */
export type Sent = { row: ChangeRow | undefined; deadline: Date };

/**
 * One change in one statement (CHANGE_STATEMENTS) on the shared pool: it waits for its row like
 * any statement (bounded by DB_QUERY_TIMEOUT_MS). Throws what `sql` throws.
 */
export const sendLockChange = async (item: ChangeItem): Promise<Sent> => {
  const { name, text, values } = CHANGE_STATEMENTS[item.method];
  const deadline = statementDeadline();
  const { rows } = await sql<ChangeRow>(text, values({ ...item, deadline, expiresAt: expiryFrom(item.now) }), name);

  return { row: rows[0], deadline };
};

/**
 * Two or more changes of distinct documents in one statement (BATCH_STATEMENT) on the lock pool;
 * the rows in the items' order. `deadline`: statementDeadline() unless a test sets one. Throws
 * what `sql` throws.
 */
export const sendLockChanges = async (items: ChangeItem[], deadline = statementDeadline()): Promise<Sent[]> => {
  const { rows } = await sql<ChangeRow>(
    BATCH_STATEMENT.text,
    [
      deadline,
      items.map((item) => item.method),
      items.map((item) => item.documentId),
      items.map((item) => item.userId),
      items.map((item) => item.roles.join(',')),
      items.map((item) => item.lockId),
      items.map((item) => item.oldLockId),
      items.map((item) => item.action),
      items.map((item) => item.auditUserId),
      items.map((item) => item.now),
      items.map((item) => expiryFrom(item.now)),
    ],
    BATCH_STATEMENT.name,
    getLockPool(),
  );
  if (rows.length !== items.length) throw new Error(`lock batch: ${rows.length} rows for ${items.length} changes`);

  return rows.map((row) => ({ row, deadline }));
};

/**
 * Batches of lock changes in Postgres at once at most (more only while some are slow:
 * lib/locks/group-commit.ts); a second one goes while the first runs only with at least
 * EXTRA_LANE_MIN_BATCH changes, so it overlaps the first's commit (its WAL flush) without
 * splitting the load into small statements. Measured with 16 connections on 2 cores (LOCK+UNLOCK
 * cycles/s, two 12 s runs each): 1 lane 3,405 / 3,173; 2 lanes from 4 changes 3,821 / 3,521;
 * 2 lanes from 6 changes 3,911 / 3,825; 3 lanes from 6 changes 3,796 / 3,759; 2 lanes from 1 (any
 * change) 3,848.
 */
const LOCK_LANES = 2;
const EXTRA_LANE_MIN_BATCH = 6;
/** A batch running longer than this no longer holds back the next one. */
const SLOW_BATCH_MS = 25;
const MAX_BATCH = 64;

let lockChanges: GroupCommit<ChangeItem, Sent> | undefined;

/** A batch's wait for a row cut short by its pool's lock_timeout (SQLSTATE 55P03, which `sql` reports as an outage). */
const isRowWaitCut = (error: DependencyUnavailableError) =>
  (error.cause as { code?: unknown } | undefined)?.code === '55P03';

/**
 * The process's group commit of lock changes (created on first use: it reads
 * DB_CONNECT_TIMEOUT_MS). Closing the database first lets the batches under way finish.
 */
export const lockChangeGroupCommit = () => {
  if (!lockChanges) {
    lockChanges = createGroupCommit<ChangeItem, Sent>({
      keyOf: (item) => item.documentId.toLowerCase(),
      runOne: sendLockChange,
      runMany: sendLockChanges,
      // An outage fails every item; anything else (a row lock it would have waited for, a deadlock
      // with another instance's batch, one item Postgres refuses) is retried one by one: the batch
      // statement changed nothing.
      isRetriedOneByOne: (error) => !(error instanceof DependencyUnavailableError) || isRowWaitCut(error),
      maxActive: LOCK_LANES,
      minExtraBatch: EXTRA_LANE_MIN_BATCH,
      slowMs: SLOW_BATCH_MS,
      maxBatch: MAX_BATCH,
      maxWaitMs: env.DB_CONNECT_TIMEOUT_MS,
      waitedTooLong: (waitedMs) =>
        unavailableError(
          'database',
          `a lock change waited ${Math.round(waitedMs)} ms behind earlier changes of its document`,
        ),
    });
    onBeforeDisconnect(lockChanges.idle);
  }

  return lockChanges;
};

/**
 * WopiPorts.lockWithContext on Postgres: the context lookup, the lock change and its audit row
 * in ONE statement (one round trip, one commit). Changes arriving while others are in Postgres
 * share one statement (group commit, lib/locks/group-commit.ts: BATCH_STATEMENT). The change
 * keeps its LockStore semantics (lib/locks/postgres-lock-store.ts: the same statement text,
 * gated); only a refusal whose snapshot disagrees with it (a concurrent change won) costs a
 * second statement. Throws DependencyUnavailableError (→ 503) when Postgres is down or stalled,
 * or the change reached it after its deadline.
 */
export const postgresLockWithContext = async ({
  userId,
  documentId,
  roles,
  now,
  call,
}: LockWithContextInput): Promise<LockWithContextResult> => {
  if (!isUuid(userId) || !isUuid(documentId)) return NOTHING;
  if (call.method === 'get') {
    const { rows } = await sql<ContextRow>(
      GET_STATEMENT.text,
      GET_STATEMENT.values({ userId, documentId, now }),
      GET_STATEMENT.name,
    );
    const row = rows[0];

    return { user: row?.user ?? null, document: toDocument(row?.document ?? null), result: row?.held ?? '' };
  }
  const oldLockId = call.method === 'unlockAndRelock' ? call.oldLockId : '';
  const { action, userId: auditUserId } = call.audit;
  const { row, deadline } = await lockChangeGroupCommit().submit({
    userId,
    documentId,
    roles,
    now,
    method: call.method,
    lockId: call.lockId,
    oldLockId,
    action,
    auditUserId,
  });
  const document = toDocument(row?.document ?? null);
  const expected = { method: call.method, lockId: call.lockId, oldLockId, deadline };
  const result =
    row?.isPermitted && document ? await outcomeOf(expected, row, () => currentLock(document.id, now)) : null;

  return { user: row?.user ?? null, document, result };
};
