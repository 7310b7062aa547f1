import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db, sql } from '@/lib/db';
import { assertCanManageFiles, folderLabel, type FileActor } from '@/lib/documents/file-actions';
import { isFolderTaken, makeFolder } from '@/lib/documents/folder-tree';
import { assertFoldersFree, isLeasedSql, withFolderLease, type FolderLease } from '@/lib/documents/folder-lease';
import { nameOf, parentOf } from '@/lib/documents/folders';
import { isUuid } from '@/lib/documents/queries';
import { untrashDocument } from '@/lib/documents/relocate';
import { purgeDocumentIfFree } from '@/lib/documents/retention';
import { freeName, validateTarget } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { conflictError, invalidInput, notFoundError, notPermittedError } from '@/lib/errors';

/**
 * The trash: documents deleted through WOPI or the portal (their bytes, versions and history
 * kept until retention purges them) and folders deleted from the portal, each folder one entry
 * (a TrashBatch) restored or purged as a whole. Restoring puts things back where they were; a name
 * taken meanwhile is refused (409 `name_conflict`) unless the caller chose `rename` (a free
 * "name (n)") or, for a folder, `merge` (into the folder that exists now; clashing documents get a
 * free name). Deleting forever and emptying the trash are for admins only.
 */

export type TrashEntry = {
  kind: 'document' | 'folder';
  id: string;
  /** The document's name, or the folder's. */
  name: string;
  /** Where it was: the document's folder, or the deleted folder's parent. */
  folder: string;
  /** Documents in the entry (1 for a document). */
  documents: number;
  /** Bytes of the current versions. */
  size: number;
  deletedAt: Date;
  deletedBy: string | null;
};

/** Entries per page of the trash: the default, and the most one request may ask for. */
export const TRASH_PAGE_DEFAULT = 100;
export const TRASH_PAGE_MAX = 200;

/** One page of the trash and the opaque cursor of the next (null on the last page). */
export type TrashPage = { entries: TrashEntry[]; nextCursor: string | null; total: number };

type TrashPosition = { deletedAt: Date; id: string };

const invalidCursor = () =>
  invalidInput('invalid_cursor', 'The cursor is not one this server gave out; start again from the first page.');

/**
 * The cursor after `entry`: base64url of `[deletedAt ISO, id]`. Opaque to clients: they pass back
 * what `nextCursor` said. Timestamps are stored to the millisecond (timestamptz(3)), so the ISO
 * form is exact.
 */
const cursorAfter = (entry: TrashPosition) =>
  Buffer.from(JSON.stringify([entry.deletedAt.toISOString(), entry.id])).toString('base64url');

/** The position a cursor names; 400 `invalid_cursor` for anything `cursorAfter` cannot have made. */
export const parseTrashCursor = (cursor: string): TrashPosition => {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalidCursor();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
  const deletedAt = new Date(at);
  if (Number.isNaN(deletedAt.getTime()) || deletedAt.toISOString() !== at) throw invalidCursor();
  // Postgres's timestamptz ends at 4713 BC (node-pg would send "… BC" and get 22008): no trash
  // entry is older than 1970 or newer than 9999, so nothing outside is a position of ours.
  const year = deletedAt.getUTCFullYear();
  if (year < 1970 || year > 9999) throw invalidCursor();

  return { deletedAt, id };
};

/**
 * The trash, newest first: single documents and deleted folders (one entry each), `limit`
 * (1…200, default 100) at a time after `cursor` (a `nextCursor` of an earlier page). Keyset on
 * (deletedAt, id) descending: an entry deleted between two page loads is newer than every
 * cursor (it appears on a fresh first page, never on a later one), one restored or purged
 * meanwhile simply drops out, so no entry is shown twice or skipped. `total` counts the whole
 * trash now. 400 `invalid_cursor` for a cursor this server did not make.
 */
