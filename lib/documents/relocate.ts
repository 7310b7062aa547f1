import { randomUUID } from 'node:crypto';
import { db, type Tx } from '@/lib/db';
import {
  adoptStorageChangeLocked,
  COMMIT_TX_OPTIONS,
  heldLock,
  isBlobKey,
  lockDocumentRow,
  scheduleMirrorSync,
  syncMirror,
  type LockedDocument,
} from '@/lib/documents/content';
import { ensureFolders } from '@/lib/documents/folders';
import { Prisma } from '@/lib/generated/prisma/client';
import { log } from '@/lib/log';
import { documentKey, extensionOf, internalKey } from '@/lib/storage/keys';
import { copyObject, deleteObject, headObject } from '@/lib/storage/objects';

/**
 * How a document changes place (rename, move, delete to the trash, restore) without ever being
 * half in two places. The visible object is a copy of the committed blob made after the commit
 * while `mirrorPendingSince` is set (lib/documents/content.ts), and that is what makes it safe:
 *
 * 1. `prepare`: one transaction with the row locked makes sure the committed bytes are an
 *    immutable blob (bytes another tool put at the visible key are copied to one first) and
 *    marks the row's mirror pending. Committed before anything else happens.
 * 2. `commit`: one transaction with the row locked changes `key`/`folder`/`name` (or moves the row
 *    to the trash) and removes the old visible object before it commits.
 * 3. After the commit, `syncMirror` copies the blob to the new key and clears the mark.
 *
 * A crash after 1 leaves the row where it was, pending: the start-up repair and the janitor copy
 * the blob back to its key if step 2 had already removed it (a pending row is never marked
 * missing). A crash after 2 leaves it in the new place, pending: the repair makes its visible
 * object. Either way the document is fully in the old place or fully in the new one, with no stray
 * copy that a listing could take for another document, and running the operation again finishes
 * it (a document already in its target place is left as it is).
 */

export type RelocateOutcome =
  | { ok: true; id: string; folder: string; name: string; isUnchanged?: boolean }
  | { ok: false; reason: 'locked' | 'exists' | 'gone'; name: string; current?: string };

const isVisible = (row: LockedDocument | null): row is LockedDocument => !!row && !row.deletedAt && !row.missingSince;

/**
 * Where a folder operation found a document: its step changes it only while it is still there
 * (checked under the row lock), so a document another request moved, renamed or deleted
 * meanwhile is skipped as `gone` rather than pulled back or trashed from its new place.
 */
export type ExpectedPlace = { folder: string; name: string };

const isAt = (row: LockedDocument, expected: ExpectedPlace | undefined) =>
  !expected || (row.folder === expected.folder && row.name === expected.name);

/** Step 1 (see above): committed bytes in a blob, mirror pending. Refuses while an editor holds the document. */
const prepare = async (
  id: string,
  now: Date,
  { isDeleted = false, lockId, expected }: { isDeleted?: boolean; lockId?: string; expected?: ExpectedPlace } = {},
) =>
  db.$transaction(async (tx) => {
    const locked = await lockDocumentRow(tx, { id });
    if (!locked || (isDeleted ? !locked.deletedAt : !isVisible(locked) || !isAt(locked, expected)))
      return { ok: false as const, reason: 'gone' as const, row: locked };
    const current = isDeleted ? '' : await heldLock(tx, id, now);
    if (current && current !== lockId) return { ok: false as const, reason: 'locked' as const, row: locked, current };
    const row = isDeleted ? locked : await adoptStorageChangeLocked(tx, locked, now);
    let contentKey = row.contentKey;
    if (!isBlobKey(contentKey)) {
      // Bytes that only live at the visible key (or a trash key): an immutable copy first.
      contentKey = internalKey('blobs', randomUUID());
      await copyObject(row.contentKey, contentKey);
    }
    await tx.document.update({
      where: { id },
      data: { contentKey, mirrorPendingSince: isDeleted ? null : (row.mirrorPendingSince ?? now) },
    });

    return { ok: true as const, row: { ...row, contentKey }, current: '' };
  }, COMMIT_TX_OPTIONS);

/** Step 3: the visible object at the row's key; a failure leaves it pending for the janitor. */
const settle = async (id: string) => {
  try {
    await syncMirror(id);
  } catch (error) {
    log.warn({ err: error, documentId: id }, 'visible object not yet written; the janitor will retry');
    scheduleMirrorSync(id);
  }
};

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Inside step 2: is `key` taken by a visible row or an object no listing has seen yet? */
const isTaken = async (tx: Tx, key: string, id: string) => {
  const row = await tx.document.findUnique({ where: { key }, select: { id: true, missingSince: true } });
  if (row && row.id !== id) return true;

  return !row && !!(await headObject(key));
};

/**
 * Moves and/or renames one visible document to `to` (folder and full name, already validated).
 * Refused (no change) while an editor holds it (`locked`), when `to` is taken (`exists`) or the
 * document is no longer visible (`gone`). `userId` is recorded as the last modifier.
 */
