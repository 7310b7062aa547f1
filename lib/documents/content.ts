import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { checkOut, db, lateStatementError, onBeforeDisconnect, sql, statementDeadline, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { asDatabaseUnavailable, unavailableOf } from '@/lib/errors';
import { log } from '@/lib/log';
import { ensureFolders } from '@/lib/documents/folders';
import { Prisma } from '@/lib/generated/prisma/client';
import { documentKey, extensionOf, internalKey } from '@/lib/storage/keys';
import {
  copyObject,
  deleteObject,
  getObjectNodeStream,
  headObject,
  isNotFound,
  putObjectStream,
  type StoredObject,
} from '@/lib/storage/objects';

/**
 * How document bytes change. Every write streams into a new immutable object under
 * `.wopi/blobs/`, then one transaction, with the document row locked, makes it current: the
 * blob becomes `contentKey` (readers stream exactly the bytes the row describes), the version
 * history gains a row, and `mirrorPendingSince` is set. The previous blob stays as the previous
 * version. Only AFTER that commit is the blob copied to the visible key for other tools
 * (`syncMirror`, in the background): a crash anywhere before the commit leaves the visible
 * object untouched, and one after it leaves the row pending, which the start-up repair and the
 * janitor complete. While a row is pending, readers never take the visible object for another
 * tool's change.
 */

const BLOB_FOLDER = 'blobs';

/**
 * Options for a transaction that commits content: its server-side S3 copies may take a while for
 * a large object on a slow store (10 min), and it may wait 30 s for a pooled connection.
 */
export const COMMIT_TX_OPTIONS = { timeout: 10 * 60 * 1000, maxWait: 30_000 };

export const isBlobKey = (key: string) => key.startsWith(internalKey(BLOB_FOLDER, ''));

type StageInput = {
  body: ReadableStream<Uint8Array> | Readable;
  maxBytes: number;
  /** The body's declared length (Content-Length), when known: one streamed PutObject (lib/storage/objects.ts). */
  size?: number;
  contentType?: string;
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
};

/** Streams a body into a fresh blob. Throws ObjectTooLargeError past `maxBytes`; nothing is left behind on error. */
export const stageContent = async (input: StageInput): Promise<{ blobKey: string; stored: StoredObject }> => {
  const blobKey = internalKey(BLOB_FOLDER, randomUUID());
  const stored = await putObjectStream({ key: blobKey, ...input });

  return { blobKey, stored };
};

export const discardBlob = async (blobKey: string) => {
  await deleteObject(blobKey).catch(() => {});
};

/**
 * After a commit threw: deletes the staged blob unless the database may have committed it
 * anyway. When Postgres timed out, stalled or dropped the connection, the statement or COMMIT
 * can still run after this server gave up on it; deleting the blob then would leave a row naming
 * bytes that no longer exist. Such a blob stays, and the janitor's stale-blob pass
 * (lib/documents/blobs.ts removeStaleBlobs) removes it later only if no row references it.
 * Returns whether it was deleted.
 */
export const discardBlobAfterFailure = async (blobKey: string, error: unknown) => {
  if (unavailableOf(error)?.dependency === 'database') {
    log.warn({ blobKey }, 'commit outcome unknown (database unavailable): staged blob kept for the janitor');

    return false;
  }
  await discardBlob(blobKey);

  return true;
};

export type LockedDocument = {
  id: string;
  key: string;
  contentKey: string;
  name: string;
  folder: string;
  version: number;
  size: bigint;
  sha256: string | null;
  etag: string | null;
  lastModifiedAt: Date;
  lastModifiedById: string | null;
  missingSince: Date | null;
  deletedAt: Date | null;
  mirrorPendingSince: Date | null;
};

const ROW_COLUMNS = Prisma.raw(
  'id, key, "contentKey", name, folder, version, size, sha256, etag, "lastModifiedAt", "lastModifiedById", "missingSince", "deletedAt", "mirrorPendingSince"',
);

/**
 * What WOPI UNLOCK leaves in "Lock"."expiresAt" (SQL): the released lock's row stays, so the next
 * LOCK of the document updates it in place (lib/locks/lock-statements.ts); every reader asks for
 * "expiresAt" > now, and the janitor removes only locks that ran out (retention.ts).
 */
export const UNLOCKED_AT = `'epoch'::timestamptz`;

/**
 * The row of document `id` locked FOR UPDATE if no other transaction holds it now (SKIP LOCKED:
 * never waits): the row, `'held'` when another transaction has it locked, or null when there is
 * no such document.
 */
export const lockDocumentRowIfFree = async (tx: Tx, id: string): Promise<LockedDocument | 'held' | null> => {
  const rows = await tx.$queryRaw<
    LockedDocument[]
  >`SELECT ${ROW_COLUMNS} FROM "Document" WHERE id = ${id}::uuid FOR UPDATE SKIP LOCKED`;
  if (rows[0]) return rows[0];
  const exists = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Document" WHERE id = ${id}::uuid`;

  return exists.length > 0 ? 'held' : null;
};

/** SELECT … FOR UPDATE: the row stays locked until the transaction ends (this also blocks new WOPI locks on it). */
export const lockDocumentRow = async (tx: Tx, where: { id: string } | { key: string }) => {
  const rows =
    'id' in where
      ? await tx.$queryRaw<
          LockedDocument[]
        >`SELECT ${ROW_COLUMNS} FROM "Document" WHERE id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<LockedDocument[]>`SELECT ${ROW_COLUMNS} FROM "Document" WHERE key = ${where.key} FOR UPDATE`;

  return rows[0] ?? null;
};

/** The WOPI lock held on a document ('' if none), share-locked until the transaction ends. */
export const heldLock = async (tx: Tx, documentId: string, now: Date) => {
  const rows = await tx.$queryRaw<{ lockId: string }[]>`
    SELECT "lockId" FROM "Lock" WHERE "documentId" = ${documentId}::uuid AND "expiresAt" > ${now} FOR SHARE`;

  return rows[0]?.lockId ?? '';
};

/** Strictly after the previous time, so LastModifiedTime differs after every write. */
const nextModifiedAt = (previous: Date, now: Date) => new Date(Math.max(now.getTime(), previous.getTime() + 1));

/** Makes sure the row's current bytes are recorded as a version with an immutable blob. */
const preserveCurrentVersion = async (tx: Tx, row: LockedDocument) => {
  const existing = await tx.documentVersion.findUnique({
    where: { documentId_version: { documentId: row.id, version: row.version } },
    select: { id: true },
  });
  if (existing) return;
  let key = row.contentKey;
  if (!isBlobKey(key)) {
    // Bytes another tool put at the visible key: copy them aside before they are overwritten.
    key = internalKey(BLOB_FOLDER, randomUUID());
    try {
      await copyObject(row.contentKey, key);
    } catch (error) {
      // A document whose object vanished has no bytes left to keep.
      if (isNotFound(error)) return;
      throw error;
    }
  }
  await tx.documentVersion.create({
    data: {
      documentId: row.id,
      version: row.version,
      key,
      size: row.size,
      sha256: row.sha256,
      createdById: row.lastModifiedById,
    },
  });
};

/** Version details of a version another tool made by writing the visible object. */
export const STORAGE_CHANGE_DETAILS = { via: 'storage' } as const;

/**
 * Inside a transaction holding the row lock, before any commit: has another tool replaced the
 * document's visible object since the portal last wrote or saw it (its ETag differs from the
 * row's)? Then those bytes become a new version — copied to an immutable blob (the copy is
 * conditional on that ETag where the store enforces CopySourceIfMatch), recorded with
 * `details.via = "storage"`, with a new Version and LastModifiedTime — so nothing the portal
 * writes next can overwrite them unseen. Returns the row as it now is. One HEAD when unchanged.
 */
export const adoptStorageChangeLocked = async (
  tx: Tx,
  row: LockedDocument,
  now: Date,
  attempt = 1,
): Promise<LockedDocument> => {
  const head = await headObject(row.key);
  // Gone from the bucket: reconciliation marks it missing; reads keep serving the committed blob.
  if (!head?.etag || head.etag === row.etag) return row;
  // Our own copy may be (or have been) under way: only bytes that are neither the old mirror
  // nor the committed content are another tool's.
  if (row.mirrorPendingSince && (await judgePendingMirror(row, head)) !== 'foreign') return row;
  const blobKey = internalKey(BLOB_FOLDER, randomUUID());
  try {
    await copyObject(row.key, blobKey, { ifMatch: head.etag });
  } catch (error) {
    // Replaced again (or removed) while we looked: look again, so a commit never overwrites
    // bytes it has not kept; a key rewritten without pause fails the commit (retried by the caller).
    if ((isNotFound(error) || isPreconditionFailed(error)) && attempt < 3)
      return adoptStorageChangeLocked(tx, row, now, attempt + 1);
    throw error;
  }
  const copied = await headObject(blobKey);
  // The previous bytes are kept unless they only ever lived at the visible key (already overwritten).
  if (isBlobKey(row.contentKey)) await preserveCurrentVersion(tx, row);
  const version = row.version + 1;
  const lastModifiedAt = nextModifiedAt(row.lastModifiedAt, now);
  const size = BigInt(copied?.size ?? head.size);
  const changed = {
    contentKey: blobKey,
    size,
    sha256: null,
    etag: head.etag,
    version,
    lastModifiedAt,
    lastModifiedById: null,
    missingSince: null,
    // The visible object is the current content now.
    mirrorPendingSince: null,
  };
  await tx.document.update({ where: { id: row.id }, data: { ...changed, lastSeenAt: now } });
  await tx.documentVersion.create({
    data: { documentId: row.id, version, key: blobKey, size, sha256: null, details: STORAGE_CHANGE_DETAILS },
  });

  return { ...row, ...changed };
};

/** Documents this process found unchanged in storage: id → when, and the row's ETag then. */
const recentChecks = new Map<string, { at: number; etag: string | null }>();
const RECENT_CHECKS_MAX = 10_000;

/**
 * Whether another tool replaced the visible object since the portal last wrote or saw it (one
 * HEAD). With `maxAgeMs`, a document found unchanged less than that long ago is not asked about
 * again while its row's ETag is the same (readers; commits always ask).
 */
export const isChangedInStorage = async (
  doc: { id: string; key: string; etag: string | null; mirrorPendingSince?: Date | null },
  { maxAgeMs = 0 }: { maxAgeMs?: number } = {},
) => {
  // Our copy of the committed content is under way (or was cut short by a crash): the visible
  // object says nothing about other tools until syncMirror has judged it under the row lock.
  if (doc.mirrorPendingSince) return false;
  const now = Date.now();
  const recent = recentChecks.get(doc.id);
  if (maxAgeMs > 0 && recent && recent.etag === doc.etag && now - recent.at < maxAgeMs) return false;
  const head = await headObject(doc.key);
  const isChanged = !!head?.etag && head.etag !== doc.etag;
  recentChecks.delete(doc.id);
  if (!isChanged) rememberSeen(doc.id, doc.etag, now);

  return isChanged;
};

/** The visible object of `id` had ETag `etag` at `at` (a HEAD, or the copy this process just made). */
const rememberSeen = (id: string, etag: string | null, at = Date.now()) => {
  recentChecks.delete(id);
  recentChecks.set(id, { at, etag });
  if (recentChecks.size > RECENT_CHECKS_MAX) recentChecks.delete(recentChecks.keys().next().value!);
};

/**
 * The committed content of a visible document — `{ name, contentKey }`, the immutable object
 * every read path serves (never the visible mirror another tool may be rewriting) — after
 * adopting a change made in storage as a new version. Null for an unknown or hidden document.
 */
export const currentContent = async (id: string) => {
  const select = { id: true, name: true, key: true, etag: true, contentKey: true, mirrorPendingSince: true } as const;
  const where = { id, deletedAt: null, missingSince: null };
  const row = await db.document.findFirst({ where, select });
  if (!row || !(await isChangedInStorage(row, { maxAgeMs: env.STORAGE_CHECK_INTERVAL_MS }))) return row;
  await adoptStorageChange(id);

  return db.document.findFirst({ where, select });
};

/**
 * adoptStorageChangeLocked in its own transaction, for readers (CheckFileInfo, GetFile, Download)
 * and reconciliation. False when the document is deleted or unknown.
 */
export const adoptStorageChange = (id: string, now = new Date()) =>
  db.$transaction(async (tx) => {
    const row = await lockDocumentRow(tx, { id });
    if (!row || row.deletedAt) return false;
    await adoptStorageChangeLocked(tx, row, now);

    return true;
  }, COMMIT_TX_OPTIONS);

/** Hex SHA-256 of an object's bytes, streamed. */
export const sha256Of = async (key: string) => {
  const hash = createHash('sha256');
  const { body } = await getObjectNodeStream(key);
  for await (const chunk of body as AsyncIterable<Buffer>) hash.update(chunk);

  return hash.digest('hex');
};

type Head = NonNullable<Awaited<ReturnType<typeof headObject>>>;

/** The visible object is absent, or still the one the portal last wrote or saw (the row's ETag). */
const isAsLastSeen = (row: Pick<LockedDocument, 'etag'>, head: Head | null) =>
  !head || (!!head.etag && head.etag === row.etag);

/**
 * What the visible object of a row whose mirror is pending holds, looked at under the row lock
 * (so no copy of ours is running): `ours` — absent, still the object as the portal last wrote or
 * saw it (`row.etag`; possibly torn by a copy of ours cut short, since s3rver rewrites the bytes
 * first and the ETag last), or a copy of one of this document's earlier versions (a copy of ours
 * that landed while its bookkeeping failed, e.g. a request timeout on a slow store, before later
 * saves) — so the committed blob may be copied over it; `synced` — a complete copy of the
 * committed blob (our copy landed, its bookkeeping did not): same ETag as the blob, or the same
 * SHA-256 where the store gives copies of multipart objects a new ETag; `foreign` — anything
 * else: another tool wrote it, and it is adopted, never overwritten. (Another tool writing
 * exactly an earlier version's bytes is taken for ours: those bytes are kept as that version.)
 */
export const judgePendingMirror = async (
  row: Pick<LockedDocument, 'id' | 'key' | 'contentKey' | 'etag' | 'size' | 'sha256'>,
  head: Head | null,
): Promise<'ours' | 'synced' | 'foreign'> => {
  if (!head || isAsLastSeen(row, head)) return 'ours';
  if (BigInt(head.size) === row.size) {
    const content = await headObject(row.contentKey);
    if (content?.etag && content.etag === head.etag) return 'synced';
  }
  const mirror = await sha256Of(row.key);
  if (BigInt(head.size) === row.size && mirror === (row.sha256 ?? (await sha256Of(row.contentKey)))) return 'synced';
  const earlier = await db.documentVersion.findFirst({
    where: { documentId: row.id, sha256: mirror },
    select: { version: true },
  });

  return earlier ? 'ours' : 'foreign';
};

export type MirrorSync = { action: 'none' | 'copied' | 'recorded' | 'adopted'; id: string };

/**
 * With the row locked (FOR NO KEY UPDATE or stronger): makes a pending row's visible object a copy
 * of its committed blob — `judgePendingMirror` decides: ours → copied, synced → only recorded,
 * foreign → adopted as a new version — then records the object's ETag and clears
 * `mirrorPendingSince`. A row not pending (or deleted): `none`.
 */
export const syncMirrorLocked = async (tx: Tx, row: LockedDocument, now: Date): Promise<MirrorSync['action']> => {
  if (!row.mirrorPendingSince) return 'none';
  if (row.deletedAt || !isBlobKey(row.contentKey)) {
    await tx.document.update({ where: { id: row.id }, data: { mirrorPendingSince: null } });

    return 'none';
  }
  const head = await headObject(row.key);
  const judged = await judgePendingMirror(row, head);
  if (judged === 'foreign') {
    await adoptStorageChangeLocked(tx, { ...row, mirrorPendingSince: null }, now);

    return 'adopted';
  }
  // The ETag recorded is the copy's answer, so it must name the bytes that landed: one that does
  // not makes the next HEAD pass for another tool's change (a spurious {"via":"storage"} version).
  // The embedded s3rver answered `""` when a read of the key (the next back-to-back save's HEAD)
  // rewrote the object's MD5 file mid-copy; fixed in patches/s3rver+3.7.1.patch, and copyObject
  // never returns such an ETag (lib/storage/objects.ts etagOf).
  const etag = judged === 'synced' ? head!.etag : (await copyObject(row.contentKey, row.key)).etag;
  // Seen now, after the copy: a folder listing that started before it landed (and so missed the
  // object) must not take the row for missing once it is no longer pending.
  const seenAt = Date.now();
  await tx.document.update({
    where: { id: row.id },
    data: { etag, mirrorPendingSince: null, lastSeenAt: new Date(seenAt) },
  });
  // Readers of this instance need not HEAD the object again at once (the first GetFile after a
  // save did): this copy is as fresh a look as a HEAD. Should the transaction roll back, the
  // row's ETag differs from the remembered one and readers ask again.
  if (etag) rememberSeen(row.id, etag, seenAt);

  return judged === 'synced' ? 'recorded' : 'copied';
};

type PendingRow = Pick<LockedDocument, 'key' | 'contentKey' | 'etag' | 'mirrorPendingSince' | 'deletedAt'>;

/**
 * syncMirror's common case in plain SQL on one pooled connection (BEGIN, the row FOR NO KEY
 * UPDATE, the copy, one UPDATE, COMMIT): a pending row whose visible object is absent or still
 * the one the portal last wrote or saw (`ours` in judgePendingMirror) gets the committed blob
 * copied over it. Prisma's query compiler cost ~4 ms of web server CPU per save here, more than
 * the rest of the copy's bookkeeping (issue 10, a CPU profile of 150 PutFiles). Null when the row
 * needs judging (`synced`, `foreign`, deleted, content not a blob): syncMirror's transaction then
 * takes it, the row lock released in between (it locks and judges again). Throws what S3 or
 * Postgres throws (Postgres as DependencyUnavailableError when unreachable), having changed nothing.
 */
const syncMirrorCommon = async (id: string): Promise<MirrorSync | null> => {
  const client = await checkOut();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<PendingRow>({
      name: 'mirror.lock-row',
      text: `SELECT key, "contentKey", etag, "mirrorPendingSince", "deletedAt" FROM "Document" WHERE id = $1::uuid FOR NO KEY UPDATE`,
      values: [id],
    });
    const row = rows[0];
    if (!row?.mirrorPendingSince) {
      await client.query('COMMIT');

      return { action: 'none', id };
    }
    const isOurs = !row.deletedAt && isBlobKey(row.contentKey) && isAsLastSeen(row, await headObject(row.key));
    if (!isOurs) {
      await client.query('ROLLBACK');

      return null;
    }
    // As syncMirrorLocked: the ETag recorded is the copy's answer, and the row was seen now.
    const { etag } = await copyObject(row.contentKey, row.key);
    const seenAt = new Date();
    await client.query({
      name: 'mirror.copied',
      text: `UPDATE "Document" SET etag = $2, "mirrorPendingSince" = NULL, "lastSeenAt" = $3, "updatedAt" = $3 WHERE id = $1::uuid`,
      values: [id, etag ?? null, seenAt],
    });
    await client.query('COMMIT');
    if (etag) rememberSeen(id, etag, seenAt.getTime());

    return { action: 'copied', id };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDatabaseUnavailable(error) ?? error;
  } finally {
    client.release();
  }
};

/**
 * Makes a pending row's visible object a copy of its committed blob: the common case in plain SQL
 * (syncMirrorCommon), any other in a transaction running `syncMirrorLocked`. Either way the row
 * is locked FOR NO KEY UPDATE: it waits for, and holds off, commits, renames and deletes of that
 * row (they lock FOR UPDATE), so two copies never race and a copy never lands on a key the row
 * has left, while WOPI lock changes (FOR KEY SHARE through their foreign key) go on. Throws what
 * S3 or Postgres throws; the row then stays pending for the next try.
 */
export const syncMirror = async (id: string, now = new Date()): Promise<MirrorSync> =>
  (await syncMirrorCommon(id)) ?? syncMirrorJudged(id, now);

/** `syncMirrorLocked` in its own transaction, the row locked FOR NO KEY UPDATE. */
const syncMirrorJudged = (id: string, now: Date): Promise<MirrorSync> =>
  db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<LockedDocument[]>`
      SELECT ${ROW_COLUMNS} FROM "Document" WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
    const row = rows[0];

    return { action: row ? await syncMirrorLocked(tx, row, now) : 'none', id };
  }, COMMIT_TX_OPTIONS);

