import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db } from '@/lib/db';
import { copyDocument } from '@/lib/documents/copy';
import { assertCanManageFiles, type FileActor } from '@/lib/documents/file-actions';
import {
  countUnder,
  documentsUnder,
  foldersUnder,
  isFolderTaken,
  lockedUnder,
  makeFolder,
  reconcileTree,
  removeEmptyFolders,
  type TreeDocument,
} from '@/lib/documents/folder-tree';
import { nameOf, parentOf } from '@/lib/documents/folders';
import { relocateDocument, trashDocument } from '@/lib/documents/relocate';
import { validateTarget } from '@/lib/documents/write';
import { conflictError, DomainError, invalidInput, notFoundError } from '@/lib/errors';
import { normalizeName } from '@/lib/names';
import { parseFolder } from '@/lib/storage/keys';

/**
 * New folder, and rename, move, copy and delete of whole folders. A folder is an S3 prefix, so
 * each of these is a per-document operation (lib/documents/relocate.ts, copy.ts) over the
 * folder's documents, read in batches after the folder tree has been reconciled with the bucket.
 * Each document's change is atomic; a crash midway leaves each document wholly in the old or the
 * new place, and running the same operation again with `onConflict: "merge"` finishes it (the
 * documents still in the old place move into the partly filled new one). A document open in an
 * editor stops a move, rename or delete before it starts (409 `locked`, naming the documents);
 * one opened while the operation runs stays where it is and is reported in `skipped`.
 */

export const folderConflictSchema = z.enum(['fail', 'rename', 'merge']).default('fail');
export type FolderConflictMode = z.infer<typeof folderConflictSchema>;

export type Skipped = { id: string; folder: string; name: string; reason: 'locked' | 'exists' | 'gone' | 'invalid' };

/** What a folder operation did: the folder's final path and a count of documents changed. */
export type FolderReport = { path: string; documents: number; skipped: Skipped[] };

const SKIPPED_REPORTED_MAX = 100;

/** A user-given folder path, normalised; 400 `invalid_folder` when it cannot be one. */
export const parseFolderPath = (input: string) => {
  const parsed = parseFolder(normalizeName(input));
  if ('problem' in parsed) throw invalidInput('invalid_folder', parsed.problem, parsed.issue);

  return parsed.folder;
};

/** A folder path that must exist (reconciling its parent first: it may be only in the bucket). */
const existingFolder = async (input: string) => {
  const path = parseFolderPath(input);
  if (path === '') throw invalidInput('invalid_folder', 'The top folder cannot be changed.', { rule: 'top' });
  if (!(await db.folder.findUnique({ where: { path }, select: { path: true } })))
    await reconcileTree(parentOf(path) ?? '').catch(() => undefined);
  if (!(await isFolderTaken(path))) throw notFoundError(`No folder "${path}".`, { what: 'folder', path });

  return path;
};

const joinPath = (parent: string, name: string) => (parent ? `${parent}/${name}` : name);

/** `name` in `parent` if free, else "name (1)", "name (2)", … */
const freeFolderPath = async (parent: string, name: string) => {
  for (let n = 0; n < 1000; n++) {
    const path = joinPath(parent, n === 0 ? name : `${name} (${n})`);
    if (!(await isFolderTaken(path))) return path;
  }
  throw conflictError('name_conflict', `Too many folders named like "${name}".`, { what: 'too_many_folders', name });
};

/**
 * Where a folder operation ends up: `parent`/`name` checked against the name rules; a taken one
 * is refused (409 `name_conflict` with a suggestion), renamed, or merged into, per `onConflict`.
 */
const destination = async (parent: string, name: string, onConflict: FolderConflictMode) => {
  const target = validateTarget({ folder: parent, name });
  const path = joinPath(target.folder, target.name);
  if (!(await isFolderTaken(path)) || onConflict === 'merge') return path;
  if (onConflict === 'rename') return freeFolderPath(target.folder, target.name);
  const suggestion = nameOf(await freeFolderPath(target.folder, target.name));
  throw conflictError(
    'name_conflict',
    `A folder named "${target.name}" already exists in ${target.folder ? `"${target.folder}"` : 'Documents'}.`,
    { what: 'folder', name: target.name, folder: target.folder, suggestion },
  );
};

