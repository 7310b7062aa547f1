import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db } from '@/lib/db';
import { copyDocument } from '@/lib/documents/copy';
import { assertCanManageFiles, type FileActor } from '@/lib/documents/file-actions';
import {
  assertDestinationExists,
  countUnder,
  documentsUnder,
  foldersUnder,
  isFolderTaken,
  lockedUnder,
  longestDocumentUnder,
  makeFolder,
  makeNewFolder,
  reconcileTree,
  removeEmptyFolders,
  type TreeDocument,
} from '@/lib/documents/folder-tree';
import { assertFoldersFree, withFolderLease, type FolderLease } from '@/lib/documents/folder-lease';
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
 *
 * Concurrency: each operation first leases its folders (the source and the destination,
 * lib/documents/folder-lease.ts), so two operations on the same folder, or on a folder and one
 * above or below it, never interleave: the second is refused with 409 `folder_busy` before any
 * work. And each per-document step changes a document only while it is still where the
 * operation found it (folder and name, re-checked under its row lock): one a single-document
 * request moved, renamed or deleted meanwhile is skipped as `gone`, never pulled back. Counts in
 * the answer and the audit are of what each step did.
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

/**
 * 400 (`invalid_name`, the check and message of a new folder and of an upload) when a folder or
 * document of `from`'s tree would not fit S3's key length under `to`; before anything is made.
 */
const assertTreeFits = async (from: string, to: string) => {
  const mapped = (path: string) => to + path.slice(from.length);
  for (const path of await foldersUnder(from)) {
    const target = mapped(path);
    validateTarget({ folder: parentOf(target) ?? '', name: nameOf(target) });
  }
  const longest = await longestDocumentUnder(from);
  if (longest) validateTarget({ folder: mapped(longest.folder), name: longest.name });
};

/**
 * Runs `step` for every document in `from`, mapping its folder into `to`; counts and skips. The
 * step gets the document as read (`doc.folder`, `doc.name`): it must act only while it is still
 * there. Before each step the operation's folder lease must still be held (503
 * `database_unavailable` once it may have lapsed: lib/documents/folder-lease.ts).
 */