/** Mirror copies this process has started and not finished: document id → its run. */
const mirrorSyncs = new Map<string, { run: Promise<void>; again: boolean }>();

/**
 * Runs `syncMirror(id)` in the background, after the commit that set the row pending (one run
 * per document at a time; a commit meanwhile runs it once more). A failure is logged and leaves
 * the row pending: the janitor and the start-up repair complete it. Reads never wait for it:
 * they serve the committed blob.
 */
export const scheduleMirrorSync = (id: string) => {
  const running = mirrorSyncs.get(id);
  if (running) {
    running.again = true;

    return;
  }
  const entry = { run: Promise.resolve(), again: false };
  entry.run = (async () => {
    try {
      do {
        entry.again = false;
        await syncMirror(id).catch((error: unknown) => {
          entry.again = false;
          log.warn({ err: error, documentId: id }, 'visible object not yet updated; the janitor will retry');
        });
      } while (entry.again);
    } finally {
      mirrorSyncs.delete(id);
    }
  })();
  mirrorSyncs.set(id, entry);
};

/** Resolves when every mirror copy this process started has finished (CLI exit, shutdown, tests). */
export const mirrorsSettled = async () => {
  while (mirrorSyncs.size > 0) await Promise.all([...mirrorSyncs.values()].map((entry) => entry.run));
};
// Every disconnectDb() (CLI exit, start-up seeding, tests) lets the copies under way land first.
onBeforeDisconnect(mirrorsSettled);