/** 409 `locked` naming the documents an editor holds open in `path`, if any. */
const refuseIfLocked = async (path: string, now: Date) => {
  const locked = await lockedUnder(path, now);
  if (locked.length === 0) return;
  const names = locked.map((doc) => `"${joinPath(doc.folder, doc.name)}"`);
  throw conflictError(
    'locked',
    `${locked.length === 1 ? `${names[0]} is` : `${names.join(', ')} are`} open for editing; try again when ${locked.length === 1 ? 'it is' : 'they are'} closed.`,
    {
      what: 'documents',
      documents: locked,
      names: locked.map((doc) => joinPath(doc.folder, doc.name)),
      count: locked.length,
    },
  );
};

const audit = (action: string, actor: FileActor, details: Record<string, unknown>, documentId?: string) =>
  recordAudit({ action, outcome: 'success', userId: actor.id, documentId, details: { via: actor.via, ...details } });

type Step = (doc: TreeDocument, folder: string) => Promise<{ ok: true } | { ok: false; reason: Skipped['reason'] }>;

/** Runs `step` for every document in `from`, mapping its folder into `to`; counts and skips. */
const eachDocument = async (
  from: string,
  to: string,
  step: Step,
  onProgress?: (done: number) => void | Promise<void>,
) => {
  const report = { documents: 0, skipped: [] as Skipped[], skippedCount: 0 };
  for await (const batch of documentsUnder(from)) {
    for (const doc of batch) {
      const folder = to + doc.folder.slice(from.length);
      let outcome: Awaited<ReturnType<Step>>;
      try {
        outcome = await step(doc, folder);
      } catch (error) {
        // A name that no longer fits under the longer path: left where it is, reported.
        if (!(error instanceof DomainError && error.kind === 'invalid')) throw error;
        outcome = { ok: false, reason: 'invalid' };
      }
      if (outcome.ok) report.documents++;
      else {
        report.skippedCount++;
        if (report.skipped.length < SKIPPED_REPORTED_MAX) report.skipped.push({ ...doc, reason: outcome.reason });
      }
      await onProgress?.(report.documents + report.skippedCount);
    }
  }

  return report;
};

/** Makes every folder of `from`'s tree under `to` (empty ones included). */
const copyTree = async (from: string, to: string) => {
  for (const path of await foldersUnder(from)) await makeFolder(to + path.slice(from.length));
  await makeFolder(to);
};

/**
 * Progress of one folder operation: `onStart(total)` once every check has passed (role, input,
 * name, locks) and before the first document changes, with the number of documents it will go
 * through; then `onProgress(done)` after each document (done or skipped). Neither is called
 * when the operation is refused or has nothing to do.
 */
export type FolderProgress = {
  onStart?: (total: number) => void;
  onProgress?: (done: number) => void | Promise<void>;
};

type FolderInput = {
  path: string;
  actor: FileActor;
  onConflict?: FolderConflictMode;
} & FolderProgress;

/** A new, empty folder `name` in `parent` (which must exist). Returns its path. */
export const createFolder = async ({
  parent,
  name,
  actor,
  onConflict = 'fail',
}: {
  parent: string;
  name: string;
  actor: FileActor;
  onConflict?: 'fail' | 'rename';
}) => {
  assertCanManageFiles(actor);
  const parentPath = parseFolderPath(parent);
  if (parentPath !== '' && !(await isFolderTaken(parentPath)))
    throw notFoundError(`No folder "${parentPath}".`, { what: 'folder', path: parentPath });
  const path = await destination(parentPath, name, onConflict);
  await makeFolder(path);
  await audit('folder.create', actor, { path });

  return { path, name: nameOf(path), parent: parentPath };
};

/**
 * Moves the folder at `path` (its documents, subfolders and empty folders) to `to` = parent +
 * name. Refused into itself or a folder inside it (400), while a document in it is open (409).
 */
const relocateFolder = async ({
  path: input,
  parent,
  name,
  actor,
  onConflict = 'fail',
  action,
  onStart,
  onProgress,
}: FolderInput & { parent: string; name: string; action: 'folder.move' | 'folder.rename' }) => {
  assertCanManageFiles(actor);
  const from = await existingFolder(input);
  const parentPath = parseFolderPath(parent);
  const wanted = joinPath(parentPath, normalizeName(name));
  if (wanted === from) return { path: from, documents: 0, skipped: [] } satisfies FolderReport;
  if (parentPath === from || parentPath.startsWith(`${from}/`))
    throw invalidInput('invalid_destination', `A folder cannot be moved into itself or a folder inside it.`, {
      what: 'move',
    });
  const now = new Date();
  await reconcileTree(from);
  await refuseIfLocked(from, now);
  const to = await destination(parentPath, name, onConflict);
  onStart?.(await countUnder(from));
  await copyTree(from, to);
  const report = await eachDocument(
    from,
    to,
    async (doc, folder) => {
      const moved = await relocateDocument({
        id: doc.id,
        to: validateTarget({ folder, name: doc.name }),
        userId: actor.id,
      });
      if (moved.ok)
        await audit(
          'document.move',
          actor,
          { from: doc.folder, to: folder, name: doc.name, folderAction: action },
          doc.id,
        );

      return moved;
    },
    onProgress,
  );
  await removeEmptyFolders(from);
  await audit(action, actor, { from, to, documents: report.documents, skipped: report.skippedCount });

  return { path: to, documents: report.documents, skipped: report.skipped } satisfies FolderReport;
};