export const listTrash = async ({
  cursor,
  limit = TRASH_PAGE_DEFAULT,
}: { cursor?: string; limit?: number } = {}): Promise<TrashPage> => {
  const after = cursor === undefined ? null : parseTrashCursor(cursor);
  const take = Math.min(Math.max(Math.trunc(limit), 1), TRASH_PAGE_MAX);
  const [{ rows }, counted] = await Promise.all([
    sql<Omit<TrashEntry, 'size' | 'documents'> & { size: string; documents: string }>(
      `SELECT * FROM (
         SELECT 'document' AS kind, d.id, d.name, d.folder, 1 AS documents, d.size::text AS size,
                d."deletedAt", u.name AS "deletedBy"
           FROM "Document" d LEFT JOIN "User" u ON u.id = d."deletedById"
          WHERE d."deletedAt" IS NOT NULL AND d."trashBatchId" IS NULL
         UNION ALL
         SELECT 'folder', b.id, b.path, b.path, count(d.id), COALESCE(sum(d.size), 0)::text,
                b."deletedAt", u.name
           FROM "TrashBatch" b LEFT JOIN "User" u ON u.id = b."deletedById"
           LEFT JOIN "Document" d ON d."trashBatchId" = b.id AND d."deletedAt" IS NOT NULL
          GROUP BY b.id, u.name) t
        WHERE $1::timestamptz IS NULL OR ("deletedAt", id) < ($1::timestamptz, $2::uuid)
       ORDER BY "deletedAt" DESC, id DESC LIMIT ${take + 1}`,
      [after?.deletedAt ?? null, after?.id ?? null],
    ),
    sql<{ total: string }>(
      `SELECT (SELECT count(*) FROM "Document" WHERE "deletedAt" IS NOT NULL AND "trashBatchId" IS NULL)
            + (SELECT count(*) FROM "TrashBatch") AS total`,
    ),
  ]);
  const entries = rows.slice(0, take).map((row): TrashEntry =>
    row.kind === 'folder'
      ? {
          ...row,
          name: nameOf(row.name),
          folder: parentOf(row.folder) ?? '',
          size: Number(row.size),
          documents: Number(row.documents),
        }
      : { ...row, size: Number(row.size), documents: 1 },
  );

  return {
    entries,
    nextCursor: rows.length > take ? cursorAfter(entries.at(-1)!) : null,
    total: Number(counted.rows[0]?.total ?? 0),
  };
};

export const restoreConflictSchema = z.enum(['fail', 'rename', 'merge']).default('fail');
export type RestoreConflictMode = z.infer<typeof restoreConflictSchema>;

const deletedDocument = (id: string) =>
  isUuid(id)
    ? db.document.findFirst({
        where: { id, deletedAt: { not: null } },
        select: { id: true, folder: true, name: true, trashBatchId: true },
      })
    : null;

const batchOf = (id: string) => (isUuid(id) ? db.trashBatch.findUnique({ where: { id } }) : null);

const audit = (action: string, actor: FileActor, details: Record<string, unknown>, documentId?: string) =>
  recordAudit({ action, outcome: 'success', userId: actor.id, documentId, details: { via: actor.via, ...details } });

/**
 * Puts one deleted document back at folder/name, picking a free name when `isRenaming`
 * (`batchId`: only while it is still in that deleted folder).
 */
const restoreOne = async (
  id: string,
  target: { folder: string; name: string },
  isRenaming: boolean,
  batchId?: string,
) => {
  for (let tries = 0; ; tries++) {
    const name = isRenaming ? await freeName(target.folder, target.name) : target.name;
    const outcome = await untrashDocument({ id, to: validateTarget({ folder: target.folder, name }), batchId });
    if (outcome.ok || outcome.reason === 'gone' || !isRenaming || tries >= 4) return outcome;
  }
};

const restoreDocumentEntry = async (id: string, actor: FileActor, onConflict: RestoreConflictMode) => {
  const doc = await deletedDocument(id);
  // Restored or purged since the caller looked: gone, as for any id not in the trash.
  if (!doc) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
  await assertFoldersFree([doc.folder]);
  const outcome = await restoreOne(id, doc, onConflict !== 'fail');
  if (!outcome.ok && outcome.reason === 'gone')
    throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
  if (!outcome.ok)
    throw conflictError(
      'name_conflict',
      `A document named "${doc.name}" already exists in ${folderLabel(doc.folder)}. Restore it under another name, or move that one away first.`,
      {
        what: 'restore_document',
        name: doc.name,
        folder: doc.folder,
        suggestion: await freeName(doc.folder, doc.name),
      },
    );
  await audit('document.restore', actor, { folder: outcome.folder, name: outcome.name, was: doc.name }, id);

  return { kind: 'document' as const, id, folder: outcome.folder, name: outcome.name, documents: 1 };
};

const freeFolder = async (path: string) => {
  for (let n = 1; n < 1000; n++) {
    const candidate = `${path} (${n})`;
    if (!(await isFolderTaken(candidate))) return candidate;
  }
  throw conflictError('name_conflict', `Too many folders named like "${path}".`, {
    what: 'too_many_folders',
    name: path,
  });
};