export const relocateDocument = async ({
  id,
  to,
  userId,
  lockId,
  expected,
  now = new Date(),
}: {
  id: string;
  to: { folder: string; name: string };
  userId: string | null;
  /** An editor's own WOPI lock (RenameFile): that lock allows the change, any other refuses it. */
  lockId?: string;
  /** Only while the document is still here (else `gone`). */
  expected?: ExpectedPlace;
  now?: Date;
}): Promise<RelocateOutcome> => {
  const prepared = await prepare(id, now, { lockId, expected });
  if (!prepared.ok) {
    if (prepared.row) await settle(id);

    return { ok: false, reason: prepared.reason, name: prepared.row?.name ?? to.name, current: prepared.current };
  }
  const key = documentKey(to);
  if (prepared.row.key === key) {
    await settle(id);

    return { ok: true, id, ...to, isUnchanged: true };
  }
  try {
    const outcome = await db.$transaction(async (tx): Promise<RelocateOutcome> => {
      const row = await lockDocumentRow(tx, { id });
      if (!isVisible(row) || !isAt(row, expected)) return { ok: false, reason: 'gone', name: to.name };
      const current = await heldLock(tx, id, now);
      if (current && current !== lockId) return { ok: false, reason: 'locked', name: row.name, current };
      if (await isTaken(tx, key, id)) return { ok: false, reason: 'exists', name: to.name };
      await ensureFolders(to.folder, tx);
      await tx.document.update({
        where: { id },
        data: {
          key,
          folder: to.folder,
          name: to.name,
          extension: extensionOf(to.name),
          etag: null,
          mirrorPendingSince: row.mirrorPendingSince ?? now,
          lastSeenAt: now,
          lastModifiedById: userId,
        },
      });
      // Last, so a refused update never removes it; if the commit fails the repair copies it back.
      await deleteObject(row.key);

      return { ok: true, id, ...to };
    }, COMMIT_TX_OPTIONS);
    await settle(id);

    return outcome;
  } catch (error) {
    await settle(id);
    if (isUniqueViolation(error)) return { ok: false, reason: 'exists', name: to.name };
    throw error;
  }
};

/**
 * Moves one visible document to the trash: the row keeps its id, versions and history under a
 * trash key (`batchId`: deleted with a folder). Refused while an editor holds it.
 */
export const trashDocument = async ({
  id,
  userId,
  batchId = null,
  expected,
  now = new Date(),
}: {
  id: string;
  userId: string | null;
  batchId?: string | null;
  /** Only while the document is still here (else `gone`). */
  expected?: ExpectedPlace;
  now?: Date;
}): Promise<RelocateOutcome> => {
  const prepared = await prepare(id, now, { expected });
  if (!prepared.ok) {
    if (prepared.row) await settle(id);

    return { ok: false, reason: prepared.reason, name: prepared.row?.name ?? '', current: prepared.current };
  }
  const outcome = await db
    .$transaction(async (tx): Promise<RelocateOutcome> => {
      const row = await lockDocumentRow(tx, { id });
      if (!isVisible(row) || !isAt(row, expected)) return { ok: false, reason: 'gone', name: prepared.row.name };
      const current = await heldLock(tx, id, now);
      if (current) return { ok: false, reason: 'locked', name: row.name, current };
      await tx.document.update({
        where: { id },
        data: {
          key: internalKey('trash', id),
          deletedAt: now,
          deletedById: userId,
          trashBatchId: batchId,
          mirrorPendingSince: null,
        },
      });
      await deleteObject(row.key);

      return { ok: true, id, folder: row.folder, name: row.name };
    }, COMMIT_TX_OPTIONS)
    .finally(() => settle(id));

  return outcome;
};

/**
 * Brings a deleted document back at `to` (validated; the caller picks a free name or refuses):
 * same id, versions and history; the visible object follows the commit. `exists` when taken.
 */
export const untrashDocument = async ({
  id,
  to,
  batchId,
  now = new Date(),
}: {
  id: string;
  to: { folder: string; name: string };
  /** Only while it is still in this deleted folder's batch (else `gone`). */
  batchId?: string;
  now?: Date;
}): Promise<RelocateOutcome> => {
  const prepared = await prepare(id, now, { isDeleted: true });
  if (!prepared.ok) return { ok: false, reason: 'gone', name: to.name };
  const key = documentKey(to);
  try {
    const outcome = await db.$transaction(async (tx): Promise<RelocateOutcome> => {
      const row = await lockDocumentRow(tx, { id });
      if (!row?.deletedAt) return { ok: false, reason: 'gone', name: to.name };
      if (batchId !== undefined) {
        // Still in that batch (the row is locked): a concurrent restore or purge took it otherwise.
        const inBatch = await tx.document.findUnique({ where: { id }, select: { trashBatchId: true } });
        if (inBatch?.trashBatchId !== batchId) return { ok: false, reason: 'gone', name: to.name };
      }
      if (await isTaken(tx, key, id)) return { ok: false, reason: 'exists', name: to.name };
      await ensureFolders(to.folder, tx);
      await tx.document.update({
        where: { id },
        data: {
          key,
          folder: to.folder,
          name: to.name,
          extension: extensionOf(to.name),
          etag: null,
          deletedAt: null,
          deletedById: null,
          trashBatchId: null,
          missingSince: null,
          mirrorPendingSince: now,
          lastSeenAt: now,
        },
      });

      return { ok: true, id, ...to };
    }, COMMIT_TX_OPTIONS);
    if (outcome.ok) await settle(id);

    return outcome;
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: 'exists', name: to.name };
    throw error;
  }
};
