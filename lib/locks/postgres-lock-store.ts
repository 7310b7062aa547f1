import { sql } from '@/lib/db';
import { LOCK_TTL_MS, type LockOutcome, type LockStore } from '@/lib/locks/lock-store';

const expiryFrom = (now: Date) => new Date(now.getTime() + LOCK_TTL_MS);

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
    lock: async ({ documentId, lockId, now }) => {
      // Insert, take over an expired lock, or refresh our own: all in one statement.
      const { rowCount } = await sql(
        `INSERT INTO "Lock" ("documentId", "lockId", "expiresAt", "createdAt") VALUES ($1::uuid, $2, $3, $4)
         ON CONFLICT ("documentId") DO UPDATE
           SET "lockId" = EXCLUDED."lockId", "expiresAt" = EXCLUDED."expiresAt",
               "createdAt" = CASE WHEN "Lock"."lockId" = EXCLUDED."lockId" AND "Lock"."expiresAt" > $4
                                  THEN "Lock"."createdAt" ELSE EXCLUDED."createdAt" END
           WHERE "Lock"."lockId" = EXCLUDED."lockId" OR "Lock"."expiresAt" <= $4`,
        [documentId, lockId, expiryFrom(now), now],
      );

      return verdict(rowCount, documentId, now);
    },
    unlock: async ({ documentId, lockId, now }) => {
      const { rowCount } = await sql(
        'DELETE FROM "Lock" WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $3',
        [documentId, lockId, now],
      );

      return verdict(rowCount, documentId, now);
    },
    refresh: async ({ documentId, lockId, now }) => {
      const { rowCount } = await sql(
        'UPDATE "Lock" SET "expiresAt" = $4 WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $3',
        [documentId, lockId, now, expiryFrom(now)],
      );

      return verdict(rowCount, documentId, now);
    },
    unlockAndRelock: async ({ documentId, oldLockId, lockId, now }) => {
      const { rowCount } = await sql(
        `UPDATE "Lock" SET "lockId" = $3, "expiresAt" = $5, "createdAt" = $4
         WHERE "documentId" = $1::uuid AND "lockId" = $2 AND "expiresAt" > $4`,
        [documentId, oldLockId, lockId, now, expiryFrom(now)],
      );

      return verdict(rowCount, documentId, now);
    },
    get: ({ documentId, now }) => current(documentId, now),
  };
};

export const postgresLockStore = createPostgresLockStore();
