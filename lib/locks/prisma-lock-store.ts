import { db, type Tx } from '@/lib/db';
import { LOCK_TTL_MS, type LockOutcome, type LockStore } from '@/lib/locks/lock-store';

const expiryFrom = (now: Date) => new Date(now.getTime() + LOCK_TTL_MS);

/** Postgres locks: each change is one conditional statement; its row count is the verdict. */
export const createPrismaLockStore = (client: Tx = db): LockStore => {
  const current = async (documentId: string, now: Date) => {
    const rows = await client.$queryRaw<{ lockId: string }[]>`
      SELECT "lockId" FROM "Lock" WHERE "documentId" = ${documentId}::uuid AND "expiresAt" > ${now}`;

    return rows[0]?.lockId ?? '';
  };
  const verdict = async (changed: number, documentId: string, now: Date): Promise<LockOutcome> =>
    changed === 1 ? { ok: true } : { ok: false, current: await current(documentId, now) };

  return {
    lock: async ({ documentId, lockId, now }) => {
      // Insert, or take over an expired lock, or refresh our own: all in one statement.
      const changed = await client.$executeRaw`
        INSERT INTO "Lock" ("documentId", "lockId", "expiresAt", "createdAt")
        VALUES (${documentId}::uuid, ${lockId}, ${expiryFrom(now)}, ${now})
        ON CONFLICT ("documentId") DO UPDATE
          SET "lockId" = EXCLUDED."lockId", "expiresAt" = EXCLUDED."expiresAt",
              "createdAt" = CASE WHEN "Lock"."lockId" = EXCLUDED."lockId" AND "Lock"."expiresAt" > ${now}
                                 THEN "Lock"."createdAt" ELSE EXCLUDED."createdAt" END
          WHERE "Lock"."lockId" = EXCLUDED."lockId" OR "Lock"."expiresAt" <= ${now}`;

      return verdict(changed, documentId, now);
    },
    unlock: async ({ documentId, lockId, now }) => {
      const changed = await client.$executeRaw`
        DELETE FROM "Lock" WHERE "documentId" = ${documentId}::uuid AND "lockId" = ${lockId} AND "expiresAt" > ${now}`;

      return verdict(changed, documentId, now);
    },
    refresh: async ({ documentId, lockId, now }) => {
      const changed = await client.$executeRaw`
        UPDATE "Lock" SET "expiresAt" = ${expiryFrom(now)}
        WHERE "documentId" = ${documentId}::uuid AND "lockId" = ${lockId} AND "expiresAt" > ${now}`;

      return verdict(changed, documentId, now);
    },
    unlockAndRelock: async ({ documentId, oldLockId, lockId, now }) => {
      const changed = await client.$executeRaw`
        UPDATE "Lock" SET "lockId" = ${lockId}, "expiresAt" = ${expiryFrom(now)}, "createdAt" = ${now}
        WHERE "documentId" = ${documentId}::uuid AND "lockId" = ${oldLockId} AND "expiresAt" > ${now}`;

      return verdict(changed, documentId, now);
    },
    get: ({ documentId, now }) => current(documentId, now),
  };
};

export const prismaLockStore = createPrismaLockStore();
