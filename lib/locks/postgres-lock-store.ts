import { sql } from '@/lib/db';
import { LOCK_TTL_MS, type LockAudit, type LockOutcome, type LockStore } from '@/lib/wopi/ports';

const expiryFrom = (now: Date) => new Date(now.getTime() + LOCK_TTL_MS);

/**
 * Wraps a lock statement (which must end in RETURNING 1) so that its audit event, when asked
 * for, is inserted by the same statement: one round trip and one commit. $1 is the document id;
 * the audit values are appended after the statement's own parameters.
 */
const run = async (name: string, statement: string, values: unknown[], audit: LockAudit | undefined) => {
  if (!audit) return (await sql(statement, values, name)).rowCount;
  const a = values.length + 1;
  const { rows } = await sql<{ changed: number }>(
    `WITH change AS (${statement}),
       audit AS (INSERT INTO "AuditEvent" (action, outcome, "userId", "documentId")
                 SELECT $${a}, CASE WHEN EXISTS (SELECT 1 FROM change) THEN 'success' ELSE 'failure' END, $${a + 1}::uuid, $1::uuid)
     SELECT count(*)::int AS changed FROM change`,
    [...values, audit.action, audit.userId],
    `${name}-audited`,
  );

  return rows[0]?.changed ?? 0;
};

/**
 * Postgres locks: each change is one conditional statement and its row count is the verdict.
 * Plain SQL on the shared pool: these run on every LOCK/UNLOCK/REFRESH.
 */
export const createPostgresLockStore = (): LockStore => {
  const current = async (documentId: string, now: Date) => {
    const { rows } = await sql<{ lockId: string }>(
      'SELECT "lockId" FROM "Lock" WHERE "documentId" = $1::uuid AND "expiresAt" > $2',
      [documentId, now],
    );

    return rows[0]?.lockId ?? '';
  };
  const verdict = async (changed: number | null, documentId: string, now: Date): Promise<LockOutcome> =>
    changed === 1 ? { ok: true } : { ok: false, current: await current(documentId, now) };

  return {
    lock: async ({ documentId, lockId, now, audit }) => {
      // Insert, take over an expired lock, or refresh our own: all in one statement.
      const changed = await run(
        'lock-lock',
        `INSERT INTO "Lock" ("documentId", "lockId", "expiresAt", "createdAt") VALUES ($1::uuid, $2, $3, $4)
         ON CONFLICT ("documentId") DO UPDATE
           SET "lockId" = EXCLUDED."lockId", "expiresAt" = EXCLUDED."expiresAt",
               "createdAt" = CASE WHEN "Lock"."lockId" = EXCLUDED."lockId" AND "Lock"."expiresAt" > $4
                                  THEN "Lock"."createdAt" ELSE EXCLUDED."createdAt" END
           WHERE "Lock"."lockId" = EXCLUDED."lockId" OR "Lock"."expiresAt" <= $4
         RETURNING 1`,
        [documentId, lockId, expiryFrom(now), now],
        audit,
      );

      return verdict(changed, documentId, now);
    },
    unlock: async ({ documentId, lockId, now, audit }) => {
      const changed = await run(
        'lock-unlock',
        'DELETE FROM "Lock" WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $3 RETURNING 1',
        [documentId, lockId, now],
        audit,
      );

      return verdict(changed, documentId, now);
    },
    refresh: async ({ documentId, lockId, now, audit }) => {
      const changed = await run(
        'lock-refresh',
        'UPDATE "Lock" SET "expiresAt" = $4 WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $3 RETURNING 1',
        [documentId, lockId, now, expiryFrom(now)],
        audit,
      );

      return verdict(changed, documentId, now);
    },
    unlockAndRelock: async ({ documentId, oldLockId, lockId, now, audit }) => {
      const changed = await run(
        'lock-unlockAndRelock',
        `UPDATE "Lock" SET "lockId" = $3, "expiresAt" = $5, "createdAt" = $4
         WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $4 RETURNING 1`,
        [documentId, oldLockId, lockId, now, expiryFrom(now)],
        audit,
      );

      return verdict(changed, documentId, now);
    },
    get: ({ documentId, now }) => current(documentId, now),
  };
};

export const postgresLockStore = createPostgresLockStore();
