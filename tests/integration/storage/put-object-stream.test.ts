import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { env, setRuntimeEnv } from '@/lib/env';
import { getS3, resetS3 } from '@/lib/storage/client';
import {
  BodySizeMismatchError,
  getObjectStream,
  headObject,
  listMultipartUploadsPage,
  ObjectTooLargeError,
  putObjectStream,
} from '@/lib/storage/objects';
import { embeddedBucketDir, objectFile } from '../maintenance/helpers';

// putObjectStream against the tier's S3 (the embedded s3rver, or S3_ENDPOINT): a declared size up
// to S3_SINGLE_PUT_MAX_BYTES is one streamed PutObject, anything else multipart; on every failure
// nothing is left at the key. What reaches the wire is recorded by a middleware on the real client.

const MiB = 1024 * 1024;
const RECORDER = 'putObjectStreamTestRecorder';

let commands: string[] = [];
const record = () =>
  getS3().middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? '?');

      return next(args);
    },
    { step: 'initialize', name: RECORDER },
  );

beforeEach(() => {
  commands = [];
  record();
});
afterEach(() => {
  getS3().middlewareStack.remove(RECORDER);
});

const newKey = (label: string) => `put-stream-${randomUUID().slice(0, 8)}/${label}.bin`;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `data` in 64 KiB chunks (an HTTP request body's usual pieces), optionally paced. */
const chunksOf = (data: Buffer, { delayMs = 0, chunk = 64 * 1024 } = {}) =>
  Readable.from(
    (async function* () {
      for (let offset = 0; offset < data.length; offset += chunk) {
        if (delayMs) await sleep(delayMs);
        yield data.subarray(offset, offset + chunk);
      }
    })(),
  );

const bytesAt = async (key: string) => {
  const chunks: Buffer[] = [];
  for await (const chunk of (await getObjectStream(key)).body as unknown as AsyncIterable<Uint8Array>)
    chunks.push(Buffer.from(chunk));

  return Buffer.concat(chunks);
};

/** Nothing at `key`: not through the API, no multipart upload, and no file on the embedded store's disk. */
const expectNothingAt = async (key: string) => {
  expect(await headObject(key)).toBeNull();
  expect((await listMultipartUploadsPage({ prefix: key })).uploads).toEqual([]);
  if (embeddedBucketDir()) expect(existsSync(objectFile(key))).toBe(false);
};

const MULTIPART_OF_3 = [
  'CreateMultipartUploadCommand',
  'UploadPartCommand',
  'UploadPartCommand',
  'UploadPartCommand',
  'CompleteMultipartUploadCommand',
];

describe('putObjectStream: one streamed PutObject for a declared size', () => {
  it('PUT with a declared size of 1 MiB → one PutObjectCommand; stored byte-exact, size and sha256 as streamed', async () => {
    const key = newKey('one-mib');
    const data = randomBytes(MiB);
    const progress: number[] = [];
    const stored = await putObjectStream({
      key,
      body: chunksOf(data),
      size: data.length,
      maxBytes: 64 * MiB,
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(commands).toEqual(['PutObjectCommand']);
    expect(stored).toMatchObject({ size: MiB, sha256: sha256(data) });
    expect(stored.etag).toBeTruthy();
    expect((await headObject(key))?.etag).toBe(stored.etag);
    expect((await bytesAt(key)).equals(data)).toBe(true);
    expect(progress.at(-1)).toBe(MiB);
  });

  it('PUT with a declared size of 24 MiB (Expect: 100-continue) → one PutObjectCommand; stored byte-exact', async () => {
    const key = newKey('large');
    const data = randomBytes(24 * MiB);
    const stored = await putObjectStream({ key, body: chunksOf(data), size: data.length, maxBytes: 64 * MiB });
    expect(commands).toEqual(['PutObjectCommand']);
    expect(stored).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect((await bytesAt(key)).equals(data)).toBe(true);
  });

  it('PUT of 0 bytes declared 0 → one PutObjectCommand; an empty object', async () => {
    const key = newKey('empty');
    const stored = await putObjectStream({ key, body: Readable.from([]), size: 0, maxBytes: MiB });
    expect(commands).toEqual(['PutObjectCommand']);
    expect(stored).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect((await headObject(key))?.size).toBe(0);
  });

  it('PUT with a body shorter than its declared size (3 of 4 MiB) → BodySizeMismatchError; nothing at the key', async () => {
    const key = newKey('short');
    const error = await putObjectStream({
      key,
      body: chunksOf(randomBytes(3 * MiB)),
      size: 4 * MiB,
      maxBytes: 64 * MiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodySizeMismatchError);
    expect(error).toMatchObject({ declared: 4 * MiB, received: 3 * MiB });
    await expectNothingAt(key);
  });

  it('PUT with a body longer than its declared size (4 MiB, then 1 byte 300 ms later) → BodySizeMismatchError; nothing at the key', async () => {
    const key = newKey('long');
    const body = Readable.from(
      (async function* () {
        yield* chunksOf(randomBytes(4 * MiB));
        await sleep(300); // time enough for the store to commit, had it every declared byte
        yield Buffer.from('!');
      })(),
    );
    const error = await putObjectStream({ key, body, size: 4 * MiB, maxBytes: 64 * MiB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodySizeMismatchError);
    await sleep(200);
    await expectNothingAt(key);
  });

  it('PUT with a declared size of 0 and a body of 1 byte → BodySizeMismatchError; nothing at the key', async () => {
    const key = newKey('zero-long');
    const body = Readable.from(
      (async function* () {
        await sleep(200);
        yield Buffer.from('!');
      })(),
    );
    const error = await putObjectStream({ key, body, size: 0, maxBytes: MiB }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodySizeMismatchError);
    await expectNothingAt(key);
  });

  it('PUT aborted mid-body (AbortSignal after 2 of 8 MiB) → AbortError within 1 s; nothing at the key', async () => {
    const key = newKey('aborted');
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await putObjectStream({
      key,
      body: chunksOf(randomBytes(8 * MiB), { delayMs: 2 }),
      size: 8 * MiB,
      maxBytes: 64 * MiB,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes < 2 * MiB || abortedAt) return;
        abortedAt = performance.now();
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(error).toMatchObject({ name: 'AbortError' });
    await sleep(200);
    await expectNothingAt(key);
  });

  it('PUT over maxBytes (declared within it, the body not) → ObjectTooLargeError; nothing at the key', async () => {
    const key = newKey('too-large');
    const error = await putObjectStream({
      key,
      body: chunksOf(randomBytes(3 * MiB)),
      size: 2 * MiB,
      maxBytes: 2 * MiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectTooLargeError);
    await expectNothingAt(key);
  });

  it('PUT whose body pauses 3× S3_REQUEST_TIMEOUT_MS mid-body → stored (a slow sender is not the store falling silent)', async () => {
    setRuntimeEnv({ S3_REQUEST_TIMEOUT_MS: '400' });
    resetS3();
    try {
      for (const size of [MiB, 4 * MiB]) {
        const key = newKey(`paused-${size}`);
        const data = randomBytes(size);
        const body = Readable.from(
          (async function* () {
            yield data.subarray(0, size / 2);
            await sleep(1200);
            yield data.subarray(size / 2);
          })(),
        );
        const stored = await putObjectStream({ key, body, size, maxBytes: 64 * MiB });
        expect(stored.sha256).toBe(sha256(data));
        expect((await bytesAt(key)).equals(data)).toBe(true);
      }
    } finally {
      setRuntimeEnv({ S3_REQUEST_TIMEOUT_MS: undefined });
      resetS3();
    }
  });
});

describe('putObjectStream: multipart above S3_SINGLE_PUT_MAX_BYTES or without a declared size', () => {
  const withSinglePutMax = async (bytes: number, work: () => Promise<void>) => {
    setRuntimeEnv({ S3_SINGLE_PUT_MAX_BYTES: String(bytes) });
    try {
      await work();
    } finally {
      setRuntimeEnv({ S3_SINGLE_PUT_MAX_BYTES: undefined });
    }
  };

  it('PUT of 20 MiB declared, above S3_SINGLE_PUT_MAX_BYTES (8 MiB) → CreateMultipartUpload, 3 × UploadPart (8 MiB parts), CompleteMultipartUpload; byte-exact', async () => {
    await withSinglePutMax(8 * MiB, async () => {
      expect(env.S3_SINGLE_PUT_MAX_BYTES).toBe(8 * MiB);
      const key = newKey('multipart-declared');
      const data = randomBytes(20 * MiB);
      const stored = await putObjectStream({ key, body: chunksOf(data), size: data.length, maxBytes: 64 * MiB });
      expect(commands).toEqual(MULTIPART_OF_3);
      expect(stored).toMatchObject({ size: data.length, sha256: sha256(data) });
      expect((await bytesAt(key)).equals(data)).toBe(true);
    });
  });

  it('PUT of 20 MiB without a declared size (a chunked request) → multipart; byte-exact', async () => {
    const key = newKey('multipart-chunked');
    const data = randomBytes(20 * MiB);
    const stored = await putObjectStream({ key, body: chunksOf(data), maxBytes: 64 * MiB });
    expect(commands).toEqual(MULTIPART_OF_3);
    expect(stored).toMatchObject({ size: data.length, sha256: sha256(data) });
    expect((await bytesAt(key)).equals(data)).toBe(true);
  });

  it('PUT of 1 MiB without a declared size → one PutObjectCommand of the buffered body (below one part)', async () => {
    const key = newKey('small-chunked');
    const data = randomBytes(MiB);
    const stored = await putObjectStream({ key, body: chunksOf(data), maxBytes: 64 * MiB });
    expect(commands).toEqual(['PutObjectCommand']);
    expect((await bytesAt(key)).equals(data)).toBe(true);
    expect(stored.sha256).toBe(sha256(data));
  });

  it('multipart PUT with a body shorter than its declared size (19 of 20 MiB) → BodySizeMismatchError; no object, no multipart upload left', async () => {
    await withSinglePutMax(8 * MiB, async () => {
      const key = newKey('multipart-short');
      const error = await putObjectStream({
        key,
        body: chunksOf(randomBytes(19 * MiB)),
        size: 20 * MiB,
        maxBytes: 64 * MiB,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BodySizeMismatchError);
      await sleep(200);
      await expectNothingAt(key);
    });
  });

  it('multipart PUT without a declared size over maxBytes → ObjectTooLargeError; no object, no multipart upload left', async () => {
    const key = newKey('multipart-too-large');
    const error = await putObjectStream({ key, body: chunksOf(randomBytes(20 * MiB)), maxBytes: 18 * MiB }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ObjectTooLargeError);
    await sleep(200);
    await expectNothingAt(key);
  });

  it('multipart PUT aborted mid-body (AbortSignal after 18 of 24 MiB) → AbortError within 1 s; no object, no multipart upload left', async () => {
    const key = newKey('multipart-aborted');
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await putObjectStream({
      key,
      body: chunksOf(randomBytes(24 * MiB), { delayMs: 1 }),
      maxBytes: 64 * MiB,
      signal: controller.signal,
      onProgress: (bytes) => {
        if (bytes < 18 * MiB || abortedAt) return;
        abortedAt = performance.now();
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(error).toMatchObject({ name: 'AbortError' });
    await sleep(500);
    await expectNothingAt(key);
  });
});
