import { recordAudit } from '@/lib/audit/audit';
import { db, sql } from '@/lib/db';
import { unreferencedKeys } from '@/lib/documents/blobs';
import { COMMIT_TX_OPTIONS, lockDocumentRow, lockDocumentRowIfFree, UNLOCKED_AT } from '@/lib/documents/content';
import { env } from '@/lib/env';
import { deleteObjects } from '@/lib/storage/objects';

/**
 * What the retention settings let go: trashed documents, versions beyond VERSIONS_KEEP, lock rows
 * past expiry and token-use rows older than any token. Rows go in one row-locked transaction per
 * document; their objects are deleted after it commits, and only those no row references any
 * more (a restored version shares its blob with the version it restored). A crash between the
 * two leaves unreferenced blobs, which the next janitor run removes.
 */

const BATCH = 100;
const REPORTED_MAX = 100;

/** The documents under S3_PREFIX (trash keys live under it too): a LIKE pattern. */
const ownKeys = () => `${env.S3_PREFIX.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Doomed = { key: string; size: bigint };

/** Deletes the objects of `doomed` that no row references any more; returns the bytes removed. */
const deleteUnreferenced = async (doomed: Doomed[]) => {
  const bySize = new Map(doomed.map((object) => [object.key, object.size]));
  const keys = [...(await unreferencedKeys([...bySize.keys()]))];
  const failed = new Set((await deleteObjects(keys)).map((f) => f.key));
  const removed = keys.filter((key) => !failed.has(key));

  return { objects: removed.length, bytes: removed.reduce((sum, key) => sum + Number(bySize.get(key) ?? 0n), 0) };
};

export type PurgeReport = { count: number; bytes: number; documents: { id: string; name: string; folder: string }[] };

/**
 * Purges documents deleted before `before`: the row, its versions, its lock, and the bytes of all
 * of them. One `janitor.trash_purged` event per document (its id in details: the row is gone).
 */
export const purgeTrash = async ({ before, dryRun }: { before: Date; dryRun: boolean }): Promise<PurgeReport> => {
  const report: PurgeReport = { count: 0, bytes: 0, documents: [] };
  let after = { deletedAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const { rows } = await sql<{ id: string; deletedAt: Date }>(
      `SELECT id, "deletedAt" FROM "Document"
        WHERE "deletedAt" < $1 AND key LIKE $2 AND ("deletedAt", id) > ($3, $4::uuid)
        ORDER BY "deletedAt", id LIMIT ${BATCH}`,
      [before, ownKeys(), after.deletedAt, after.id],
    );
    for (const { id } of rows) {
      const purged = await purgeOne(id, before, dryRun);
      if (!purged || purged === 'busy') continue;
      report.count++;
      report.bytes += purged.bytes;
      if (report.documents.length < REPORTED_MAX) report.documents.push(purged.document);
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) {
      // Deleted folders (trash entries) whose documents are all purged go with them.
      if (!dryRun)
        await db.trashBatch.deleteMany({
          where: { deletedAt: { lt: before }, documents: { none: { deletedAt: { not: null } } } },
        });

      return report;
    }
    after = last;
  }
};

/** Who purges from the trash, for the `document.purge` event: the user (null: the CLI), how, and which entry. */
export type PurgedBy = { userId: string | null; via: string; trashId?: string };

/**
 * Purges one deleted document now (the trash page's "Delete forever", Empty trash): its row,
 * versions, lock and bytes. With `by` (a deleted folder's entry, an emptied trash) it records
 * `document.purge` for this document (its id in "documentId"; details: via, trashId, name,
 * folder, versions, objects, bytes); without, the caller records its own event. Never waits for
 * the document's row: `'busy'` (nothing done) when another transaction holds it now (a restore,
 * a purge or a commit working on it), so the caller can report it and go on; a later call purges
 * it once it is free. Null when it is not in the trash (any more).
 */
export const purgeDocumentIfFree = (id: string, by?: PurgedBy) =>
  purgeOne(id, new Date(Date.now() + 60_000), false, { isJanitor: false, by, isWaiting: false });

/**
 * `isJanitor`: records `janitor.trash_purged`; `by`: records `document.purge` by that user;
 * `isWaiting: false`: `'busy'` instead of waiting when another transaction holds the row.
 */
const purgeOne = async (
  id: string,
  before: Date,
  dryRun: boolean,
  { isJanitor = true, by, isWaiting = true }: { isJanitor?: boolean; by?: PurgedBy; isWaiting?: boolean } = {},
) => {
  const taken = await db.$transaction(async (tx) => {
    const row = isWaiting ? await lockDocumentRow(tx, { id }) : await lockDocumentRowIfFree(tx, id);
    if (row === 'held') return 'busy' as const;
    if (!row?.deletedAt || row.deletedAt >= before) return null;
    const versions = await tx.documentVersion.findMany({
      where: { documentId: id },
      select: { key: true, size: true },
    });
    const doomed: Doomed[] = [...versions];
    if (!versions.some((version) => version.key === row.contentKey))
      doomed.push({ key: row.contentKey, size: row.size });
    if (!dryRun) await tx.document.delete({ where: { id } });

    return { row, doomed, versions: versions.length };
  }, COMMIT_TX_OPTIONS);
  if (!taken || taken === 'busy') return taken;
  const { row, doomed, versions } = taken;
  const removed = dryRun
    ? { objects: doomed.length, bytes: doomed.reduce((sum, object) => sum + Number(object.size), 0) }
    : await deleteUnreferenced(doomed);
  const document = { id, name: row.name, folder: row.folder };
  if (!dryRun && by) {
    await recordAudit({
      action: 'document.purge',
      outcome: 'success',
      userId: by.userId,
      documentId: id,
      details: {
        via: by.via,
        ...(by.trashId ? { trashId: by.trashId } : {}),
        name: row.name,
        folder: row.folder,
        versions,
        ...removed,
      },
    });
  }
  if (!dryRun && isJanitor) {
    await recordAudit({
      action: 'janitor.trash_purged',
      outcome: 'success',
      documentId: id,
      details: {
        documentId: id,
        name: row.name,
        folder: row.folder,
        deletedAt: row.deletedAt!.toISOString(),
        versions,
        ...removed,
      },
    });
  }

  return { bytes: removed.bytes, document };
};

export type PruneReport = { count: number; bytes: number; documents: number };

/**
 * Keeps the newest `keep` versions of each document (the current one always among them) and
 * removes the rest: rows, then their blobs when nothing else references them (a blob the current
 * content or a kept version shares stays). One `janitor.version_pruned` event per document.
 */
export const pruneVersions = async ({ keep, dryRun }: { keep: number; dryRun: boolean }): Promise<PruneReport> => {
  const report: PruneReport = { count: 0, bytes: 0, documents: 0 };
  if (keep <= 0) return report;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ documentId: string }>(
      `SELECT v."documentId" FROM "DocumentVersion" v JOIN "Document" d ON d.id = v."documentId"
        WHERE d.key LIKE $1 AND v."documentId" > $2::uuid
        GROUP BY v."documentId" HAVING count(*) > $3
        ORDER BY v."documentId" LIMIT ${BATCH}`,
      [ownKeys(), after, keep],
    );
    for (const { documentId } of rows) {
      const pruned = await pruneOne(documentId, keep, dryRun);
      if (pruned.count === 0) continue;
      report.count += pruned.count;
      report.bytes += pruned.bytes;
      report.documents++;
    }
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return report;
    after = last.documentId;
  }
};

const pruneOne = async (documentId: string, keep: number, dryRun: boolean) => {
  const taken = await db.$transaction(async (tx) => {
    const row = await lockDocumentRow(tx, { id: documentId });
    if (!row) return [];
    const versions = await tx.documentVersion.findMany({
      where: { documentId },
      select: { id: true, version: true, key: true, size: true },
      orderBy: { version: 'desc' },
    });
    const doomed = versions.slice(keep).filter((version) => version.version !== row.version);
    if (!dryRun && doomed.length > 0)
      await tx.documentVersion.deleteMany({ where: { id: { in: doomed.map((version) => version.id) } } });

    return doomed;
  }, COMMIT_TX_OPTIONS);
  if (taken.length === 0) return { count: 0, bytes: 0 };
  const removed = dryRun
    ? { objects: taken.length, bytes: taken.reduce((sum, version) => sum + Number(version.size), 0) }
    : await deleteUnreferenced(taken);
  if (!dryRun) {
    await recordAudit({
      action: 'janitor.version_pruned',
      outcome: 'success',
      documentId,
      details: { versions: taken.map((version) => version.version), keep, ...removed },
    });
  }

  return { count: taken.length, bytes: removed.bytes };
};

/**
 * Lock rows that ran out without an UNLOCK (an expired lock already counts as none: removing it
 * changes nothing). Rows UNLOCK released (expiresAt = UNLOCKED_AT) stay: the next LOCK of that
 * document updates them in place, and they are no "expired locks" to report.
 */
export const removeExpiredLocks = async ({ now, dryRun }: { now: Date; dryRun: boolean }) => {
  const where = `"expiresAt" < $1 AND "expiresAt" > ${UNLOCKED_AT}
                 AND "documentId" IN (SELECT id FROM "Document" WHERE key LIKE $2)`;
  const { rows } = await sql<{ documentId: string }>(
    dryRun
      ? `SELECT "documentId" FROM "Lock" WHERE ${where}`
      : `DELETE FROM "Lock" WHERE ${where} RETURNING "documentId"`,
    [now, ownKeys()],
  );
  if (!dryRun && rows.length > 0) {
    await recordAudit({
      action: 'janitor.locks_removed',
      outcome: 'success',
      details: { count: rows.length, documentIds: rows.slice(0, REPORTED_MAX).map((row) => row.documentId) },
    });
  }

  return { count: rows.length };
};

/**
 * First-use rows of tokens that have certainly expired (they only make a token's first call an
 * audited "open"): older than `before`. Rows of purged documents go too.
 */
export const removeOldTokenUses = async ({ before, dryRun }: { before: Date; dryRun: boolean }) => {
  const where = `"firstUsedAt" < $1 AND ("documentId" IN (SELECT id FROM "Document" WHERE key LIKE $2)
                  OR NOT EXISTS (SELECT 1 FROM "Document" d WHERE d.id = "WopiTokenUse"."documentId"))`;
  const { rows } = await sql<{ count: string }>(
    dryRun
      ? `SELECT count(*) FROM "WopiTokenUse" WHERE ${where}`
      : `WITH gone AS (DELETE FROM "WopiTokenUse" WHERE ${where} RETURNING 1) SELECT count(*) FROM gone`,
    [before, ownKeys()],
  );
  const count = Number(rows[0]?.count ?? 0);
  if (!dryRun && count > 0)
    await recordAudit({ action: 'janitor.token_uses_removed', outcome: 'success', details: { count } });

  return { count };
};
