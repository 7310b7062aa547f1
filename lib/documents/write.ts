import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, badRequest, notFound, payloadTooLarge } from '@/lib/api/errors';
import { db, type Tx } from '@/lib/db';
import { ensureFolders } from '@/lib/documents/folders';
import type { ConflictMode } from '@/lib/documents/types';
import { Prisma } from '@/lib/generated/prisma/client';
import {
  copyObject,
  deleteObject,
  ObjectTooLargeError,
  putObjectStream,
  type StoredObject,
} from '@/lib/storage/objects';
import {
  documentKey,
  extensionOf,
  INTERNAL_FOLDER,
  internalKey,
  isKeyTooLong,
  nameProblem,
  parseFolder,
} from '@/lib/storage/keys';

// Copies inside a commit are server-side, but a large object on a slow S3 takes a while.
const COMMIT_TIMEOUT_MS = 10 * 60 * 1000;

export type UploadInput = {
  folder: string;
  name: string;
  body: ReadableStream<Uint8Array> | Readable;
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
export const validateTarget = ({ folder, name }: { folder: string; name: string }) => {
  const parsed = parseFolder(folder);
  if ('problem' in parsed) throw badRequest('invalid_folder', parsed.problem);
  const problem = nameProblem(name);
  if (problem) throw badRequest('invalid_name', problem);
  if (parsed.folder === '' && name === INTERNAL_FOLDER)
    throw badRequest('invalid_name', `"${INTERNAL_FOLDER}" is reserved.`);
  const key = documentKey({ folder: parsed.folder, name });
  if (isKeyTooLong(key)) throw badRequest('invalid_name', 'The folder and name together are too long.');

  return { folder: parsed.folder, name, key };
};

const withSuffix = (name: string, n: number) => {
  const dot = name.lastIndexOf('.');

  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
};

/** The first of "name", "name (1)", "name (2)", … that no visible document uses. */
export const freeName = async (folder: string, name: string) => {
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? name : withSuffix(name, n);
    const existing = await db.document.findUnique({
      where: { key: documentKey({ folder, name: candidate }) },
      select: { missingSince: true },
    });
    if (!existing) return candidate;
  }
  throw conflict('name_conflict', `Too many documents named like "${name}".`);
};

/** Before sending any bytes: would this name be refused, or clash with a document? */
export const checkUploadTarget = async ({ folder, name }: { folder: string; name: string }) => {
  const target = validateTarget({ folder, name });
  const current = await existingAt(target.key);
  if (!current || current.missingSince) return { exists: false as const };

  return { exists: true as const, suggestion: await freeName(target.folder, name) };
};

const existingAt = (key: string) =>
  db.document.findUnique({ where: { key }, select: { id: true, missingSince: true } });

/**
 * Streams an upload to a staging object, then commits it: a new document, or a new version of
 * the one with the same name (`replace`). Readers never see a partial or mixed body: the bytes
 * reach the document's key only by a server-side copy inside the database transaction that
 * records them, with the document row locked.
 */
export const uploadDocument = async (input: UploadInput): Promise<UploadResult> => {
  const target = validateTarget(input);
  let name = target.name;
  const current = await existingAt(target.key);
  if (current && !current.missingSince) {
    if (input.onConflict === 'fail') {
      throw conflict('name_conflict', `A document named "${name}" already exists in this folder.`, {
        suggestion: await freeName(target.folder, name),
      });
    }
    if (input.onConflict === 'rename') name = await freeName(target.folder, name);
  }

  const stagingKey = internalKey('staging', randomUUID());
  let stored: StoredObject;
  try {
    stored = await putObjectStream({
      key: stagingKey,
      body: input.body,
      contentType: input.contentType,
      maxBytes: input.maxBytes,
      onProgress: input.onProgress,
      signal: input.signal,
    });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) throw payloadTooLarge(error.limit);
    throw error;
  }
  try {
    return await commitUpload({
      folder: target.folder,
      name,
      stagingKey,
      stored,
      userId: input.userId,
      allowReplace: input.onConflict !== 'fail',
    });
  } finally {
    await deleteObject(stagingKey).catch(() => {});
  }
};

