import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { db, type Tx } from '@/lib/db';
import { env } from '@/lib/env';
import { ensureFolders } from '@/lib/documents/folders';
import { Prisma } from '@/lib/generated/prisma/client';
import { documentKey, extensionOf, internalKey } from '@/lib/storage/keys';
import {
  copyObject,
  deleteObject,
  headObject,
  isNotFound,
  putObjectStream,
  type StoredObject,
} from '@/lib/storage/objects';

/**
 * How document bytes change. Every write streams into a new immutable object under
 * `.wopi/blobs/`, then one transaction, with the document row locked, makes it current: the
 * blob becomes `contentKey` (readers stream exactly the bytes the row describes), a copy lands
 * at the visible key for other tools, and the version history gains a row. The previous blob
 * stays as the previous version.
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
};

/** SELECT … FOR UPDATE: the row stays locked until the transaction ends (this also blocks new WOPI locks on it). */
export const lockDocumentRow = async (tx: Tx, where: { id: string } | { key: string }) => {
  const rows =
    'id' in where
      ? await tx.$queryRaw<LockedDocument[]>`
          SELECT id, key, "contentKey", name, folder, version, size, sha256, etag, "lastModifiedAt", "lastModifiedById", "missingSince", "deletedAt"
          FROM "Document" WHERE id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<LockedDocument[]>`
          SELECT id, key, "contentKey", name, folder, version, size, sha256, etag, "lastModifiedAt", "lastModifiedById", "missingSince", "deletedAt"
          FROM "Document" WHERE key = ${where.key} FOR UPDATE`;

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
  doc: { id: string; key: string; etag: string | null },
  { maxAgeMs = 0 }: { maxAgeMs?: number } = {},
) => {
  const now = Date.now();
  const recent = recentChecks.get(doc.id);
  if (maxAgeMs > 0 && recent && recent.etag === doc.etag && now - recent.at < maxAgeMs) return false;
  const head = await headObject(doc.key);
  const isChanged = !!head?.etag && head.etag !== doc.etag;
  recentChecks.delete(doc.id);
  if (!isChanged) {
    recentChecks.set(doc.id, { at: now, etag: doc.etag });
    if (recentChecks.size > RECENT_CHECKS_MAX) recentChecks.delete(recentChecks.keys().next().value!);
  }

  return isChanged;
};

/**
 * The committed content of a visible document — `{ name, contentKey }`, the immutable object
 * every read path serves (never the visible mirror another tool may be rewriting) — after
 * adopting a change made in storage as a new version. Null for an unknown or hidden document.
 */
export const currentContent = async (id: string) => {
  const select = { id: true, name: true, key: true, etag: true, contentKey: true } as const;
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

const isPreconditionFailed = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 412;

type WriteInput = {
  blobKey: string;
  stored: StoredObject;
  userId: string | null;
  now: Date;
  details?: Prisma.InputJsonValue;
};

/** Inside a transaction holding the row lock: the blob becomes the document's new version. */
export const replaceContentLocked = async (tx: Tx, row: LockedDocument, input: WriteInput) => {
  await preserveCurrentVersion(tx, row);
  const { etag } = await copyObject(input.blobKey, row.key);
  const version = row.version + 1;
  const lastModifiedAt = nextModifiedAt(row.lastModifiedAt, input.now);
  await tx.document.update({
    where: { id: row.id },
    data: {
      contentKey: input.blobKey,
      size: input.stored.size,
      // '' = not known (a restored version that was never hashed): computed on first read.
      sha256: input.stored.sha256 || null,
      etag,
      version,
      lastModifiedAt,
      lastSeenAt: input.now,
      lastModifiedById: input.userId,
      missingSince: null,
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

/** Inside a transaction: a new document at folder/name whose first version is the blob. */
export const createDocumentLocked = async (
  tx: Tx,
  input: WriteInput & { folder: string; name: string; key: string },
) => {
  await ensureFolders(input.folder, tx);
  const { etag } = await copyObject(input.blobKey, input.key);
  const created = await tx.document.create({
    data: {
      key: input.key,
      contentKey: input.blobKey,
      name: input.name,
      folder: input.folder,
      extension: extensionOf(input.name),
      size: input.stored.size,
      sha256: input.stored.sha256,
      etag,
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

/**
 * The one way a staged blob becomes the content at folder/name (uploads, new documents,
 * PutRelativeFile): a new document, or — when `replace` — a new version of the visible one there
 * (refused while an editor holds its WOPI lock; a change made in storage is adopted first). A
 * row whose object had vanished is brought back with its history. One transaction with the row
 * locked; on a refusal or a throw the blob is discarded, so nothing is left half-done.
 */
export const commitBlobAt = async (
  input: WriteInput & { folder: string; name: string; replace: boolean },
): Promise<CommitAtOutcome> => {
  const key = documentKey(input);
  try {
    const outcome = await db.$transaction(async (tx): Promise<CommitAtOutcome> => {
      const row = await lockDocumentRow(tx, { key });
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
    if (!outcome.ok) await discardBlob(input.blobKey);

    return outcome;
  } catch (error) {
    await discardBlob(input.blobKey);
    // Two commits of a new name raced: the loser sees the name taken.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return { ok: false, reason: 'exists' };
    throw error;
  }
};
