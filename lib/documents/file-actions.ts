import { z } from 'zod';
import { recordAudit } from '@/lib/audit/audit';
import { db } from '@/lib/db';
import { copyDocument, type CopyOutcome } from '@/lib/documents/copy';
import { assertFoldersFree } from '@/lib/documents/folder-lease';
import { assertDestinationExists } from '@/lib/documents/folder-tree';
import { isUuid, VISIBLE } from '@/lib/documents/queries';
import { relocateDocument, trashDocument, type RelocateOutcome } from '@/lib/documents/relocate';
import { commitUnderFreeName, freeName, validateTarget } from '@/lib/documents/write';
import { conflictError, notFoundError, notPermittedError } from '@/lib/errors';
import type { Role } from '@/lib/generated/prisma/enums';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

/**
 * Rename, move, copy and delete (to the trash) of single documents, for the portal API and the
 * CLI: who may (admins and editors; viewers never), name rules (lib/names.ts via validateTarget),
 * name clashes (409 `name_conflict` with a suggested free name, or `onConflict: "rename"` to take
 * it), documents open in an editor (409 `locked`), a destination folder that does not exist (404
 * `not_found`: nothing is created on the way), a folder another operation is changing (409
 * `folder_busy`, lib/documents/folder-lease.ts), and one audit event per change.
 */

/** Who acts: a signed-in user in the portal, or a shell (`npm run cli`, id null, all rights). */
export type FileActor = { id: string | null; role: Role; via: 'portal' | 'cli' };

export const CLI_FILE_ACTOR: FileActor = { id: null, role: 'admin', via: 'cli' };

/** Throws 403 unless `actor` may change documents and folders (admins and editors). */
export const assertCanManageFiles = (actor: FileActor) => {
  if (actor.role === 'viewer')
    throw notPermittedError('Viewers cannot change documents or folders.', { what: 'viewer_change' });
};

export const onConflictSchema = z.enum(['fail', 'rename']).default('fail');
export type NameConflictMode = z.infer<typeof onConflictSchema>;

