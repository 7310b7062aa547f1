import { PutObjectCommand } from '@aws-sdk/client-s3';
import { db, sql } from '@/lib/db';
import { listObjectPages } from '@/lib/documents/blobs';
import { ensureFolders, nameOf, parentOf } from '@/lib/documents/folders';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { env } from '@/lib/env';
import { notFoundError } from '@/lib/errors';
import { getS3 } from '@/lib/storage/client';
import { folderPrefix } from '@/lib/storage/keys';
import { deleteObjects, listPage } from '@/lib/storage/objects';

/**
 * Folders as the bucket knows them: S3 prefixes. An empty folder is kept by a zero-byte marker
 * object at "<folder>/" (what S3 consoles make; listings skip it as a document, and its prefix
 * keeps the folder listed). Everything here streams: documents in keyset batches, bucket keys a
 * ListObjectsV2 page at a time; only folder paths (few) are read whole.
 */

export const BATCH = 100;

/** "" stays "", else "a/b" + "/" for prefix comparisons in SQL. */
const underClause = `(folder = $1 OR left(folder, length($1) + 1) = $1 || '/')`;

export type TreeDocument = { id: string; folder: string; name: string };

/**
 * The visible documents in `folder` and below, `BATCH` at a time in id order (keyset, so rows that
 * leave the folder meanwhile or stay put are each seen once).
 */
export async function* documentsUnder(folder: string, { deleted = false } = {}): AsyncGenerator<TreeDocument[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<TreeDocument>(
      `SELECT id, folder, name FROM "Document"
        WHERE ${underClause} AND "missingSince" IS NULL AND "deletedAt" IS ${deleted ? 'NOT NULL' : 'NULL'}
          AND id > $2::uuid ORDER BY id LIMIT ${BATCH}`,
      [folder, after],
    );
    if (rows.length > 0) yield rows;
    if (rows.length < BATCH) return;
    after = rows.at(-1)!.id;
  }
}

/** How many visible documents are in `folder` and below (what a folder operation will go through). */
export const countUnder = async (folder: string) => {
  const { rows } = await sql<{ count: string }>(
    `SELECT count(*) AS count FROM "Document"
      WHERE ${underClause} AND "missingSince" IS NULL AND "deletedAt" IS NULL`,
    [folder],
  );

  return Number(rows[0]?.count ?? 0);
};

/** The documents in `folder` and below that an editor holds open now (at most `limit`). */
export const lockedUnder = async (folder: string, now: Date, limit = 20) => {
  const { rows } = await sql<TreeDocument>(
    `SELECT d.id, d.folder, d.name FROM "Document" d JOIN "Lock" l ON l."documentId" = d.id
      WHERE ${underClause.replaceAll('folder', 'd.folder')} AND d."missingSince" IS NULL AND d."deletedAt" IS NULL
        AND l."expiresAt" > $2 ORDER BY d.folder, d.name LIMIT ${limit}`,
    [folder, now],
  );

  return rows;
};

/** `folder` and every known folder below it, shallowest first. */
export const foldersUnder = async (folder: string) => {
  const { rows } = await sql<{ path: string }>(
    `SELECT path FROM "Folder" WHERE path = $1 OR left(path, length($1) + 1) = $1 || '/' ORDER BY length(path), path`,
    [folder],
  );

  return rows.map((row) => row.path);
};

/** Whether anything visible is at `folder`: its row, a document in or below it, or an object under its prefix. */
export const isFolderTaken = async (folder: string) => {
  if (folder === '') return true;
  if (await db.folder.findUnique({ where: { path: folder }, select: { path: true } })) return true;
  const { rows } = await sql(
    `SELECT 1 FROM "Document" WHERE ${underClause} AND "missingSince" IS NULL AND "deletedAt" IS NULL LIMIT 1`,
    [folder],
  );
  if (rows.length > 0) return true;
  const page = await listPage({ prefix: folderPrefix(folder), delimiter: '/' });

  return page.objects.length > 0 || page.prefixes.length > 0;
};

/**
 * A destination folder must exist (the folder picker only offers existing ones; nothing is made
 * on the way): "" (the top), a folder the portal knows, or one only in the bucket so far.
 * 404 `not_found` otherwise.
 */
export const assertDestinationExists = async (folder: string) => {
  if (!(await isFolderTaken(folder)))
    throw notFoundError(`The folder "${folder}" does not exist.`, { what: 'folder_missing', path: folder });
};

/**
 * Makes a new folder's row (and its parent's) atomically: false when the row exists already
 * (another request made it first; the unique path decides). Then its marker object.
 */
export const makeNewFolder = async (folder: string) => {
  const parent = parentOf(folder) ?? '';
  await ensureFolders(parent);
  const { count } = await db.folder.createMany({
    data: [{ path: folder, parent, name: nameOf(folder) }],
    skipDuplicates: true,
  });
  if (count === 0) return false;
  await getS3().send(
    new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: folderPrefix(folder), Body: '', ContentLength: 0 }),
  );

  return true;
};

/**
 * The document in `folder` and below with the longest folder + name (in UTF-8 bytes): the one
 * closest to S3's key limit when the tree moves elsewhere. Null when there is none.
 */
export const longestDocumentUnder = async (folder: string) => {
  const { rows } = await sql<TreeDocument>(
    `SELECT id, folder, name FROM "Document"
      WHERE ${underClause} AND "missingSince" IS NULL AND "deletedAt" IS NULL
      ORDER BY octet_length(folder) + octet_length(name) DESC LIMIT 1`,
    [folder],
  );

  return rows[0] ?? null;
};

/**
 * Brings `folder` and every folder below it in line with the bucket first (objects other tools
 * put there become documents), so a folder operation leaves nothing behind that it did not see.
 */
export const reconcileTree = async (folder: string) => {
  const queue = [folder];
  while (queue.length > 0) {
    const next = queue.shift()!;
    await reconcileFolder(next, { force: true });
    const children = await db.folder.findMany({ where: { parent: next }, select: { path: true } });
    queue.push(...children.map((child) => child.path));
  }
};

/** The folder's row (and its ancestors') and its marker object, so it stays when empty. */
export const makeFolder = async (folder: string) => {
  await ensureFolders(folder);
  if (folder === '') return;
  await getS3().send(
    new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: folderPrefix(folder), Body: '', ContentLength: 0 }),
  );
};

/**
 * After documents left `folder`: each folder in it (deepest first) that no visible document is in
 * or below any more loses its row and its marker object. Objects the portal cannot show stay.
 */
export const removeEmptyFolders = async (folder: string) => {
  const paths = (await foldersUnder(folder)).reverse();
  for (const path of paths) {
    const { rows } = await sql(
      `SELECT 1 FROM "Document" WHERE ${underClause} AND "missingSince" IS NULL AND "deletedAt" IS NULL LIMIT 1`,
      [path],
    );
    if (rows.length > 0) continue;
    await deleteObjects([folderPrefix(path)]);
    await db.folder.deleteMany({ where: { path } });
  }
  // Nothing left in it: markers of folders no row knew about (other tools' "a/b/" objects) go too.
  if (await db.folder.findUnique({ where: { path: folder }, select: { path: true } })) return;
  for await (const objects of listObjectPages(folderPrefix(folder))) {
    await deleteObjects(objects.filter((object) => object.key.endsWith('/')).map((object) => object.key));
  }
};
