import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runJanitor } from '@/lib/documents/janitor';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { getS3 } from '@/lib/storage/client';
import { internalKey } from '@/lib/storage/keys';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import {
  auditEvents,
  diskBytesUnder,
  embeddedBucketDir,
  objectsUnder,
  patterned,
  uploadsUnder,
  setPrivatePrefix,
} from './helpers';

// Failed uploads leave nothing behind: an aborted upload's multipart parts are aborted by the
// upload itself (s3rver got AbortMultipartUpload through patches/s3rver+3.7.1.patch), and what a
// killed process leaves is aborted or removed by the janitor after STAGING_GRACE_SECONDS.

const prefix = setPrivatePrefix('uploads');
const isEmbedded = embeddedBucketDir() !== null;
const MIB = 1024 * 1024;
/** Size of each aborted upload; the hardening issue's figure is for 200 MB (ABORTED_UPLOAD_MIB=191). */
const ABORTED_MIB = Number(process.env.ABORTED_UPLOAD_MIB ?? 12);

let userId: string;
beforeAll(async () => {
  userId = (await makeUser('editor')).id;
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));

/** Streams `size` bytes and aborts the upload once `abortAt` bytes were produced (mid-body). */
const abortedUpload = async ({
  folder,
  name,
  size,
  abortAt,
}: {
  folder: string;
  name: string;
  size: number;
  abortAt: number;
}) => {
  const controller = new AbortController();
  const chunk = patterned(256 * 1024, 7);
  async function* body() {
    for (let sent = 0; sent < size; sent += chunk.length) {
      if (sent >= abortAt) controller.abort();
      yield chunk;
      // Paced like a network upload, so the parts before `abortAt` reach the store first.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  await expect(
    uploadDocument({
      folder,
      name,
      body: Readable.from(body()),
      userId,
      onConflict: 'fail',
      maxBytes: env.MAX_UPLOAD_BYTES,
      signal: controller.signal,
    }),
  ).rejects.toThrow();
};

describe('failed uploads leave nothing behind', () => {
  it(`10 uploads of ${ABORTED_MIB} MiB aborted mid-body (AbortSignal) + maintenance run → 0 bytes left in the bucket and on disk beyond the committed content`, async () => {
    const folder = uniqueFolder('u');
    const committed = await addDocument(folder, 'Committed.bin', patterned(6 * MIB, 3), userId);
    const committedObjects = await objectsUnder(prefix);
    const committedDisk = isEmbedded ? (await diskBytesUnder(prefix)).objects : 0;

    for (let i = 0; i < 10; i++)
      await abortedUpload({
        folder,
        name: `Aborted ${i}.bin`,
        size: ABORTED_MIB * MIB,
        abortAt: (ABORTED_MIB - 1) * MIB,
      });
    await settle();
    const leftBeforeJanitor = isEmbedded ? await diskBytesUnder(prefix) : null;

    const report = await runJanitor({ settings: { stagingGraceSeconds: 0 } });
    expect(report.skipped).toBe(false);
    await settle();

    expect(await objectsUnder(prefix)).toEqual(committedObjects);
    expect(committedObjects.map((object) => object.size)).toEqual([6 * MIB, 6 * MIB]);
    expect(await uploadsUnder(prefix)).toEqual([]);
    if (isEmbedded) {
      const left = await diskBytesUnder(prefix);
      const bytesLeft = left.objects - committedDisk + left.uploads;
      process.stdout.write(
        `bytes left after 10 aborted uploads of ${ABORTED_MIB} MiB: ${leftBeforeJanitor!.objects - committedDisk + leftBeforeJanitor!.uploads} before the janitor run, ${bytesLeft} after it (committed content ${committedDisk} bytes on disk for document ${committed.id})\n`,
      );
      expect(bytesLeft).toBe(0);
    }
  });

  it('a multipart upload a killed process left (a 5 MiB part, never completed) → kept within the grace, aborted after it (janitor.upload_aborted), its parts gone', async () => {
    const since = new Date();
    const key = internalKey('blobs', randomUUID());
    const { UploadId } = await getS3().send(new CreateMultipartUploadCommand({ Bucket: env.S3_BUCKET, Key: key }));
    await getS3().send(
      new UploadPartCommand({ Bucket: env.S3_BUCKET, Key: key, UploadId, PartNumber: 1, Body: patterned(5 * MIB, 9) }),
    );
    expect((await uploadsUnder(prefix)).map((upload) => upload.uploadId)).toContain(UploadId);
    if (isEmbedded) expect((await diskBytesUnder(prefix)).uploads).toBeGreaterThanOrEqual(5 * MIB);

    expect((await runJanitor()).uploads.aborted).toBe(0);
    expect((await uploadsUnder(prefix)).map((upload) => upload.uploadId)).toContain(UploadId);

    const report = await runJanitor({ settings: { stagingGraceSeconds: 0 } });
    expect(report.uploads).toMatchObject({ aborted: 1, uploads: [{ key, uploadId: UploadId }] });
    expect(await uploadsUnder(prefix)).toEqual([]);
    if (isEmbedded) expect((await diskBytesUnder(prefix)).uploads).toBe(0);
    expect(await auditEvents('janitor.upload_aborted', since)).toMatchObject([
      { details: { count: 1, uploads: [{ key, uploadId: UploadId }] } },
    ]);
  });
});