/**
 * Inside commitBlobAt, when no row has `key`: an object another tool put there that no listing
 * has seen yet becomes a document (its bytes version 1, as reconciliation would have made it),
 * locked, so the commit treats the name as taken. Null when nothing is there.
 */
const adoptUnlistedObject = async (tx: Tx, input: { folder: string; name: string; now: Date }, key: string) => {
  const head = await headObject(key);
  if (!head) return null;
  await ensureFolders(input.folder, tx);
  await tx.document.create({
    data: {
      key,
      contentKey: key,
      name: input.name,
      folder: input.folder,
      extension: extensionOf(input.name),
      size: head.size,
      etag: head.etag,
      lastModifiedAt: head.lastModified ?? input.now,
      lastSeenAt: input.now,
    },
  });

  return lockDocumentRow(tx, { key });
};

const isPreconditionFailed = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 412;

/** What `commitSaveStatement` did; `slow` = it changed nothing and the transaction path must decide. */
export type SaveStatementOutcome =
  | { outcome: 'gone' }
  | { outcome: 'lock'; current: string }
  | { outcome: 'slow' }
  | { outcome: 'stale'; lastModifiedAt: Date }
  | { outcome: 'unchanged'; version: number; lastModifiedAt: Date }
  | { outcome: 'written'; version: number; lastModifiedAt: Date };

