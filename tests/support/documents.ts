import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { db } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import type { Prisma } from '@/lib/generated/prisma/client';
import { getS3 } from '@/lib/storage/client';

export const uniqueFolder = (label = 'f') => `${label}-${randomUUID().slice(0, 8)}`;

/**
 * Uploads through the portal's write path and waits for the visible object's copy (it lands
 * after the commit, in the background), so tests that look at the bucket see it.
 */
export const addDocument = async (
  folder: string,
  name: string,
  body: string | Buffer = 'content',
  userId: string | null = null,
) => {
  const uploaded = await uploadDocument({
    folder,
    name,
    body: Readable.from([Buffer.from(body)]),
    userId,
    onConflict: 'fail',
    maxBytes: env.MAX_UPLOAD_BYTES,
  });
  await mirrorsSettled();

  return uploaded;
};

/** Writes straight into the bucket, as another tool would. */
export const putExternalObject = async (key: string, body: string) => {
  await getS3().send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: key, Body: body }));
};

/**
 * Resolves once the visible object of every document at `where` (a Prisma filter: `{ id }`,
 * `{ key }`, `{ folder }`…) holds its committed bytes: the copy the server makes after each commit
 * (lib/documents/mirror.ts) has landed, i.e. no matching row is `mirrorPendingSince` any more.
 * Needed when the commit ran in the portal's process, where `mirrorsSettled()` cannot see it.
 * Throws after `timeoutMs`.
 */
export const mirrorLanded = async (where: Prisma.DocumentWhereInput, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while ((await db.document.count({ where: { ...where, mirrorPendingSince: { not: null } } })) > 0) {
    if (Date.now() > deadline) throw new Error(`the mirror copy of ${JSON.stringify(where)} did not land in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