type CommitInput = {
  folder: string;
  name: string;
  stagingKey: string;
  stored: StoredObject;
  userId: string | null;
  allowReplace: boolean;
};

const commitUpload = async (input: CommitInput): Promise<UploadResult> => {
  const key = documentKey(input);
  try {
    return await db.$transaction(
      async (tx) => {
        const locked = await lockDocumentRow(tx, key);
        if (locked && !locked.missingSince) {
          if (!input.allowReplace)
            throw conflict('name_conflict', `A document named "${input.name}" already exists in this folder.`);
          if (locked.lockExpiresAt && locked.lockExpiresAt > new Date()) {
            throw conflict('locked', `"${input.name}" is open for editing; try again when it is closed.`);
          }

          return replaceContent(tx, { ...input, key, documentId: locked.id });
        }
        if (locked) await tx.document.delete({ where: { id: locked.id } });
        await ensureFolders(input.folder, tx);
        const { etag } = await copyObject(input.stagingKey, key);
        const created = await tx.document.create({
          data: {
            key,
            name: input.name,
            folder: input.folder,
            extension: extensionOf(input.name),
            size: input.stored.size,
            sha256: input.stored.sha256,
            etag,
            lastModifiedAt: new Date(),
            lastSeenAt: new Date(),
            createdById: input.userId,
            lastModifiedById: input.userId,
          },
          select: { id: true, version: true },
        });

        return {
          id: created.id,
          name: input.name,
          folder: input.folder,
          size: input.stored.size,
          sha256: input.stored.sha256,
          version: created.version,
          replaced: false,
        };
      },
      { timeout: COMMIT_TIMEOUT_MS, maxWait: 30_000 },
    );
  } catch (error) {
    // Two uploads of a new name raced; the loser learns about it like any other conflict.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw conflict('name_conflict', `A document named "${input.name}" was just created in this folder.`);
    }
    throw error;
  }
};

/** SELECT … FOR UPDATE: the row stays locked until the transaction ends. */
const lockDocumentRow = async (tx: Tx, key: string) => {
  const rows = await tx.$queryRaw<
    { id: string; missingSince: Date | null; version: number; lockExpiresAt: Date | null }[]
  >`
    SELECT d.id, d."missingSince", d.version, l."expiresAt" AS "lockExpiresAt"
    FROM "Document" d LEFT JOIN "Lock" l ON l."documentId" = d.id
    WHERE d.key = ${key} FOR UPDATE OF d`;

  return rows[0] ?? null;
};

const replaceContent = async (
  tx: Tx,
  input: CommitInput & { key: string; documentId: string },
): Promise<UploadResult> => {
  const before = await tx.document.findUniqueOrThrow({
    where: { id: input.documentId },
    select: { version: true, size: true, sha256: true, lastModifiedById: true },
  });
  const versionKey = internalKey('versions', input.documentId, String(before.version));
  await copyObject(input.key, versionKey);
  await tx.documentVersion.create({
    data: {
      documentId: input.documentId,
      version: before.version,
      key: versionKey,
      size: before.size,
      sha256: before.sha256,
      createdById: before.lastModifiedById,
    },
  });
  const { etag } = await copyObject(input.stagingKey, input.key);
  const updated = await tx.document.update({
    where: { id: input.documentId },
    data: {
      size: input.stored.size,
      sha256: input.stored.sha256,
      etag,
      version: { increment: 1 },
      lastModifiedAt: new Date(),
      lastSeenAt: new Date(),
      lastModifiedById: input.userId,
      missingSince: null,
    },
    select: { version: true },
  });

  return {
    id: input.documentId,
    name: input.name,
    folder: input.folder,
    size: input.stored.size,
    sha256: input.stored.sha256,
    version: updated.version,
    replaced: true,
  };
};

export const requireDocument = async (id: string) => {
  const row = await db.document.findFirst({ where: { id, missingSince: null }, select: { id: true } });
  if (!row) throw notFound('No such document.');

  return row;
};