type SaveStatementRow = {
  outcome: 'late' | 'lock' | 'slow' | 'stale' | 'unchanged' | 'write';
  dbNow: Date;
  currentLock: string;
  version: number;
  lastModifiedAt: Date;
  newVersion: number | null;
  newLastModifiedAt: Date | null;
};

/**
 * A save's commit in ONE SQL statement (the common case of PutFile): with the row locked FOR
 * UPDATE and the WOPI lock row FOR SHARE, it checks the lock (`lockId` null: only an unlocked
 * 0-byte document), the editor's timestamp (`ifLastModified`, an ISO string compared exactly, as
 * `LastModifiedTime` was reported), identical bytes (`isIdenticalSkipped`), then makes the staged
 * blob the new version (Version + 1, LastModifiedTime strictly later, mirror pending) and inserts
 * its version row. It only takes the case the transaction path would take without a storage
 * adoption: the visible object's ETag seen just before (`visibleEtag`, null when there is no
 * object) is the row's, and the current content is a blob (its version row is made if missing).
 * Otherwise `slow` and nothing changed. Run after its deadline (statementDeadline, lib/db.ts: it
 * was queued behind a stalled Postgres and this server already gave up on it) it changes nothing
 * and throws DependencyUnavailableError. (The row is read FOR UPDATE, so after waiting for a
 * concurrent save it sees that save's row; nothing else is read from the statement's snapshot.)
 * With `audit`, a written version's audit row is inserted by the same statement. Zero rows
 * (`gone`): the document was deleted or hidden meanwhile.
 * Throws what Postgres throws (as DependencyUnavailableError when it is unreachable).
 */