/**
 * Restores a deleted folder holding a lease on its path (and on the path it comes back at), so a
 * second restore of the same entry at the same time is refused with 409 `folder_busy` and one
 * after it finds nothing (404). Documents are taken one by one, each only while still in the
 * batch (a purge racing the restore takes the rest); the count is of those restored, and those
 * that could not come back are named in `skipped` (with `skippedCount`) and stay in the trash.
 */
const restoreFolderEntry = async (id: string, actor: FileActor, onConflict: RestoreConflictMode) => {
  const found = await batchOf(id);
  if (!found) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });

  return withFolderLease([found.path], 'folder.restore', async (lease) => {
    const batch = await batchOf(id);
    if (!batch) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });

    return restoreBatch(batch, actor, onConflict, lease);
  });
};

/**
 * A document a folder restore left in the trash: `exists` — a document or another tool's object
 * held its name and every free name tried (`folder` is where it would have gone).
 */
export type TrashSkippedDocument = { id: string; name: string; folder: string; reason: 'exists' };

/** Skipped documents named in a folder restore's answer (`skippedCount` counts them all). */
const SKIPPED_REPORTED_MAX = 100;

const restoreBatch = async (
  batch: { id: string; path: string; folders: string[] },
  actor: FileActor,
  onConflict: RestoreConflictMode,
  lease: FolderLease,
) => {
  const { id } = batch;
  let root = batch.path;
  if (await isFolderTaken(root)) {
    if (onConflict === 'fail')
      throw conflictError(
        'name_conflict',
        `A folder named "${nameOf(root)}" already exists in ${folderLabel(parentOf(root) ?? '')}. Restore it under another name, or into that folder.`,
        {
          what: 'restore_folder',
          name: nameOf(root),
          folder: parentOf(root) ?? '',
          suggestion: nameOf(await freeFolder(root)),
        },
      );
    if (onConflict === 'rename') root = await freeFolder(root);
  }
  await lease.extend([root]);
  const mapped = (folder: string) => root + folder.slice(batch.path.length);
  for (const folder of batch.folders.length > 0 ? batch.folders : [batch.path]) await makeFolder(mapped(folder));
  let restored = 0;
  let renamed = 0;
  const skipped: TrashSkippedDocument[] = [];
  // Keyset on id: a document that cannot come back (taken names all along) is passed, not retried forever.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const docs = await db.document.findMany({
      where: { trashBatchId: id, deletedAt: { not: null }, id: { gt: after } },
      select: { id: true, folder: true, name: true },
      orderBy: { id: 'asc' },
      take: 100,
    });
    if (docs.length === 0) break;
    after = docs.at(-1)!.id;
    for (const doc of docs) {
      lease.assertHeld();
      const outcome = await restoreOne(doc.id, { folder: mapped(doc.folder), name: doc.name }, true, id);
      // `gone`: another request restored or purged it meanwhile, nothing of this restore's.
      if (!outcome.ok && outcome.reason !== 'gone')
        skipped.push({ id: doc.id, name: doc.name, folder: mapped(doc.folder), reason: 'exists' });
      if (!outcome.ok) continue;
      restored++;
      if (outcome.name !== doc.name) renamed++;
      await audit(
        'document.restore',
        actor,
        { folder: outcome.folder, name: outcome.name, folderAction: 'folder.restore' },
        doc.id,
      );
    }
  }
  // The entry goes; documents that could not come back stay in the trash, each an entry of its own.
  await db.trashBatch.deleteMany({ where: { id } });
  await audit('folder.restore', actor, {
    path: root,
    was: batch.path,
    documents: restored,
    renamed,
    ...(skipped.length > 0 ? { skipped: skipped.length } : {}),
  });

  return {
    kind: 'folder' as const,
    id,
    folder: root,
    name: nameOf(root),
    documents: restored,
    renamed,
    skipped: skipped.slice(0, SKIPPED_REPORTED_MAX),
    skippedCount: skipped.length,
  };
};

/**
 * Restores one trash entry (a document or a deleted folder) to where it was. `onConflict`:
 * `fail` (409 `name_conflict` with a suggestion when the name is taken), `rename` (a free name),
 * `merge` (a folder: into the existing one). 404 when nothing in the trash has that id.
 */
export const restoreTrashEntry = async ({
  id,
  actor,
  onConflict = 'fail',
}: {
  id: string;
  actor: FileActor;
  onConflict?: RestoreConflictMode;
}) => {
  assertCanManageFiles(actor);
  if (await deletedDocument(id)) return restoreDocumentEntry(id, actor, onConflict);
  if (await batchOf(id)) return restoreFolderEntry(id, actor, onConflict);
  throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
};

