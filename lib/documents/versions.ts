import { conflictError, notFoundError } from '@/lib/errors';
import { db } from '@/lib/db';
import {
  adoptStorageChangeLocked,
  heldLock,
  lockDocumentRow,
  replaceContentLocked,
  scheduleMirrorSync,
} from '@/lib/documents/content';
import { isUuid, VISIBLE } from '@/lib/documents/queries';

/** Every kept version of a visible document, newest first. */
export const listVersions = async (documentId: string) => {
  if (
    !isUuid(documentId) ||
    !(await db.document.findFirst({ where: { id: documentId, ...VISIBLE }, select: { id: true } }))
  ) {
    throw notFoundError(`No document ${documentId}.`);
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
  if (!isUuid(documentId)) throw notFoundError(`No document ${documentId}.`);

  const restored = await db.$transaction(
    async (tx) => {
      const row = await lockDocumentRow(tx, { id: documentId });
      if (!row || row.deletedAt || row.missingSince) throw notFoundError(`No document ${documentId}.`);
      const old = await tx.documentVersion.findUnique({ where: { documentId_version: { documentId, version } } });
      if (!old) throw notFoundError(`Document ${documentId} has no version ${version}.`);
      const now = new Date();
      if (await heldLock(tx, documentId, now))
        throw conflictError('locked', 'The document is open for editing; try again when it is closed.');
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
