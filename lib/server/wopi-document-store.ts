import { createHash } from 'node:crypto';
import { db, sql } from '@/lib/db';
import {
  adoptStorageChange,
  adoptStorageChangeLocked,
  COMMIT_TX_OPTIONS,
  commitBlobAt,
  commitSaveStatement,
  discardBlob,
  discardBlobAfterFailure,
  isChangedInStorage,
  heldLock,
  lockDocumentRow,
  replaceContentLocked,
  scheduleMirrorSync,
  stageContent,
  type LockedDocument,
  type SaveStatementOutcome,
} from '@/lib/documents/content';
import { isUuid, VISIBLE } from '@/lib/documents/queries';
import { relocateDocument, trashDocument } from '@/lib/documents/relocate';
import { commitBlobUnderFreeName, commitUnderFreeName, FREE_NAME_ATTEMPTS, freeName } from '@/lib/documents/write';
import { conflictError } from '@/lib/errors';
import type { Prisma } from '@/lib/generated/prisma/client';
import { env } from '@/lib/env';
import { WOPI_CONTEXT_SQL } from '@/lib/server/wopi-context-sql';
import { getObjectNodeStream, headObject, type StoredObject } from '@/lib/storage/objects';
import {
  DocumentGoneError,
  type DocumentStore,
  type WopiDocument,
  type WopiUser,
  type WriteResult,
} from '@/lib/wopi/ports';

const select = {
  id: true,
  name: true,
  folder: true,
  extension: true,
  size: true,
  sha256: true,
  version: true,
  lastModifiedAt: true,
  createdById: true,
  contentKey: true,
  key: true,
  etag: true,
  mirrorPendingSince: true,
} satisfies Prisma.DocumentSelect;

const toWopi = (row: Prisma.DocumentGetPayload<{ select: typeof select }>): WopiDocument => ({
  ...row,
  size: Number(row.size),
});

const find = async (id: string) => {
  if (!isUuid(id)) return null;
  const row = await db.document.findFirst({ where: { id, ...VISIBLE }, select });

  return row ? toWopi(row) : null;
};

const isVisible = (row: LockedDocument | null): row is LockedDocument => !!row && !row.deletedAt && !row.missingSince;

/** The port's answer for a save the one-statement commit decided (lib/documents/content.ts). */
const toWriteResult = (
  saved: Exclude<SaveStatementOutcome, { outcome: 'gone' | 'slow' }>,
  stored: StoredObject,
): WriteResult => {
  if (saved.outcome === 'lock') return { ok: false, reason: 'lock', current: saved.current };
  if (saved.outcome === 'stale') return { ok: false, reason: 'stale', lastModifiedAt: saved.lastModifiedAt };
  const written = { ok: true as const, version: saved.version, lastModifiedAt: saved.lastModifiedAt };

  return saved.outcome === 'unchanged'
    ? { ...written, size: stored.size, sha256: stored.sha256, isUnchanged: true }
    : { ...written, size: stored.size, sha256: stored.sha256 };
};

