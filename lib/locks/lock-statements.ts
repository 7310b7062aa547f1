import { lateStatementError } from '@/lib/db';
import { UNLOCKED_AT } from '@/lib/documents/content';
import { LOCK_TTL_MS, type LockCall, type LockOutcome } from '@/lib/wopi/ports';

/**
 * The SQL of every lock change, as pieces the Postgres stores compose into ONE statement: the
 * change itself (a CTE ending in RETURNING 1, so its row count is the verdict), its audit row and
 * the lock held in the statement's snapshot. Texts are built once, at import; hot statements run
 * as named prepared statements (lib/db.ts `sql`).
 */

export type ChangeMethod = Exclude<LockCall['method'], 'get'>;

/** The parameters a statement may name; each statement numbers only those it uses. */
export type LockParams = {
  documentId: string;
  now: Date;
  expiresAt: Date;
  lockId: string;
  oldLockId: string;
  action: string;
  /** Who the audit row names. */
  auditUserId: string | null;
  /** The context's user and the roles that may change the lock (lib/locks/postgres-lock-with-context.ts). */
  userId: string;
  roles: readonly string[];
  /** After this instant (statementDeadline, lib/db.ts) the statement changes nothing and says so. */
  deadline: Date;
};

export type Placeholders = Record<keyof LockParams, string>;

export type Statement = { name: string; text: string; values: (params: Partial<LockParams>) => unknown[] };

/** `build` gets a placeholder per name ($1, $2, … in the order of `names`); values come back in that order. */
export const statement = (
  name: string,
  names: readonly (keyof LockParams)[],
  build: (p: Placeholders) => string,
): Statement => {
  const p = Object.fromEntries(names.map((key, index) => [key, `$${index + 1}`])) as Placeholders;

  return { name, text: build(p), values: (params) => names.map((key) => params[key]) };
};

/**
 * The parameters each change names ($documentId and $now are always there: the held lock needs
 * them; $deadline too: every change is gated by lateGate, lib/db.ts).
 */
export const CHANGE_PARAMS: Record<ChangeMethod, readonly (keyof LockParams)[]> = {
  lock: ['documentId', 'now', 'deadline', 'lockId', 'expiresAt'],
  unlock: ['documentId', 'now', 'deadline', 'lockId'],
  refresh: ['documentId', 'now', 'deadline', 'lockId', 'expiresAt'],
  unlockAndRelock: ['documentId', 'now', 'deadline', 'lockId', 'expiresAt', 'oldLockId'],
};

/**
 * Each change as one conditional statement; `gate` (an SQL condition) must hold for it to touch
 * anything. LOCK inserts, takes over an expired lock or refreshes its own, guarded by the primary
 * key; the others act only on a row holding the expected, unexpired id.
 */
export const CHANGES: Record<ChangeMethod, (p: Placeholders, gate: string) => string> = {
  lock: (p, gate) =>
    `INSERT INTO "Lock" ("documentId", "lockId", "expiresAt", "createdAt")
       SELECT ${p.documentId}::uuid, ${p.lockId}::text, ${p.expiresAt}::timestamptz, ${p.now}::timestamptz WHERE ${gate}
     ON CONFLICT ("documentId") DO UPDATE
       SET "lockId" = EXCLUDED."lockId", "expiresAt" = EXCLUDED."expiresAt",
           "createdAt" = CASE WHEN "Lock"."lockId" = EXCLUDED."lockId" AND "Lock"."expiresAt" > ${p.now}
                              THEN "Lock"."createdAt" ELSE EXCLUDED."createdAt" END
       WHERE "Lock"."lockId" = EXCLUDED."lockId" OR "Lock"."expiresAt" <= ${p.now}
     RETURNING 1`,
  // Unlocking expires the row instead of deleting it: the next LOCK is then an update that
  // changes no indexed column (a HOT update: no index insert, no foreign-key check on Document),
  // where delete + insert cost about 25 % more Postgres CPU per lock cycle (tmp bench, 16 conn).
  // Every reader asks for "expiresAt" > now. 'epoch' (1970-01-01), not '-infinity': a finite
  // instant every client library reads as a date; the janitor leaves such rows (UNLOCKED_AT).
  unlock: (p, gate) =>
    `UPDATE "Lock" SET "expiresAt" = ${UNLOCKED_AT}
     WHERE "documentId" = ${p.documentId}::uuid AND "lockId" = ${p.lockId} AND "expiresAt" > ${p.now} AND ${gate}
     RETURNING 1`,
  refresh: (p, gate) =>
    `UPDATE "Lock" SET "expiresAt" = ${p.expiresAt}
     WHERE "documentId" = ${p.documentId}::uuid AND "lockId" = ${p.lockId} AND "expiresAt" > ${p.now} AND ${gate}
     RETURNING 1`,
  unlockAndRelock: (p, gate) =>
    `UPDATE "Lock" SET "lockId" = ${p.lockId}, "expiresAt" = ${p.expiresAt}, "createdAt" = ${p.now}
     WHERE "documentId" = ${p.documentId}::uuid AND "lockId" = ${p.oldLockId} AND "expiresAt" > ${p.now} AND ${gate}
     RETURNING 1`,
};

/** The audit row of the change in CTE `change`: success when it changed the lock, else failure. */
export const auditOf = (p: Placeholders, gate: string) =>
  `INSERT INTO "AuditEvent" (action, outcome, "userId", "documentId")
   SELECT ${p.action}, CASE WHEN EXISTS (SELECT 1 FROM change) THEN 'success' ELSE 'failure' END,
          ${p.auditUserId}::uuid, ${p.documentId}::uuid
   WHERE ${gate}`;

/** The lock held in the statement's snapshot (NULL when none or expired): before the change, never after it. */
export const heldOf = (p: Placeholders) =>
  `(SELECT "lockId" FROM "Lock" WHERE "documentId" = ${p.documentId}::uuid AND "expiresAt" > ${p.now})`;

export const expiryFrom = (now: Date) => new Date(now.getTime() + LOCK_TTL_MS);

/** What a change expected to find: its method and lock ids, and the deadline it was sent with. */
export type Expected = { method: ChangeMethod; lockId: string; oldLockId?: string; deadline: Date };

/** The row every change statement returns (`onTime`/`dbNow` from lateGate). */
export type ChangeVerdict = { changed: boolean; held: string | null; onTime: boolean; dbNow: string | Date | null };

/** Whether `held` is a lock the change would have gone through on. */
const wouldSucceed = ({ method, lockId, oldLockId }: Expected, held: string) =>
  method === 'lock' ? held === '' || held === lockId : held === (method === 'unlockAndRelock' ? oldLockId : lockId);

/**
 * The verdict of a change from its statement's row. A refusal names the lock held in the
 * statement's snapshot, unless that lock would have let the change through: then a concurrent
 * change decided (its row committed after the snapshot was taken) and `current` is read afresh.
 */
export const outcomeOf = async (
  expected: Expected,
  row: ChangeVerdict | undefined,
  current: () => Promise<string>,
): Promise<LockOutcome> => {
  if (row?.changed) return { ok: true };
  if (row && !row.onTime) throw lateStatementError(expected.deadline, row.dbNow);
  const held = row?.held ?? '';

  return { ok: false, current: wouldSucceed(expected, held) ? await current() : held };
};
