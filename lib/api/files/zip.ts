import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { badRequest } from '@/lib/api/errors';
import { nameOf } from '@/lib/documents/folders';
import { parseFolderPath } from '@/lib/documents/folder-actions';
import { checkZipSelection, zipEntries } from '@/lib/documents/zip-entries';
import { log } from '@/lib/log';
import { getObjectNodeStream } from '@/lib/storage/objects';

const contentDisposition = (name: string) => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');

  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
};

/** Feeds the archive one entry at a time: the next object is only opened once the previous one is in. */
const fill = async (archive: ZipArchive, selection: { ids: string[]; folders: string[] }) => {
  for await (const entry of zipEntries(selection)) {
    if (entry.kind === 'directory') {
      archive.append('', { name: entry.path, type: 'directory' });
      continue;
    }
    const { body } = await getObjectNodeStream(entry.contentKey);
    const added = new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        archive.off('entry', onEntry);
        archive.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      const onEntry = () => settle();
      archive.on('entry', onEntry);
      archive.on('error', settle);
    });
    // Office files are already compressed: stored, not deflated again (less CPU, same size).
    archive.append(body, { name: entry.path, date: entry.modifiedAt, store: true });
    await added;
  }
  await archive.finalize();
};

/**
 * GET /api/zip?id=…&id=…&folder=…: a zip of the chosen documents and whole folders, streamed as
 * it is made (archiver; a ListObjects-free walk of the database in batches, one S3 object open at
 * a time, output backpressured by the client), so no archive is ever held in memory or on disk.
 * 400 with nothing chosen or an empty `folder=` (the top folder: rule `top_folder`, field
 * `folder`), 404 naming what does not exist (checked before the first byte).
 * Repeats are dropped (checkZipSelection): every entry is in the archive once.
 */
export const zipDownload = async (request: Request) => {
  const url = new URL(request.url);
  const chosen = {
    ids: url.searchParams.getAll('id'),
    folders: url.searchParams.getAll('folder').map(parseFolderPath),
  };
  // The top folder has no name and no row to choose it by: zip its folders and documents instead.
  if (chosen.folders.includes('')) {
    const problem =
      'folder is empty: the top folder cannot be downloaded as a zip; choose the folders or documents in it.';
    throw badRequest('invalid_request', problem, { field: 'folder', rule: 'top_folder', problem });
  }
  if (chosen.ids.length + chosen.folders.length === 0)
    throw badRequest('invalid_request', 'Choose documents or folders to download.', { rule: 'empty_selection' });
  // Each document and folder once: a folder given twice, or inside another chosen folder, and a
  // document inside a chosen folder are in the archive once, where the outer folder puts them.
  const { ids, folders } = await checkZipSelection(chosen);
  const archive = new ZipArchive({ zlib: { level: 6 } });
  archive.on('warning', (warning) => log.warn({ err: warning }, 'zip warning'));
  fill(archive, { ids, folders }).catch((error: unknown) => {
    log.error({ err: error }, 'zip download cut short');
    archive.destroy(error as Error);
  });
  const name = ids.length === 0 && folders.length === 1 ? `${nameOf(folders[0]!)}.zip` : 'documents.zip';

  return new Response(Readable.toWeb(archive) as ReadableStream<Uint8Array>, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': contentDisposition(name),
      'Cache-Control': 'private, no-store',
    },
  });
};
