import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mirrorsSettled } from '@/lib/documents/content';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
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