export const wopiDocumentStore: DocumentStore = {
  find,

  refresh: async (doc) => {
    if (!(await isChangedInStorage(doc, { maxAgeMs: env.STORAGE_CHECK_INTERVAL_MS }))) return doc;
    await adoptStorageChange(doc.id);

    return find(doc.id);
  },

  read: async (doc) => {
    const object = await getObjectNodeStream(doc.contentKey);

    return { body: object.body, size: object.size };
  },

  sha256: async (doc) => {
    if (doc.sha256) return doc.sha256;
    const hash = createHash('sha256');
    const { body } = await getObjectNodeStream(doc.contentKey);
    for await (const chunk of body as AsyncIterable<Buffer>) hash.update(chunk);
    const sha256 = hash.digest('hex');
    await db.document.updateMany({ where: { id: doc.id, version: doc.version, sha256: null }, data: { sha256 } });

    return sha256;
  },

  write: async ({
    doc,
    body,
    declaredSize,
    maxBytes,
    lockId,
    userId,
    now,
    ifLastModified,
    isIdenticalSkipped,
    details,
    audit,
  }) => {
    // The visible object's HEAD goes out while the body streams (one S3 round trip off the save's
    // latency). A change another tool makes during the upload is still never overwritten unseen:
    // the mirror copy judges the key again under the row lock (judgePendingMirror) and adopts
    // such bytes as a newer version.
    const visibleHead = headObject(doc.key);
    visibleHead.catch(() => {}); // awaited below once the body is stored; its failure is the save's then
    const { blobKey, stored } = await stageContent({ body, size: declaredSize, maxBytes });
    try {
      // The common case in one statement: the visible object is as the row last saw it.
      const visible = await visibleHead;
      const fast = await commitSaveStatement({
        documentId: doc.id,
        blobKey,
        stored,
        lockId,
        userId,
        now,
        visibleEtag: visible?.etag ?? null,
        ifLastModified,
        isIdenticalSkipped,
        details,
        audit,
      });
      if (fast.outcome === 'gone') throw new DocumentGoneError();
      if (fast.outcome !== 'slow') {
        // Only a written blob stays; the copy to the visible key follows the answer.
        if (fast.outcome !== 'written') await discardBlob(blobKey);
        const result = toWriteResult(fast, stored);

        return fast.outcome === 'written' ? { ...result, followUp: () => scheduleMirrorSync(doc.id) } : result;
      }
      // Changed in storage, or content only at the visible key: the transaction adopts it first.
      const result = await db.$transaction(async (tx) => {
        const locked = await lockDocumentRow(tx, { id: doc.id });
        if (!isVisible(locked)) throw new DocumentGoneError();
        const current = await heldLock(tx, locked.id, now);
        const isAllowed = lockId === null ? current === '' && locked.size === 0n : current === lockId;
        if (!isAllowed) return { ok: false as const, reason: 'lock' as const, current };
        // Bytes another tool put in the bucket become a version first: never overwritten unseen,
        // and an editor that loaded the older version learns it (its timestamp no longer matches).
        const row = await adoptStorageChangeLocked(tx, locked, now);
        if (ifLastModified !== undefined && row.lastModifiedAt.toISOString() !== ifLastModified) {
          return { ok: false as const, reason: 'stale' as const, lastModifiedAt: row.lastModifiedAt };
        }
        if (isIdenticalSkipped && row.sha256 === stored.sha256 && row.size === BigInt(stored.size)) {
          await discardBlob(blobKey);
          const unchanged = { version: row.version, lastModifiedAt: row.lastModifiedAt, size: stored.size };

          return { ok: true as const, ...unchanged, sha256: stored.sha256, isUnchanged: true };
        }
        const written = await replaceContentLocked(tx, row, { blobKey, stored, userId, now, details });
        if (audit) {
          const event = { version: written.version, size: stored.size };
          await tx.auditEvent.create({
            data: { action: audit.action, outcome: 'success', userId, documentId: doc.id, details: event },
          });
        }

        return { ok: true as const, ...written };
      }, COMMIT_TX_OPTIONS);
      if (!result.ok) await discardBlob(blobKey);
      if (!result.ok || 'isUnchanged' in result) return result;

      return { ...result, followUp: () => scheduleMirrorSync(doc.id) };
    } catch (error) {
      await discardBlobAfterFailure(blobKey, error);
      throw error;
    }
  },

  createRelative: async ({
    source,
    name,
    body,
    declaredSize,
    maxBytes,
    overwrite,
    isRenamedWhenTaken,
    userId,
    now,
  }) => {
    const { blobKey, stored } = await stageContent({ body, size: declaredSize, maxBytes });
    const commit = { folder: source.folder, name, blobKey, stored, userId, now };
    // Suggested mode: the staged blob is committed again under the next free name while others
    // take the names first; never read the body twice.
    const { outcome } = isRenamedWhenTaken
      ? await commitBlobUnderFreeName(commit)
      : { outcome: await commitBlobAt({ ...commit, replace: overwrite }) };
    if (!outcome.ok) return outcome;
    const doc = await find(outcome.id);
    if (!doc) throw new DocumentGoneError();

    return { ok: true, doc };
  },

  freeName,

  // RenameFile and DeleteFile share the portal's one way of moving a document
  // (lib/documents/relocate.ts): the row locked, the old visible object removed in the same
  // commit, the new one written after it under the pending-mirror mark. Concurrent renames to
  // one name each end under a distinct free one (commitUnderFreeName).
  rename: async ({ doc, name, lockId, userId, now }) => {
    const wanted = doc.extension ? `${name}.${doc.extension}` : name;
    const { outcome } = await commitUnderFreeName({
      folder: doc.folder,
      name: wanted,
      // Its own name: no suffix (relocateDocument leaves it as it is).
      first: doc.name === wanted ? wanted : undefined,
      commit: (finalName) =>
        relocateDocument({ id: doc.id, to: { folder: doc.folder, name: finalName }, userId, lockId, now }),
      isTaken: (result) => !result.ok && result.reason === 'exists',
    });
    if (outcome.ok) return { ok: true, name: outcome.name };
    if (outcome.reason === 'gone') throw new DocumentGoneError();
    if (outcome.reason === 'locked') return { ok: false, reason: 'lock', current: outcome.current ?? '' };
    throw conflictError(
      'name_conflict',
      `No free name like "${wanted}": ${FREE_NAME_ATTEMPTS} tries each found theirs taken by another request; try again.`,
      { name: wanted, folder: doc.folder },
    );
  },

  delete: async ({ doc, userId, now }) => {
    const outcome = await trashDocument({ id: doc.id, userId, now });
    if (outcome.ok) return { ok: true };
    if (outcome.reason === 'locked') return { ok: false, reason: 'lock', current: outcome.current ?? '' };
    throw new DocumentGoneError();
  },
};

type ContextRow = {
  user: { id: string; email: string; name: string; role: WopiUser['role']; wopiUserInfo: string | null } | null;
  document:
    | (Omit<WopiDocument, 'size' | 'lastModifiedAt' | 'mirrorPendingSince'> & {
        size: string;
        lastModifiedAt: string;
        mirrorPendingSince: string | null;
      })
    | null;
};

/**
 * The token's user and the visible document in ONE round trip (every WOPI request needs both):
 * WOPI_CONTEXT_SQL (lib/server/wopi-context-sql.ts). Either is null when absent, disabled,
 * deleted or missing, or when an id is not a uuid.
 */
export const loadWopiContext = async (userId: string, documentId: string) => {
  if (!isUuid(userId) || !isUuid(documentId)) return { user: null, document: null };
  const { rows } = await sql<ContextRow>(WOPI_CONTEXT_SQL, [userId, documentId], 'wopi-context');
  const row = rows[0];
  const doc = row?.document;

  return {
    user: row?.user ?? null,
    document: doc
      ? {
          ...doc,
          size: Number(doc.size),
          lastModifiedAt: new Date(doc.lastModifiedAt),
          mirrorPendingSince: doc.mirrorPendingSince ? new Date(doc.mirrorPendingSince) : null,
        }
      : null,
  };
};