export const commitSaveStatement = async (input: {
  documentId: string;
  blobKey: string;
  stored: StoredObject;
  lockId: string | null;
  userId: string | null;
  now: Date;
  visibleEtag: string | null;
  ifLastModified?: string;
  isIdenticalSkipped?: boolean;
  details?: Prisma.InputJsonValue;
  /** Inserted with a written version: "AuditEvent" (action, success, userId, documentId, { version, size }). */
  audit?: { action: string };
}): Promise<SaveStatementOutcome> => {
  const expected = input.ifLastModified === undefined ? undefined : new Date(input.ifLastModified);
  // A timestamp that is not exactly an ISO string we report can never match (the transaction path compares strings).
  const isCanonical =
    !!expected && !Number.isNaN(expected.getTime()) && expected.toISOString() === input.ifLastModified;
  const deadline = statementDeadline();
  const { rows } = await sql<SaveStatementRow>(
    `WITH d AS (
       SELECT id, version, "lastModifiedAt", etag, size, sha256, "contentKey", "mirrorPendingSince", "lastModifiedById"
         FROM "Document" WHERE id = $1::uuid AND "deletedAt" IS NULL AND "missingSince" IS NULL FOR UPDATE),
     l AS (SELECT "lockId" FROM "Lock" WHERE "documentId" = $1::uuid AND "expiresAt" > $2 FOR SHARE),
     verdict AS (
       SELECT d.*, COALESCE((SELECT "lockId" FROM l), '') AS "currentLock" FROM d),
     judged AS (
       SELECT v.*, CASE
           WHEN clock_timestamp() >= $16::timestamptz THEN 'late'
           WHEN NOT (($3::text IS NULL AND v."currentLock" = '' AND v.size = 0) OR ($3::text IS NOT NULL AND v."currentLock" = $3))
             THEN 'lock'
           WHEN ($4::text IS NOT NULL AND v.etag IS DISTINCT FROM $4) OR left(v."contentKey", length($5)) <> $5
             THEN 'slow'
           WHEN $6::boolean AND v."lastModifiedAt" IS DISTINCT FROM $7::timestamptz THEN 'stale'
           WHEN $8::boolean AND v.sha256 = $9 AND v.size = $10::bigint THEN 'unchanged'
           ELSE 'write' END AS outcome
         FROM verdict v),
     upd AS (
       UPDATE "Document" t
          SET "contentKey" = $11, size = $10::bigint, sha256 = NULLIF($9, ''), version = j.version + 1,
              "lastModifiedAt" = GREATEST($2::timestamptz, j."lastModifiedAt" + interval '1 millisecond'),
              "lastSeenAt" = $2, "lastModifiedById" = $12::uuid, "missingSince" = NULL,
              "mirrorPendingSince" = COALESCE(j."mirrorPendingSince", $2), "updatedAt" = $2
         FROM judged j WHERE t.id = j.id AND j.outcome = 'write'
       RETURNING t.version, t."lastModifiedAt"),
     kept AS (
       -- The current blob as its version, if no row records it yet (preserveCurrentVersion's blob case).
       INSERT INTO "DocumentVersion" (id, "documentId", version, key, size, sha256, "createdById")
       SELECT $15::uuid, $1::uuid, j.version, j."contentKey", j.size, j.sha256, j."lastModifiedById"
         FROM judged j WHERE j.outcome = 'write'
       ON CONFLICT ("documentId", version) DO NOTHING),
     ins AS (
       INSERT INTO "DocumentVersion" (id, "documentId", version, key, size, sha256, "createdById", details)
       SELECT $13::uuid, $1::uuid, upd.version, $11, $10::bigint, NULLIF($9, ''), $12::uuid, $14::jsonb FROM upd),
     audited AS (
       INSERT INTO "AuditEvent" (action, outcome, "userId", "documentId", details)
       SELECT $17, 'success', $12::uuid, $1::uuid, jsonb_build_object('version', upd.version, 'size', $10::bigint)
         FROM upd WHERE $17::text IS NOT NULL)
     SELECT j.outcome, j."currentLock", j.version, j."lastModifiedAt", u.version AS "newVersion", u."lastModifiedAt" AS "newLastModifiedAt",
            clock_timestamp() AS "dbNow"
       FROM judged j LEFT JOIN upd u ON true`,
    [
      input.documentId,
      input.now,
      input.lockId,
      input.visibleEtag,
      internalKey(BLOB_FOLDER, ''),
      input.ifLastModified !== undefined,
      isCanonical ? expected : null,
      !!input.isIdenticalSkipped,
      input.stored.sha256,
      String(input.stored.size),
      input.blobKey,
      input.userId,
      randomUUID(),
      input.details === undefined ? null : JSON.stringify(input.details),
      randomUUID(),
      deadline,
      input.audit?.action ?? null,
    ],
    'commit-save',
  );
  const row = rows[0];
  if (!row) return { outcome: 'gone' };
  if (row.outcome === 'late') throw lateStatementError(deadline, row.dbNow);
  if (row.outcome === 'lock') return { outcome: 'lock', current: row.currentLock };
  if (row.outcome === 'slow') return { outcome: 'slow' };
  if (row.outcome === 'stale') return { outcome: 'stale', lastModifiedAt: row.lastModifiedAt };
  if (row.outcome === 'unchanged')
    return { outcome: 'unchanged', version: row.version, lastModifiedAt: row.lastModifiedAt };

  return { outcome: 'written', version: row.newVersion!, lastModifiedAt: row.newLastModifiedAt! };
};

