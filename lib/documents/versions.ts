import { conflictError, notFoundError } from '@/lib/errors';
import { db } from '@/lib/db';
import {
  adoptStorageChangeLocked,
  currentContent,
  heldLock,
  lockDocumentRow,
  replaceContentLocked,
  scheduleMirrorSync,
} from '@/lib/documents/content';
import { isUuid, VISIBLE } from '@/lib/documents/queries';
import type { HistoryVersion } from '@/lib/documents/version-groups';

/** Every kept version of a visible document, newest first. */
export const listVersions = async (documentId: string) => {
  if (
    !isUuid(documentId) ||
    !(await db.document.findFirst({ where: { id: documentId, ...VISIBLE }, select: { id: true } }))
  ) {
    throw notFoundError(`No document ${documentId}.`, { what: 'document', id: documentId });
  }

  return db.documentVersion.findMany({
    where: { documentId },
    select: {
      version: true,
      size: true,
      sha256: true,
      createdAt: true,
      createdBy: { select: { email: true } },
      details: true,
    },
    orderBy: { version: 'desc' },
  });
};

const historyDocument = async (documentId: string) => {
  // A change another tool made in the bucket becomes its version first (one HEAD, cached briefly).
  if (isUuid(documentId)) await currentContent(documentId);
  const doc = isUuid(documentId)
    ? await db.document.findFirst({
        where: { id: documentId, ...VISIBLE },
        select: {
          id: true,
          name: true,
          folder: true,
          extension: true,
          version: true,
          size: true,
          contentKey: true,
          lastModifiedAt: true,
          lastModifiedBy: { select: { id: true, email: true, name: true } },
        },
      })
    : null;
  if (!doc) throw notFoundError(`No document ${documentId}.`, { what: 'document', id: documentId });

  return doc;
};

/**
 * A visible document and every version it keeps, newest first (`size` in bytes, `author` null
 * for another tool, the CLI or a deleted user). The current version is always listed: content
 * found in the bucket and never rewritten has no version row yet, so it is described from the
 * document itself. Throws not_found for an unknown, deleted or missing document.
 */
export const getVersionHistory = async (documentId: string) => {
  const doc = await historyDocument(documentId);
  const rows = await db.documentVersion.findMany({
    where: { documentId: doc.id },
    select: {
      version: true,
      size: true,
      createdAt: true,
      details: true,
      createdBy: { select: { id: true, email: true, name: true } },
    },
    orderBy: { version: 'desc' },
  });
  const versions: HistoryVersion[] = rows.map((row) => ({
    version: row.version,
    size: Number(row.size),
    createdAt: row.createdAt,
    author: row.createdBy,
    details: row.details,
  }));
  if (!versions.some((version) => version.version === doc.version)) {
    versions.unshift({
      version: doc.version,
      size: Number(doc.size),
      createdAt: doc.lastModifiedAt,
      author: doc.lastModifiedBy,
      details: null,
    });
  }

  return {
    document: { id: doc.id, name: doc.name, folder: doc.folder, extension: doc.extension, version: doc.version },
    versions,
  };
};

/**
 * Where version `version` of a visible document is kept: its immutable object `key` and `size`
 * (bytes), with the document's name and whether it is the current version. The current version without a version row is read from
 * the document's committed content. Throws not_found for an unknown document or version.
 */
/** DocumentVersion.version is a Postgres integer: anything else is no version (it failed the query). */
const assertVersionNumber = (documentId: string, version: number) => {
  if (!Number.isInteger(version) || version < 1 || version > 2_147_483_647)
    throw notFoundError(`Document ${documentId} has no version ${version}.`, {
      what: 'version',
      id: documentId,
      version,
    });
};

export const getVersionObject = async (documentId: string, version: number) => {
  assertVersionNumber(documentId, version);
  const doc = await historyDocument(documentId);
  const row = await db.documentVersion.findUnique({
    where: { documentId_version: { documentId: doc.id, version } },
    select: { key: true, size: true },
  });
  const isCurrent = version === doc.version;
  if (row) return { name: doc.name, key: row.key, size: Number(row.size), isCurrent };
  if (isCurrent) return { name: doc.name, key: doc.contentKey, size: Number(doc.size), isCurrent };
  throw notFoundError(`Document ${documentId} has no version ${version}.`, {
    what: 'version',
    id: documentId,
    version,
  });
};

/**
 * Makes an earlier version current again, as a NEW version (history only grows; Version never
 * repeats). Version objects are immutable, so the new version shares the old one's bytes.
 * Refused while an editor holds a WOPI lock.
 */
export const restoreVersion = async ({
  documentId,
  version,
  userId,
}: {
  documentId: string;
  version: number;
  userId: string | null;
}) => {
  if (!isUuid(documentId)) throw notFoundError(`No document ${documentId}.`, { what: 'document', id: documentId });
  assertVersionNumber(documentId, version);

  const restored = await db.$transaction(
    async (tx) => {
      const row = await lockDocumentRow(tx, { id: documentId });
      if (!row || row.deletedAt || row.missingSince)
        throw notFoundError(`No document ${documentId}.`, { what: 'document', id: documentId });
      const old = await tx.documentVersion.findUnique({ where: { documentId_version: { documentId, version } } });
      if (!old)
        throw notFoundError(`Document ${documentId} has no version ${version}.`, {
          what: 'version',
          id: documentId,
          version,
        });
      const now = new Date();
      if (await heldLock(tx, documentId, now))
        throw conflictError('locked', 'The document is open for editing; try again when it is closed.', {
          what: 'document',
        });
      const written = await replaceContentLocked(tx, await adoptStorageChangeLocked(tx, row, now), {
        blobKey: old.key,
        stored: { size: Number(old.size), sha256: old.sha256 ?? '', etag: undefined },
        userId,
        now,
        details: { restoredFrom: version },
      });

      return { id: documentId, version: written.version, restoredFrom: version };
    },
    { timeout: 10 * 60 * 1000 },
  );
  scheduleMirrorSync(documentId);

  return restored;
};