const assertAdmin = (actor: FileActor) => {
  if (actor.role !== 'admin')
    throw notPermittedError('Only administrators can delete from the trash forever.', { what: 'trash_purge' });
};

/** Deletes one trash entry forever (admins): rows, versions and bytes. Returns how many documents went. */
export const purgeTrashEntry = async ({ id, actor }: { id: string; actor: FileActor }) => {
  assertAdmin(actor);
  const doc = await deletedDocument(id);
  const batch = doc ? null : await batchOf(id);
  if (!doc && !batch) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
  let purged = 0;
  // Documents another transaction holds now (a restore, a purge, a commit working on them): never
  // waited for (that ended in a 503 after the transaction timeout), reported as a 409 instead.
  let left = 0;
  if (doc) {
    const outcome = await purgeDocumentIfFree(id);
    if (outcome === 'busy') left = 1;
    // Restored (or purged) by another request since it was read: nothing was deleted here.
    else if (!outcome) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
    else purged = 1;
  }
  if (batch)
    // Leased like a restore: a folder delete still filling this entry (or a restore of it) holds
    // the path, and the purge waits for it (409 `folder_busy`) instead of chasing it.
    purged = await withFolderLease([batch.path], 'folder.purge', async (lease) => {
      if (!(await batchOf(id))) throw notFoundError('Nothing in the trash with that id.', { what: 'trash_entry' });
      let count = 0;
      const busy: string[] = [];
      for (;;) {
        const docs = await db.document.findMany({
          where: { trashBatchId: id, deletedAt: { not: null }, id: { notIn: busy } },
          select: { id: true },
          take: 100,
        });
        if (docs.length === 0) break;
        for (const { id: docId } of docs) {
          lease.assertHeld();
          const outcome = await purgeDocumentIfFree(docId, { userId: actor.id, via: actor.via, trashId: id });
          if (outcome === 'busy') busy.push(docId);
          else if (outcome) count++;
        }
      }
      // The entry stays while any of its documents does (a retry purges them once free).
      if (busy.length === 0) await db.trashBatch.deleteMany({ where: { id } });
      left = busy.length;

      return count;
    });
  // A document's purge carries its id (its whole history is one filter); a folder's documents each got theirs.
  await audit(
    doc ? 'document.purge' : 'folder.purge',
    actor,
    { trashId: id, name: doc?.name ?? batch!.path, documents: purged, ...(left ? { left } : {}) },
    doc ? id : undefined,
  );
  if (left > 0)
    throw conflictError(
      'trash_entry_busy',
      `${left} document(s) of "${doc?.name ?? batch!.path}" are in use by another operation and stay in the trash; ${purged} deleted forever.`,
      { name: doc ? doc.name : batch!.path, purged, left },
    );

  return { id, documents: purged };
};

/** Why Empty trash left an entry: `busy` — another operation held one of its documents (a restore, a
 * purge, a save); `folder_busy` — a folder operation (its delete, restore or purge) is still running on it. */
export type TrashLeftReason = 'busy' | 'folder_busy';

/** A trash entry Empty trash left, as the trash lists it; `documents`: how many of its documents stayed. */
export type TrashLeftEntry = Pick<TrashEntry, 'kind' | 'id' | 'name' | 'folder' | 'documents'> & {
  reason: TrashLeftReason;
};

/**
 * What Empty trash did: `documents` and `folders` (deleted-folder entries) purged; `left`, the
 * entries it could not purge now with the reason (at most LEFT_REPORTED_MAX, the busiest first;
 * `leftCount` counts them all); `isComplete` when nothing was left.
 */
export type EmptyTrashReport = {
  documents: number;
  folders: number;
  isComplete: boolean;
  left: TrashLeftEntry[];
  leftCount: number;
};

/** Left entries named in Empty trash's answer (the count is always whole). */
const LEFT_REPORTED_MAX = 100;

type Candidate = { id: string; name: string; folder: string; trashBatchId: string | null };

/**
 * Deletes everything in the trash forever (admins), in batches, and says what it could not: it
 * never waits for a document another transaction holds (a restore, a purge or a save working on
 * it) — that document stays, reported as `busy` under its entry (the document, or its deleted
 * folder). A deleted folder whose delete (or restore, or purge) is still running is left with its
 * documents as `folder_busy`: its operation holds a lease on the path
 * (lib/documents/folder-lease.ts), and taking its entry from under it would destroy documents
 * trashed after the admin chose, and fail the running delete. A later call purges what was left
 * once it is free. Audited as `trash.emptied` with the counts (`left`: entries left).
 */