type WriteInput = {
  blobKey: string;
  stored: StoredObject;
  userId: string | null;
  now: Date;
  details?: Prisma.InputJsonValue;
};

/**
 * Inside a transaction holding the row lock: the blob becomes the document's new version and the
 * row's mirror pending. The caller runs `scheduleMirrorSync(row.id)` once the transaction commits
 * (a PutFile once its answer is sent: WopiReply.afterSend).
 */
export const replaceContentLocked = async (tx: Tx, row: LockedDocument, input: WriteInput) => {
  await preserveCurrentVersion(tx, row);
  const version = row.version + 1;
  const lastModifiedAt = nextModifiedAt(row.lastModifiedAt, input.now);
  await tx.document.update({
    where: { id: row.id },
    data: {
      contentKey: input.blobKey,
      size: input.stored.size,
      // '' = not known (a restored version that was never hashed): computed on first read.
      sha256: input.stored.sha256 || null,
      version,
      lastModifiedAt,
      lastSeenAt: input.now,
      lastModifiedById: input.userId,
      missingSince: null,
      // `etag` stays the visible object's as last written or seen until syncMirror copies the blob there.
      mirrorPendingSince: row.mirrorPendingSince ?? input.now,
    },
  });
  await tx.documentVersion.create({
    data: {
      documentId: row.id,
      version,
      key: input.blobKey,
      size: input.stored.size,
      sha256: input.stored.sha256 || null,
      createdById: input.userId,
      details: input.details,
    },
  });

  return { version, lastModifiedAt, size: input.stored.size, sha256: input.stored.sha256 };
};

