/**
 * The direct-S3 baseline: the same bytes PUT with lib-storage's Upload (5 MiB parts, 2 in
 * flight, as lib/storage/objects.ts does) and read back with GetObject, against the portal's
 * own bucket, under `bench/`. Every key written (or tracked: the floor server's) is deleted by cleanup().
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { deterministicBytes, MiB, type Transfer } from './transfer';

const PART_SIZE = 5 * MiB;

export type BenchS3 = {
  put: (key: string, size: number, signal?: AbortSignal) => Promise<Transfer>;
  get: (key: string, signal?: AbortSignal) => Promise<Transfer>;
  /** Deletes `key` at cleanup too (written by someone else, e.g. the floor server). */
  track: (key: string) => void;
  cleanup: () => Promise<void>;
};

export const createBenchS3 = (options: {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
}): BenchS3 => {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    maxAttempts: 1, // a retry would hide a failure inside a timing
  });
  const written = new Set<string>();

  return {
    put: async (key, size, signal) => {
      const hash = createHash('sha256');
      const started = performance.now();
      written.add(key);
      const upload = new Upload({
        client,
        params: { Bucket: options.bucket, Key: key, Body: Readable.from(deterministicBytes(size, hash)) },
        partSize: PART_SIZE,
        queueSize: 2,
        leavePartsOnError: false,
      });
      const onAbort = () => void upload.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await upload.done();
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      const seconds = (performance.now() - started) / 1000;

      return { bytes: size, seconds, mibPerSecond: size / MiB / seconds, sha256: hash.digest('hex'), status: 200 };
    },
    get: async (key, signal) => {
      const hash = createHash('sha256');
      const started = performance.now();
      const result = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }), {
        abortSignal: signal,
      });
      let bytes = 0;
      for await (const chunk of result.Body as Readable) {
        bytes += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      const seconds = (performance.now() - started) / 1000;

      return { bytes, seconds, mibPerSecond: bytes / MiB / seconds, sha256: hash.digest('hex'), status: 200 };
    },
    track: (key) => void written.add(key),
    cleanup: async () => {
      for (const key of written) {
        await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key })).catch(() => undefined);
      }
      written.clear();
      client.destroy();
    },
  };
};