/** Parses `input` with `schema`, or throws 400 `invalid_request` listing what is wrong. */
export const parseInput = <T>(schema: z.ZodType<T>, input: unknown): T => {
  const parsed = schema.safeParse(input ?? {}, REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_request', parsed.error, { withPath: true });

  return parsed.data;
};

export const folderLabel = (folder: string) => (folder === '' ? 'Documents' : `"${folder}"`);

/** The DomainError for a refused relocation or copy (`locked`, `exists`, `gone`). */
export const refusal = async (outcome: Extract<RelocateOutcome, { ok: false }>, folder: string) => {
  if (outcome.reason === 'locked')
    return conflictError('locked', `"${outcome.name}" is open for editing; try again when it is closed.`, {
      what: 'named',
      name: outcome.name,
    });
  if (outcome.reason === 'gone') return notFoundError('The document no longer exists.', { what: 'document_gone' });

  return conflictError(
    'name_conflict',
    `A document named "${outcome.name}" already exists in ${folderLabel(folder)}.`,
    { what: 'document', name: outcome.name, folder, suggestion: await freeName(folder, outcome.name) },
  );
};

const visibleDocument = async (id: string) => {
  const row = isUuid(id)
    ? await db.document.findFirst({ where: { id, ...VISIBLE }, select: { id: true, folder: true, name: true } })
    : null;
  if (!row) throw notFoundError(`No document ${id}.`, { what: 'document', id });

  return row;
};

type Target = { folder: string; name: string };

/**
 * Runs `attempt` against `target`; with `rename`, a taken name becomes a free "name (n).ext",
 * another one while concurrent requests take them first (commitUnderFreeName). Throws the
 * refusal otherwise, or once every try found its name taken (409 `name_conflict`).
 */
const withFreeName = async <T extends { ok: true }>(
  target: Target,
  onConflict: NameConflictMode,
  attempt: (to: Target) => Promise<T | Extract<RelocateOutcome, { ok: false }>>,
): Promise<T> => {
  const { outcome } =
    onConflict === 'rename'
      ? await commitUnderFreeName({
          folder: target.folder,
          name: target.name,
          commit: (name) => attempt({ ...target, name }),
          isTaken: (result) => !result.ok && result.reason === 'exists',
        })
      : { outcome: await attempt(target) };
  if (outcome.ok) return outcome;
  throw await refusal(outcome, target.folder);
};

type ChangeInput = { id: string; actor: FileActor; onConflict?: NameConflictMode };

const audit = (action: string, actor: FileActor, documentId: string, details: Record<string, unknown>) =>
  recordAudit({ action, outcome: 'success', userId: actor.id, documentId, details: { via: actor.via, ...details } });

/** Renames a document in its folder (`name` is the full new name, extension included). */
export const renameDocument = async ({ id, name, actor, onConflict = 'fail' }: ChangeInput & { name: string }) => {
  assertCanManageFiles(actor);
  const doc = await visibleDocument(id);
  const target = validateTarget({ folder: doc.folder, name });
  await assertFoldersFree([doc.folder]);
  const moved = await withFreeName(target, onConflict, (to) => relocateDocument({ id, to, userId: actor.id }));
  if (!moved.isUnchanged)
    await audit('document.rename', actor, id, { from: doc.name, to: moved.name, folder: doc.folder });

  return { id, folder: moved.folder, name: moved.name };
};

/** Moves a document into `folder` (kept name), which must exist (404 `not_found` otherwise). */
export const moveDocument = async ({ id, folder, actor, onConflict = 'fail' }: ChangeInput & { folder: string }) => {
  assertCanManageFiles(actor);
  const doc = await visibleDocument(id);
  const target = validateTarget({ folder, name: doc.name });
  await assertDestinationExists(target.folder);
  await assertFoldersFree([doc.folder, target.folder]);
  const moved = await withFreeName(target, onConflict, (to) => relocateDocument({ id, to, userId: actor.id }));
  if (!moved.isUnchanged)
    await audit('document.move', actor, id, { from: doc.folder, to: moved.folder, name: moved.name, was: doc.name });

  return { id, folder: moved.folder, name: moved.name };
};

/**
 * Copies a document into `folder` (which must exist: 404 `not_found` otherwise) as `name`
 * (default: its own name); returns the new document.
 */
export const copyDocumentTo = async ({
  id,
  folder,
  name,
  actor,
  onConflict = 'fail',
}: ChangeInput & { folder: string; name?: string }) => {
  assertCanManageFiles(actor);
  const doc = await visibleDocument(id);
  const target = validateTarget({ folder, name: name ?? doc.name });
  await assertDestinationExists(target.folder);
  await assertFoldersFree([target.folder]);
  const copied = await withFreeName<Extract<CopyOutcome, { ok: true }>>(target, onConflict, (to) =>
    copyDocument({ id, to, userId: actor.id }),
  );
  await audit('document.copy', actor, copied.id, {
    sourceId: id,
    from: { folder: doc.folder, name: doc.name },
    to: { folder: copied.folder, name: copied.name },
  });

  return { id: copied.id, sourceId: id, folder: copied.folder, name: copied.name };
};

/**
 * Moves a document to the trash (restorable from /trash). Refused while it is open for editing.
 * Answers and audits the folder and name it had when it went (read under the row lock, so a
 * rename that committed just before is reflected).
 */
export const deleteDocument = async ({ id, actor }: Omit<ChangeInput, 'onConflict'>) => {
  assertCanManageFiles(actor);
  const doc = await visibleDocument(id);
  await assertFoldersFree([doc.folder]);
  const outcome = await trashDocument({ id, userId: actor.id });
  if (!outcome.ok) throw await refusal(outcome, doc.folder);
  await audit('document.delete', actor, id, { folder: outcome.folder, name: outcome.name });

  return { id, folder: outcome.folder, name: outcome.name };
};
