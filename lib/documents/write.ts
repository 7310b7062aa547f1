import type { Readable } from 'node:stream';
import { conflictError, invalidInput, tooLargeError } from '@/lib/errors';
import { db } from '@/lib/db';
import type { ConflictMode } from '@/lib/documents/types';
import { commitBlobAt, discardBlob, stageContent } from '@/lib/documents/content';
import { assertFoldersFree } from '@/lib/documents/folder-lease';
import { fitName, nameIssue, nameIssueText, normalizeName } from '@/lib/names';
import { documentKey, INTERNAL_FOLDER, isKeyTooLong, nameBudget, parseFolder } from '@/lib/storage/keys';
import { ObjectTooLargeError } from '@/lib/storage/objects';

export type UploadInput = {
  folder: string;
  name: string;
  body: ReadableStream<Uint8Array> | Readable;
  /** The body's declared length (a request's Content-Length, a file's size), when known. */
  size?: number;
  contentType?: string;
  userId: string | null;
  onConflict: ConflictMode;
  maxBytes: number;
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
};

export type UploadResult = {
  id: string;
  name: string;
  folder: string;
  size: number;
  sha256: string;
  version: number;
  replaced: boolean;
};

/** Validates and normalises a folder + name pair, throwing a 400 that says what is wrong. */
export const validateTarget = (target: { folder: string; name: string }) => {
  const name = normalizeName(target.name);
  const parsed = parseFolder(normalizeName(target.folder));
  if ('problem' in parsed) throw invalidInput('invalid_folder', parsed.problem, parsed.issue);
  const issue = nameIssue(name, { maxBytes: nameBudget(parsed.folder) });
  if (issue) throw invalidInput('invalid_name', nameIssueText(issue), issue);
  if (parsed.folder === '' && name === INTERNAL_FOLDER)
    throw invalidInput('invalid_name', `"${INTERNAL_FOLDER}" is reserved.`, {
      rule: 'reserved',
      reserved: INTERNAL_FOLDER,
    });
  const key = documentKey({ folder: parsed.folder, name });
  if (isKeyTooLong(key))
    throw invalidInput('invalid_name', 'The folder and name together are too long.', { rule: 'key_too_long' });

  return { folder: parsed.folder, name, key };
};

/** `name` with " (n)" before its extension: "a.docx", 2 → "a (2).docx"; "Reports", 1 → "Reports (1)". */
export const withSuffix = (name: string, n: number) => {
  const dot = name.lastIndexOf('.');

  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
};

/**
 * The first of "name", "name (1)", "name (2)", … that no visible document uses, each shortened
 * (extension kept) to the folder's name budget so a suffix never makes a name too long.
 */
export const freeName = async (folder: string, name: string) => {
  const budget = nameBudget(folder);
  for (let n = 0; n < 1000; n++) {
    const candidate = fitName(n === 0 ? name : withSuffix(fitName(name, budget - ` (${n})`.length), n), budget);
    const existing = await db.document.findUnique({
      where: { key: documentKey({ folder, name: candidate }) },
      select: { missingSince: true },
    });
    if (!existing) return candidate;
  }
  throw conflictError('name_conflict', `Too many documents named like "${name}".`, {
    what: 'too_many_documents',
    name,
  });
};

/**
 * Before sending any bytes: would this name be refused (throws invalid_name/invalid_folder), or
 * clash with a document? `{ exists: false }`, or `{ exists: true, suggestion, locked }` where
 * `suggestion` is the free "name (n)" that "Keep both" would use and `locked` says the document
 * is open in an editor now (a WOPI lock that has not expired), so "Replace" would be refused.
 */
export const checkUploadTarget = async ({ folder, name }: { folder: string; name: string }) => {
  const target = validateTarget({ folder, name });
  const current = await existingAt(target.key);
  if (!current || current.missingSince) return { exists: false as const };
  const [suggestion, lock] = await Promise.all([
    freeName(target.folder, name),
    db.lock.findFirst({
      where: { documentId: current.id, expiresAt: { gt: new Date() } },
      select: { documentId: true },
    }),
  ]);

  return { exists: true as const, suggestion, locked: lock !== null };
};

const existingAt = (key: string) =>
  db.document.findUnique({ where: { key }, select: { id: true, missingSince: true } });

/**
 * Streams an upload into a new blob, then commits it (lib/documents/content.ts): a new document,
 * or a new version of the one with the same name (`replace`, refused while an editor holds a
 * WOPI lock on it). Readers never see a partial or mixed body. Refused with 409 `folder_busy`
 * while a folder operation (a delete, move, rename…) holds the folder or one above it — checked
 * before the bytes are read and again just before the commit — so nothing is saved into a
 * folder that is going to the trash or moving away (portal upload, New document, CLI alike).
 */
export const uploadDocument = async (input: UploadInput): Promise<UploadResult> => {
  const target = validateTarget(input);
  await assertFoldersFree([target.folder]);
  let name = target.name;
  const current = await existingAt(target.key);
  if (current && !current.missingSince) {
    if (input.onConflict === 'fail') {
      throw conflictError('name_conflict', `A document named "${name}" already exists in this folder.`, {
        what: 'document_here',
        name,
        suggestion: await freeName(target.folder, name),
      });
    }
    if (input.onConflict === 'rename') name = await freeName(target.folder, name);
  }

  let staged: Awaited<ReturnType<typeof stageContent>>;
  try {
    staged = await stageContent({
      body: input.body,
      size: input.size,
      contentType: input.contentType,
      maxBytes: input.maxBytes,
      onProgress: input.onProgress,
      signal: input.signal,
    });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) throw tooLargeError(error.limit);
    throw error;
  }
  try {
    await assertFoldersFree([target.folder]);
  } catch (error) {
    await discardBlob(staged.blobKey);
    throw error;
  }
  const outcome = await commitBlobAt({
    folder: target.folder,
    name,
    ...staged,
    userId: input.userId,
    now: new Date(),
    replace: input.onConflict !== 'fail',
  });
  if (!outcome.ok && outcome.reason === 'lock')
    throw conflictError('locked', `"${name}" is open for editing; try again when it is closed.`, {
      what: 'named',
      name,
    });
  if (!outcome.ok)
    throw conflictError('name_conflict', `A document named "${name}" already exists in this folder.`, {
      what: 'document_here',
      name,
    });

  return {
    id: outcome.id,
    name,
    folder: target.folder,
    size: staged.stored.size,
    sha256: staged.stored.sha256,
    version: outcome.version,
    replaced: outcome.replaced,
  };
};
