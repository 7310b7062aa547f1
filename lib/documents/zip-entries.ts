import { sql } from '@/lib/db';
import { BATCH, foldersUnder, isFolderTaken } from '@/lib/documents/folder-tree';
import { nameOf } from '@/lib/documents/folders';
import { isUuid } from '@/lib/documents/queries';
import { withSuffix } from '@/lib/documents/write';
import { notFoundError } from '@/lib/errors';

/** One file of a zip: its path inside the archive, the committed bytes' key and its date. */
export type ZipEntry =
  { kind: 'file'; path: string; contentKey: string; modifiedAt: Date } | { kind: 'directory'; path: string };

type Row = { id: string; folder: string; name: string; contentKey: string; lastModifiedAt: Date };

export type ZipSelection = { ids: string[]; folders: string[] };

/** Whether `path` is `folder` or lies anywhere under it. */
const isWithin = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/**
 * The folders of a selection with each one once and none inside another chosen one (that one's
 * tree holds it already), in the order first given. Paths are normalised (parseFolderPath).
 */
export const outermostFolders = (folders: string[]) => {
  const unique = [...new Set(folders)];

  return unique.filter((folder) => !unique.some((other) => other !== folder && isWithin(folder, other)));
};

/**
 * Checks a selection before any byte of a zip is sent: every document id visible, every folder
 * existing (404 naming the first that is not). Returns the selection without repeats: each
 * folder once and none inside another chosen folder, each document once (ids lower-cased) and
 * none that lies in a chosen folder's tree (it is in the archive under that folder).
 */
export const checkZipSelection = async ({ ids, folders }: ZipSelection): Promise<ZipSelection> => {
  for (const id of ids) {
    if (!isUuid(id)) throw notFoundError(`No document ${id}.`, { what: 'document', id });
  }
  const uniqueIds = [...new Set(ids.map((id) => id.toLowerCase()))];
  for (const folder of folders) {
    if (folder === '' || !(await isFolderTaken(folder)))
      throw notFoundError(`No folder "${folder}".`, { what: 'folder', path: folder });
  }
  const outermost = outermostFolders(folders);
  if (uniqueIds.length === 0) return { ids: [], folders: outermost };
  const { rows } = await sql<{ id: string; folder: string }>(
    `SELECT id, folder FROM "Document" WHERE id = ANY($1::uuid[]) AND "deletedAt" IS NULL AND "missingSince" IS NULL`,
    [uniqueIds],
  );
  const folderOf = new Map(rows.map((row) => [row.id, row.folder]));
  const missing = uniqueIds.find((id) => !folderOf.has(id));
  if (missing) throw notFoundError(`No document ${missing}.`, { what: 'document', id: missing });

  return {
    ids: uniqueIds.filter((id) => !outermost.some((folder) => isWithin(folderOf.get(id)!, folder))),
    folders: outermost,
  };
};

/**
 * The entries of a zip of documents (`ids`, at the archive's top) and whole folders (each under
 * its own name, subfolders and empty folders included), read from the database in batches of
 * 100: nothing is held for the whole archive. Bytes are each document's committed content.
 * Takes the selection as checkZipSelection returns it (no repeats).
 */
export async function* zipEntries({ ids, folders }: ZipSelection): AsyncGenerator<ZipEntry> {
  // Chosen documents and folders from different places may share a name at the archive's top
  // (two "a.txt", two folders "Q3"): later ones get " (n)", as Drive does, so extracting the zip
  // overwrites nothing (compared case-blind: most desktops' file systems are).
  const topNames = new Set<string>();
  const topName = (name: string, kind: ZipEntry['kind']) => {
    let candidate = name;
    for (let n = 1; topNames.has(candidate.toLowerCase()); n++)
      candidate = kind === 'file' ? withSuffix(name, n) : `${name} (${n})`;
    topNames.add(candidate.toLowerCase());

    return candidate;
  };
  for (let start = 0; start < ids.length; start += BATCH) {
    const { rows } = await sql<Row>(
      `SELECT id, folder, name, "contentKey", "lastModifiedAt" FROM "Document"
        WHERE id = ANY($1::uuid[]) AND "deletedAt" IS NULL AND "missingSince" IS NULL ORDER BY name`,
      [ids.slice(start, start + BATCH)],
    );
    for (const row of rows)
      yield {
        kind: 'file',
        path: topName(row.name, 'file'),
        contentKey: row.contentKey,
        modifiedAt: row.lastModifiedAt,
      };
  }
  for (const folder of folders) {
    const base = topName(nameOf(folder), 'directory');
    for (const path of await foldersUnder(folder))
      yield { kind: 'directory', path: `${base}${path.slice(folder.length)}/` };
    let after = { folder: '', name: '' };
    for (;;) {
      const { rows } = await sql<Row>(
        `SELECT id, folder, name, "contentKey", "lastModifiedAt" FROM "Document"
          WHERE (folder = $1 OR left(folder, length($1) + 1) = $1 || '/') AND "deletedAt" IS NULL AND "missingSince" IS NULL
            AND (folder, name) > ($2, $3) ORDER BY folder, name LIMIT ${BATCH}`,
        [folder, after.folder, after.name],
      );
      for (const row of rows)
        yield {
          kind: 'file',
          path: `${base}${row.folder.slice(folder.length)}/${row.name}`,
          contentKey: row.contentKey,
          modifiedAt: row.lastModifiedAt,
        };
      if (rows.length < BATCH) break;
      after = rows.at(-1)!;
    }
  }
}