/**
 * Inside a transaction: a new document at folder/name whose first version is the blob, its mirror
 * pending (the caller schedules `syncMirror` after the commit).
 */
export const createDocumentLocked = async (
  tx: Tx,
  input: WriteInput & { folder: string; name: string; key: string },
) => {
  await ensureFolders(input.folder, tx);
  const created = await tx.document.create({
    data: {
      key: input.key,
      contentKey: input.blobKey,
      name: input.name,
      folder: input.folder,
      extension: extensionOf(input.name),
      size: input.stored.size,
      sha256: input.stored.sha256,
      // No visible object yet: syncMirror copies the blob there after the commit.
      etag: null,
      mirrorPendingSince: input.now,
      lastModifiedAt: input.now,
      lastSeenAt: input.now,
      createdById: input.userId,
      lastModifiedById: input.userId,
    },
    select: { id: true, version: true, lastModifiedAt: true },
  });
  await tx.documentVersion.create({
    data: {
      documentId: created.id,
      version: created.version,
      key: input.blobKey,
      size: input.stored.size,
      sha256: input.stored.sha256,
      createdById: input.userId,
      details: input.details,
    },
  });

  return created;
};

export type CommitAtOutcome =
  | { ok: true; id: string; version: number; replaced: boolean }
  /** A visible document has that name and `replace` was false (or one was created meanwhile). */
  | { ok: false; reason: 'exists' }
  /** The document there is open in an editor (its WOPI lock). */
  | { ok: false; reason: 'lock'; current: string };