const eachDocument = async (
  lease: FolderLease,
  from: string,
  to: string,
  step: Step,
  onProgress?: (done: number) => void | Promise<void>,
) => {
  const report = { documents: 0, skipped: [] as Skipped[], skippedCount: 0 };
  for await (const batch of documentsUnder(from)) {
    for (const doc of batch) {
      lease.assertHeld();
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
  await assertFoldersFree([parentPath]);
  // The row's unique path decides between two requests for the same name: the loser sees it taken.
  for (let tries = 0; ; tries++) {
    const path = await destination(parentPath, name, onConflict);
    if (await makeNewFolder(path)) {
      await audit('folder.create', actor, { path });

      return { path, name: nameOf(path), parent: parentPath };
    }
    if (tries >= 4)
      throw conflictError('name_conflict', `Could not find a free name like "${name}"; try again.`, {
        what: 'no_free_folder_name',
        name,
      });
  }
};

/**
 * The work of a folder move or copy once its input is checked: leases `from` and `wanted` (409
 * `folder_busy`), checks again holding the lease that `from` exists, reconciles its tree with the
 * bucket, (move only) refuses while a document in it is open (409 `locked`), settles the
 * destination `parentPath`/`name` per `onConflict`, checks every path fits (400 `invalid_name`),
 * makes the folder tree there, then moves or copies each document (each atomic, each audited as
 * `document.move` / `document.copy` with `folderAction`), removes the emptied source (move) and
 * audits `action`. Returns where the folder ended up and what was done or skipped.
 */
const transferTree = async ({
  kind,
  from,
  wanted,
  parentPath,
  name,
  onConflict,
  action,
  actor,
  onStart,
  onProgress,
}: {
  kind: 'move' | 'copy';
  from: string;
  wanted: string;
  parentPath: string;
  name: string;
  onConflict: FolderConflictMode;
  action: 'folder.move' | 'folder.rename' | 'folder.copy';
  actor: FileActor;
} & FolderProgress): Promise<FolderReport> =>
  withFolderLease([from, wanted], action, async (lease) => {
    // Checked again holding the lease: an operation that ended just before may have moved it.
    await existingFolder(from);
    await reconcileTree(from);
    if (kind === 'move') await refuseIfLocked(from, new Date());
    const to = await destination(parentPath, name, onConflict);
    await lease.extend([to]);
    await assertTreeFits(from, to);
    onStart?.(await countUnder(from));
    await copyTree(from, to);
    const report = await eachDocument(
      lease,
      from,
      to,
      async (doc, folder) => {
        const request = {
          id: doc.id,
          to: validateTarget({ folder, name: doc.name }),
          userId: actor.id,
          expected: { folder: doc.folder, name: doc.name },
        };
        if (kind === 'move') {
          const moved = await relocateDocument(request);
          if (moved.ok)
            await audit(
              'document.move',
              actor,
              { from: doc.folder, to: folder, name: doc.name, folderAction: action },
              doc.id,
            );

          return moved;
        }
        const copied = await copyDocument(request);
        if (copied.ok)
          await audit(
            'document.copy',
            actor,
            { sourceId: doc.id, from: doc.folder, to: folder, name: doc.name, folderAction: action },
            copied.id,
          );

        return copied;
      },
      onProgress,
    );
    if (kind === 'move') await removeEmptyFolders(from);
    await audit(action, actor, { from, to, documents: report.documents, skipped: report.skippedCount });

    return { path: to, documents: report.documents, skipped: report.skipped };
  });

/**
 * Moves the folder at `path` (its documents, subfolders and empty folders) to `to` = parent +
 * name. Refused into itself or a folder inside it (400), into a parent that does not exist (404),
 * when a path would grow too long (400 `invalid_name`), while a document in it is open (409
 * `locked`) or another operation changes it (409 `folder_busy`).
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
  await assertDestinationExists(parentPath);

  return transferTree({ kind: 'move', from, wanted, parentPath, name, onConflict, action, actor, onStart, onProgress });
};

/** Renames a folder in place (same parent). */
export const renameFolder = ({ path, name, ...rest }: FolderInput & { name: string }) =>
  relocateFolder({ path, parent: parentOf(parseFolderPath(path)) ?? '', name, action: 'folder.rename', ...rest });

/** Moves a folder into `to` (an existing folder, else 404; "" is the top), keeping its name. */
export const moveFolder = ({ path, to, ...rest }: FolderInput & { to: string }) =>
  relocateFolder({ path, parent: to, name: nameOf(parseFolderPath(path)), action: 'folder.move', ...rest });

/**
 * Copies a folder's tree into `to` (an existing folder, else 404) as `name` (default: its own);
 * the source is unchanged. It is leased like a move (a copy racing a move of its source would
 * copy a part of it): 409 `folder_busy` while another operation changes either folder.
 */
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
  await assertDestinationExists(parentPath);
  const wanted = joinPath(parentPath, normalizeName(name ?? nameOf(from)));

  return transferTree({
    kind: 'copy',
    from,
    wanted,
    parentPath,
    name: name ?? nameOf(from),
    onConflict,
    action: 'folder.copy',
    actor,
    onStart,
    onProgress,
  });
};

/**
 * Moves a folder's documents to the trash together (one TrashBatch: one entry on /trash, restored
 * together) and removes the folder. Refused while a document in it is open for editing (409
 * `locked`) or another operation changes it (409 `folder_busy`: two deletes at once make one entry).
 */
export const deleteFolder = async ({ path: input, actor, onStart, onProgress }: Omit<FolderInput, 'onConflict'>) => {
  assertCanManageFiles(actor);
  const from = await existingFolder(input);

  return withFolderLease([from], 'folder.delete', async (lease) => {
    await existingFolder(from);
    const now = new Date();
    await reconcileTree(from);
    await refuseIfLocked(from, now);
    onStart?.(await countUnder(from));
    const batchId = randomUUID();
    await db.trashBatch.create({
      data: { id: batchId, path: from, folders: await foldersUnder(from), deletedAt: now, deletedById: actor.id },
    });
    const report = await eachDocument(
      lease,
      from,
      from,
      async (doc) => {
        const trashed = await trashDocument({
          id: doc.id,
          userId: actor.id,
          batchId,
          now,
          expected: { folder: doc.folder, name: doc.name },
        });
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
  });
};

/** The subfolders of `parent` (for the CLI), by name. */
export const listFolders = async (parent: string) => {
  const path = parseFolderPath(parent);

  return db.folder.findMany({ where: { parent: path }, select: { path: true, name: true }, orderBy: { name: 'asc' } });
};
