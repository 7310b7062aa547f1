import { randomUUID } from 'node:crypto';
import { commitBlobAt, currentContent, discardBlobAfterFailure, sha256Of, syncMirror } from '@/lib/documents/content';
import { db } from '@/lib/db';
import { log } from '@/lib/log';
import { internalKey } from '@/lib/storage/keys';
import { copyObject, headObject } from '@/lib/storage/objects';

export type CopyOutcome =
  | { ok: true; id: string; sourceId: string; folder: string; name: string }
  | { ok: false; reason: 'exists' | 'gone'; name: string };

/**
 * Copies one visible document's current content to a new document at `to` (folder and full name,
 * validated): the committed bytes are copied server-side to a fresh blob, which then becomes the
 * new document's version 1 through the one commit path (commitBlobAt), its visible object written
 * after the commit. A crash before the commit leaves only an unreferenced blob (the janitor removes
 * it). `exists` when the name is taken, `gone` when the source is not visible. The source's
 * history is not copied.
 */
export const copyDocument = async ({
  id,
  to,
  userId,
  expected,
  now = new Date(),
}: {
  id: string;
  to: { folder: string; name: string };
  userId: string | null;
  /** A folder copy's source place: a document that left it meanwhile is `gone` (not copied). */
  expected?: { folder: string; name: string };
  now?: Date;
}): Promise<CopyOutcome> => {
  const source = await currentContent(id);
  if (!source) return { ok: false, reason: 'gone', name: to.name };
  const row = await db.document.findUnique({
    where: { id },
    select: { sha256: true, size: true, folder: true, name: true },
  });
  if (!row) return { ok: false, reason: 'gone', name: to.name };
  if (expected && (row.folder !== expected.folder || row.name !== expected.name))
    return { ok: false, reason: 'gone', name: to.name };
  const blobKey = internalKey('blobs', randomUUID());
  await copyObject(source.contentKey, blobKey);
  try {
    const head = await headObject(blobKey);
    const sha256 = row.sha256 ?? (await sha256Of(blobKey));
    const outcome = await commitBlobAt({
      folder: to.folder,
      name: to.name,
      blobKey,
      stored: { size: head?.size ?? Number(row.size), sha256, etag: head?.etag },
      userId,
      now,
      replace: false,
    });
    if (!outcome.ok) return { ok: false, reason: 'exists', name: to.name };
    await syncMirror(outcome.id).catch((error: unknown) =>
      log.warn({ err: error, documentId: outcome.id }, 'visible object of a copy not yet written'),
    );

    return { ok: true, id: outcome.id, sourceId: id, ...to };
  } catch (error) {
    // Kept when the commit's outcome is unknown (the database went away): it may be the copy's content.
    await discardBlobAfterFailure(blobKey, error);
    throw error;
  }
};