export const emptyTrash = async ({ actor }: { actor: FileActor }): Promise<EmptyTrashReport> => {
  assertAdmin(actor);
  let purged = 0;
  const busy = new Map<string, TrashLeftEntry>();
  const busyBatches: Candidate[] = [];
  // Keyset on id: a busy document is passed once, not retried in a loop.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows: docs } = await sql<Candidate>(
      `SELECT d.id, d.name, d.folder, d."trashBatchId" FROM "Document" d
        WHERE d."deletedAt" IS NOT NULL AND starts_with(d.key, $1) AND d.id > $2::uuid
          AND NOT EXISTS (SELECT 1 FROM "TrashBatch" b WHERE b.id = d."trashBatchId" AND ${isLeasedSql('b.path')})
        ORDER BY d.id LIMIT 100`,
      [env.S3_PREFIX, after],
    );
    if (docs.length === 0) break;
    after = docs.at(-1)!.id;
    for (const doc of docs) {
      const outcome = await purgeDocumentIfFree(doc.id, { userId: actor.id, via: actor.via });
      if (outcome === 'busy') {
        if (doc.trashBatchId) busyBatches.push(doc);
        else
          busy.set(doc.id, {
            kind: 'document',
            id: doc.id,
            name: doc.name,
            folder: doc.folder,
            documents: 1,
            reason: 'busy',
          });
      } else if (outcome) purged++;
    }
  }
  // Deleted folders with nothing left in the trash (another S3_PREFIX's stay), and none still
  // being filled: a running delete created its entry after claiming the lease, so one statement
  // that sees the entry sees the lease too.
  const { rowCount } = await sql(
    `DELETE FROM "TrashBatch" b
      WHERE NOT EXISTS (SELECT 1 FROM "Document" d WHERE d."trashBatchId" = b.id AND d."deletedAt" IS NOT NULL)
        AND NOT ${isLeasedSql('b.path')}`,
  );
  const folders = rowCount ?? 0;
  const left = [...busy.values(), ...(await leftFolders(busyBatches))];
  await audit('trash.emptied', actor, { documents: purged, folders, left: left.length });

  return {
    documents: purged,
    folders,
    isComplete: left.length === 0,
    left: left.slice(0, LEFT_REPORTED_MAX),
    leftCount: left.length,
  };
};

/**
 * The deleted-folder entries Empty trash leaves: those whose documents in `busyDocs` were held
 * (`busy`, counting those documents), and those with documents under this S3_PREFIX that a folder
 * operation holds a lease on (`folder_busy`, counting those documents; entries holding only another
 * prefix's documents are that portal's to report).
 */
const leftFolders = async (busyDocs: Candidate[]): Promise<TrashLeftEntry[]> => {
  const heldIn = new Map<string, number>();
  for (const doc of busyDocs) heldIn.set(doc.trashBatchId!, (heldIn.get(doc.trashBatchId!) ?? 0) + 1);
  const { rows } = await sql<{ id: string; path: string; leased: boolean; ours: string }>(
    `SELECT b.id, b.path, ${isLeasedSql('b.path')} AS leased, count(d.id) AS ours
       FROM "TrashBatch" b
       LEFT JOIN "Document" d ON d."trashBatchId" = b.id AND d."deletedAt" IS NOT NULL AND starts_with(d.key, $2)
      WHERE b.id = ANY ($1::uuid[]) OR ${isLeasedSql('b.path')}
      GROUP BY b.id ORDER BY b."deletedAt" DESC, b.id DESC`,
    [[...heldIn.keys()], env.S3_PREFIX],
  );

  return rows.flatMap((row): TrashLeftEntry[] => {
    const entry = { kind: 'folder' as const, id: row.id, name: nameOf(row.path), folder: parentOf(row.path) ?? '' };
    if (row.leased && Number(row.ours) > 0) return [{ ...entry, documents: Number(row.ours), reason: 'folder_busy' }];
    const held = heldIn.get(row.id);

    return held ? [{ ...entry, documents: held, reason: 'busy' }] : [];
  });
};

/**
 * Puts a deleted document back where it was (same id, versions and history); a name taken
 * meanwhile gets a " (n)" suffix. Returns the restored name. (The CLI's and tests' shortcut.)
 */
export const restoreDocument = async (id: string) => {
  const doc = await deletedDocument(id);
  if (!doc) throw notFoundError(`No deleted document ${id}.`, { what: 'trash_entry' });
  const outcome = await restoreOne(id, doc, true);
  if (!outcome.ok) throw notFoundError(`No deleted document ${id}.`, { what: 'trash_entry' });

  return { id, name: outcome.name, folder: outcome.folder };
};
