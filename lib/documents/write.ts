import { randomInt } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflictError, invalidInput, tooLargeError } from '@/lib/errors';
import { db } from '@/lib/db';
import type { ConflictMode } from '@/lib/documents/types';
import { commitBlobAt, discardBlob, discardBlobAfterFailure, stageContent } from '@/lib/documents/content';
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

const FREE_NAME_LIMIT = 1000;
const FREE_NAME_BATCH = 50;

/** Candidate `n` for `name`: the name itself, then "name (n)", shortened to `budget` with the extension kept. */
const candidateName = (name: string, n: number, budget: number) =>
  fitName(n === 0 ? name : withSuffix(fitName(name, budget - ` (${n})`.length), n), budget);

/**
 * The first of "name", "name (1)", "name (2)", … that no document row uses, each shortened
 * (extension kept) to the folder's name budget so a suffix never makes a name too long. `skip`
 * passes over that many free ones first and `exclude` counts as taken (commitUnderFreeName's
 * retries). One query per 50 candidates. A 409 `name_conflict` past 1000.
 */
export const freeName = async (
  folder: string,
  name: string,
  { skip = 0, exclude = [] }: { skip?: number; exclude?: readonly string[] } = {},
) => {
  const budget = nameBudget(folder);
  let toSkip = skip;
  let lastFree: string | undefined;
  for (let start = 0; start < FREE_NAME_LIMIT; start += FREE_NAME_BATCH) {
    const candidates = Array.from({ length: FREE_NAME_BATCH }, (_, i) => candidateName(name, start + i, budget));
    const rows = await db.document.findMany({
      where: { key: { in: candidates.map((candidate) => documentKey({ folder, name: candidate })) } },
      select: { key: true },
    });
    const taken = new Set(rows.map((row) => row.key));
    for (const candidate of candidates) {
      if (taken.has(documentKey({ folder, name: candidate })) || exclude.includes(candidate)) continue;
      if (toSkip === 0) return candidate;
      lastFree = candidate;
      toSkip -= 1;
    }
  }
  // Asked to skip more free names than there are: the last one there is.
  if (lastFree !== undefined) return lastFree;
  throw conflictError('name_conflict', `Too many documents named like "${name}".`, {
    what: 'too_many_documents',
    name,
  });
};

/**
 * How many names commitUnderFreeName tries. Each lost try means another request committed a name
 * like it meanwhile, and the tries spread out (see there), so 32 requests racing for one name
 * all finish in about 7 rounds; this leaves ample room for more.
 */
export const FREE_NAME_ATTEMPTS = 24;
const SPREAD_MAX = 64;

/**
 * Commits under a free name like `name` in `folder`, again under another one while the commit
 * finds its name taken (`isTaken`: another request committed it between the pick and the commit).
 * Try 0 takes `first` when given, else the first free name; try k > 0 picks at random among the
 * first 2^k free ones (at most 64), never one this call already lost, so N requests racing for
 * "a.docx" spread over "a (1)", "a (2)", … in about log2(N) rounds instead of one winner per
 * round; the last try takes "name (n)" for a random n of 1000 or more. Returns the name and the
 * commit's outcome: a success, another refusal, or after FREE_NAME_ATTEMPTS taken names the last
 * taken one (the caller refuses with a 409, never a 5xx; in practice it does not happen).
 */
export const commitUnderFreeName = async <T>({
  folder,
  name,
  first,
  commit,
  isTaken,
}: {
  folder: string;
  name: string;
  first?: string;
  commit: (name: string) => Promise<T>;
  isTaken: (outcome: T) => boolean;
}): Promise<{ name: string; outcome: T }> => {
  const lost: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const skip = attempt === 0 ? 0 : randomInt(Math.min(2 ** attempt, SPREAD_MAX));
    const isLast = attempt + 1 >= FREE_NAME_ATTEMPTS;
    const candidate =
      attempt === 0 && first !== undefined
        ? first
        : // The last try leaves the "(n)" sequence freeName walks (n < 1000) for a random n: only
          // a request with the very same draw could take it first.
          isLast
          ? candidateName(name, randomInt(1000, 1_000_000_000), nameBudget(folder))
          : await freeName(folder, name, { skip, exclude: lost });
    const outcome = await commit(candidate);
    if (!isTaken(outcome) || attempt + 1 >= FREE_NAME_ATTEMPTS) return { name: candidate, outcome };
    lost.push(candidate);
  }
};

/**
 * A staged blob committed under a free name like `name` (commitBlobAt, `replace` off), again
 * under another while concurrent requests take them first (commitUnderFreeName); `first` as
 * there. The blob is this call's to dispose of: kept between tries, discarded when no try
 * succeeded or one threw (unless the database may have committed it: discardBlobAfterFailure).
 */
export const commitBlobUnderFreeName = async (
  input: Omit<Parameters<typeof commitBlobAt>[0], 'replace' | 'isKeptWhenTaken'> & { first?: string },
) => {
  const { first, ...commit } = input;
  const result = await commitUnderFreeName({
    folder: input.folder,
    name: input.name,
    first,
    commit: (name) => commitBlobAt({ ...commit, name, replace: false, isKeptWhenTaken: true }),
    isTaken: (outcome) => !outcome.ok && outcome.reason === 'exists',
  }).catch(async (error: unknown) => {
    // A try that lost kept the blob for the next one; a failure between tries ends them all.
    await discardBlobAfterFailure(input.blobKey, error);
    throw error;
  });
  if (!result.outcome.ok) await discardBlob(input.blobKey);

  return result;
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
  const current = await existingAt(target.key);
  const isTaken = !!current && !current.missingSince;
  if (isTaken && input.onConflict === 'fail') {
    throw conflictError('name_conflict', `A document named "${target.name}" already exists in this folder.`, {
      what: 'document_here',
      name: target.name,
      suggestion: await freeName(target.folder, target.name),
    });
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
  const commit = { folder: target.folder, name: target.name, ...staged, userId: input.userId, now: new Date() };
  // "Keep both" never replaces: a name another upload committed meanwhile moves this one on to
  // the next free name (the blob is staged once). A row whose object vanished is not in the way.
  const { name, outcome } =
    input.onConflict === 'rename'
      ? await commitBlobUnderFreeName({ ...commit, first: isTaken ? undefined : target.name })
      : { name: target.name, outcome: await commitBlobAt({ ...commit, replace: input.onConflict === 'replace' }) };
  if (!outcome.ok && outcome.reason === 'lock')
    throw conflictError('locked', `"${name}" is open for editing; try again when it is closed.`, {
      what: 'named',
      name,
    });
  if (!outcome.ok)
    throw conflictError('name_conflict', `A document named "${name}" already exists in this folder.`, {
      what: 'document_here',
      name,
      suggestion: await freeName(target.folder, target.name),
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
