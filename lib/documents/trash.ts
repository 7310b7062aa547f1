import { notFoundError } from '@/lib/errors';
import { db } from '@/lib/db';
import { lockDocumentRow } from '@/lib/documents/content';
import { ensureFolders } from '@/lib/documents/folders';
import { isUuid } from '@/lib/documents/queries';
import { freeName } from '@/lib/documents/write';
import { documentKey, extensionOf } from '@/lib/storage/keys';
import { copyObject } from '@/lib/storage/objects';

/** Documents deleted through WOPI or the portal, newest first. Their bytes are kept. */
export const listTrash = () =>
  db.document.findMany({
    where: { deletedAt: { not: null } },
    select: { id: true, name: true, folder: true, size: true, version: true, deletedAt: true, deletedById: true },
    orderBy: { deletedAt: 'desc' },
  });

/**
 * Puts a deleted document back where it was (same id, versions and history); a name taken
 * meanwhile gets a " (n)" suffix. Returns the restored name.
 */
export const restoreDocument = async (id: string) => {
  if (!isUuid(id)) throw notFoundError(`No deleted document ${id}.`);
  const deleted = await db.document.findFirst({
    where: { id, deletedAt: { not: null } },
    select: { folder: true, name: true },
  });
  if (!deleted) throw notFoundError(`No deleted document ${id}.`);
  const name = await freeName(deleted.folder, deleted.name);

  return db.$transaction(
    async (tx) => {
      const row = await lockDocumentRow(tx, { id });
      if (!row?.deletedAt) throw notFoundError(`No deleted document ${id}.`);
      const key = documentKey({ folder: row.folder, name });
      const { etag } = await copyObject(row.contentKey, key);
      await ensureFolders(row.folder, tx);
      await tx.document.update({
        where: { id },
        data: {
          key,
          name,
          extension: extensionOf(name),
          etag,
          deletedAt: null,
          deletedById: null,
          mirrorPendingSince: null,
          lastSeenAt: new Date(),
        },
      });

      return { id, name, folder: row.folder };
    },
    { timeout: 10 * 60 * 1000 },
  );
};
