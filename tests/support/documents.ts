import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { getS3 } from '@/lib/storage/client';

export const uniqueFolder = (label = 'f') => `${label}-${randomUUID().slice(0, 8)}`;

export const addDocument = (
  folder: string,
  name: string,
  body: string | Buffer = 'content',
  userId: string | null = null,
) =>
  uploadDocument({
    folder,
    name,
    body: Readable.from([Buffer.from(body)]),
    userId,
    onConflict: 'fail',
    maxBytes: env.MAX_UPLOAD_BYTES,
  });

/** Writes straight into the bucket, as another tool would. */
export const putExternalObject = async (key: string, body: string) => {
  await getS3().send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: key, Body: body }));
};
