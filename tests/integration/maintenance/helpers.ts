import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from '@/lib/db';
import { stageContent } from '@/lib/documents/content';
import { env, setRuntimeEnv } from '@/lib/env';
import { getObjectStream, headObject, listMultipartUploadsPage, listPage } from '@/lib/storage/objects';

/**
 * Every maintenance test file works under its own S3_PREFIX: the janitor only ever looks at the
 * portal's own prefix, so runs here never touch what other test files (running in parallel on
 * the same bucket and database) are doing.
 */
export const setPrivatePrefix = (label: string) => {
  const prefix = `${label}-${randomUUID().slice(0, 8)}/`;
  // Folder rows are not per prefix: this file's janitor runs must not sync other files' folders
  // against its own prefix (where they are empty). Production has one prefix per database.
  setRuntimeEnv({ S3_PREFIX: prefix, JANITOR_SYNC_FOLDERS: 'false' });

  return prefix;
};

/** The embedded s3rver's folder for the bucket, or null when the tier runs against S3_ENDPOINT. */
export const embeddedBucketDir = () => {
  const dir = path.join(env.DATA_DIR, 's3', env.S3_BUCKET);

  return existsSync(dir) ? dir : null;
};

/** The file s3rver keeps an object's bytes in (its ETag lives in a separate .md5 file). */
export const objectFile = (key: string) => {
  const parts = key.split('/');
  const last = parts.pop()!;

  return path.join(embeddedBucketDir()!, ...parts, `${last}._S3rver_object`);
};

export const bytesOf = async (key: string) => {
  const { body } = await getObjectStream(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));

  return Buffer.concat(chunks);
};

export const exists = async (key: string) => (await headObject(key)) !== null;

/** What a save killed after streaming its body leaves: a staged blob no row references. */
export const stageOrphanBlob = async (body: Buffer | string) => {
  const { blobKey } = await stageContent({ body: Readable.from([Buffer.from(body)]), maxBytes: 64 * 1024 * 1024 });

  return blobKey;
};

export const patterned = (size: number, seed = 1) => {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed * 17 + (i >> 10)) & 0xff;

  return buffer;
};

export const auditEvents = async (action: string, since: Date) =>
  (
    await sql<{ action: string; documentId: string | null; details: Record<string, unknown> }>(
      'SELECT action, "documentId", details FROM "AuditEvent" WHERE action = $1 AND at >= $2 ORDER BY id',
      [action, since],
    )
  ).rows;

/** Every object under the test's prefix (keys and sizes), through the S3 API. */
export const objectsUnder = async (prefix: string) => {
  const objects: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await listPage({ prefix, continuationToken: token });
    objects.push(...page.objects.map(({ key, size }) => ({ key, size })));
    token = page.next;
  } while (token);

  return objects;
};

export const uploadsUnder = async (prefix: string) => (await listMultipartUploadsPage({ prefix })).uploads;

const sizeOfTree = async (dir: string): Promise<number> => {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOfTree(full) : (await stat(full).catch(() => ({ size: 0 }))).size;
  }

  return total;
};

/**
 * Bytes on the embedded store's disk that belong to `prefix`: its folder (objects with their
 * metadata files) plus the multipart uploads (parts) started for keys under it.
 */
export const diskBytesUnder = async (prefix: string) => {
  const bucketDir = embeddedBucketDir()!;
  const objects = await sizeOfTree(path.join(bucketDir, prefix));
  const uploadsDir = path.join(bucketDir, '._S3rver_uploads');
  let uploads = 0;
  for (const id of await readdir(uploadsDir).catch(() => [] as string[])) {
    const key = await readFile(path.join(uploadsDir, id, 'key'), 'utf8').catch(() => null);
    if (key?.startsWith(prefix)) uploads += await sizeOfTree(path.join(uploadsDir, id));
  }

  return { objects, uploads };
};