/** Postgres refused a second row with the same unique key (Prisma's P2002). */
const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * The one way a staged blob becomes the content at folder/name (uploads, new documents,
 * PutRelativeFile): a new document, or — when `replace` — a new version of the visible one there
 * (refused while an editor holds its WOPI lock; a change made in storage is adopted first). An
 * object another tool put at that key and no listing has seen yet counts as a visible document
 * (its bytes become version 1). A row whose object had vanished is brought back with its
 * history. One transaction with the row locked; on a refusal or a throw the blob is discarded,
 * so nothing is left half-done; the visible object follows after the commit (`syncMirror`). A
 * replace that loses the race to create the name runs once more, as a new version of the winner's.
 */
export const commitBlobAt = async (
  input: WriteInput & {
    folder: string;
    name: string;
    replace: boolean;
    /** On `exists` the blob stays staged: the caller commits it under another name, or discards it. */
    isKeptWhenTaken?: boolean;
  },
): Promise<CommitAtOutcome> => {
  const key = documentKey(input);
  const commitOnce = () =>
    db.$transaction(async (tx): Promise<CommitAtOutcome> => {
      const row = (await lockDocumentRow(tx, { key })) ?? (await adoptUnlistedObject(tx, input, key));
      if (!row) {
        const created = await createDocumentLocked(tx, { ...input, key });

        return { ok: true, id: created.id, version: created.version, replaced: false };
      }
      const isReplacing = !row.missingSince;
      if (isReplacing) {
        if (!input.replace) return { ok: false, reason: 'exists' };
        const current = await heldLock(tx, row.id, input.now);
        if (current) return { ok: false, reason: 'lock', current };
      }
      const written = await replaceContentLocked(tx, await adoptStorageChangeLocked(tx, row, input.now), input);

      return { ok: true, id: row.id, version: written.version, replaced: isReplacing };
    }, COMMIT_TX_OPTIONS);
  try {
    let outcome: CommitAtOutcome;
    try {
      outcome = await commitOnce();
    } catch (error) {
      // Two commits of a new name raced and this one lost the insert: with `replace` the
      // winner's row is there now, and replacing it (a new version) is what the caller asked for.
      if (!(input.replace && isUniqueViolation(error))) throw error;
      outcome = await commitOnce();
    }
    if (outcome.ok) scheduleMirrorSync(outcome.id);
    else if (!(input.isKeptWhenTaken && outcome.reason === 'exists')) await discardBlob(input.blobKey);

    return outcome;
  } catch (error) {
    // Two commits of a new name raced: the loser sees the name taken.
    const isTaken = isUniqueViolation(error);
    if (!(isTaken && input.isKeptWhenTaken)) await discardBlobAfterFailure(input.blobKey, error);
    if (isTaken) return { ok: false, reason: 'exists' };
    throw error;
  }
};