/** Renames a folder in place (same parent). */
export const renameFolder = ({ path, name, ...rest }: FolderInput & { name: string }) =>
  relocateFolder({ path, parent: parentOf(parseFolderPath(path)) ?? '', name, action: 'folder.rename', ...rest });

/** Moves a folder into `to` (an existing or new parent folder; "" is the top), keeping its name. */
export const moveFolder = ({ path, to, ...rest }: FolderInput & { to: string }) =>
  relocateFolder({ path, parent: to, name: nameOf(parseFolderPath(path)), action: 'folder.move', ...rest });

/** Copies a folder's tree into `to` as `name` (default: its own); the source is unchanged. */
export const copyFolder = async ({
  path: input,
  to: parent,
  name,
  actor,
  onConflict = 'fail',
  onStart,
  onProgress,
}: FolderInput & { to: string; name?: string }): Promise<FolderReport> => {
  assertCanManageFiles(actor);
  const from = await existingFolder(input);
  const parentPath = parseFolderPath(parent);
  if (parentPath === from || parentPath.startsWith(`${from}/`))
    throw invalidInput('invalid_destination', 'A folder cannot be copied into itself or a folder inside it.', {
      what: 'copy',
    });
  await reconcileTree(from);
  const to = await destination(parentPath, name ?? nameOf(from), onConflict);
  onStart?.(await countUnder(from));
  await copyTree(from, to);
  const report = await eachDocument(
    from,
    to,
    async (doc, folder) => {
      const copied = await copyDocument({
        id: doc.id,
        to: validateTarget({ folder, name: doc.name }),
        userId: actor.id,
      });
      if (copied.ok)
        await audit(
          'document.copy',
          actor,
          { sourceId: doc.id, from: doc.folder, to: folder, name: doc.name, folderAction: 'folder.copy' },
          copied.id,
        );

      return copied;
    },
    onProgress,
  );
  await audit('folder.copy', actor, { from, to, documents: report.documents, skipped: report.skippedCount });

  return { path: to, documents: report.documents, skipped: report.skipped };
};

/**
 * Moves a folder's documents to the trash together (one TrashBatch: one entry on /trash, restored
 * together) and removes the folder. Refused while a document in it is open for editing.
 */
export const deleteFolder = async ({ path: input, actor, onStart, onProgress }: Omit<FolderInput, 'onConflict'>) => {
  assertCanManageFiles(actor);
  const from = await existingFolder(input);
  const now = new Date();
  await reconcileTree(from);
  await refuseIfLocked(from, now);
  onStart?.(await countUnder(from));
  const batchId = randomUUID();
  await db.trashBatch.create({
    data: { id: batchId, path: from, folders: await foldersUnder(from), deletedAt: now, deletedById: actor.id },
  });
  const report = await eachDocument(
    from,
    from,
    async (doc) => {
      const trashed = await trashDocument({ id: doc.id, userId: actor.id, batchId, now });
      if (trashed.ok)
        await audit(
          'document.delete',
          actor,
          { folder: doc.folder, name: doc.name, folderAction: 'folder.delete' },
          doc.id,
        );

      return trashed;
    },
    onProgress,
  );
  await removeEmptyFolders(from);
  await audit('folder.delete', actor, {
    path: from,
    batchId,
    documents: report.documents,
    skipped: report.skippedCount,
  });

  return { path: from, batchId, documents: report.documents, skipped: report.skipped };
};

/** The subfolders of `parent` (for the CLI), by name. */
export const listFolders = async (parent: string) => {
  const path = parseFolderPath(parent);

  return db.folder.findMany({ where: { parent: path }, select: { path: true, name: true }, orderBy: { name: 'asc' } });
};
