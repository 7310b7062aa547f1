import { createHash } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { env } from '@/lib/env';
import { bodyAlreadyFailed, DomainError } from '@/lib/errors';
import { getS3 } from '@/lib/storage/client';

const MiB = 1024 * 1024;

/*
 * How a body reaches the bucket. Measured 2026-11-30 on the embedded s3rver (2 cores, others'
 * tests running: load average 2–8, so a figure moves ±30 % between runs; each cell is the range
 * of per-run medians), a body of 64 KiB chunks through this module's S3 client, MiB/s:
 *
 *   body      one streamed   multipart (lib-storage), part size × parts in flight
 *             PutObject      5 MiB×2   8 MiB×2   8 MiB×4   16 MiB×2   32 MiB×2
 *   1 MiB     97–112         86–103 (below one part: one PutObject of the buffered body)
 *   16 MiB    122–208        68        70–102    74–110    (one part)
 *   64 MiB    148            63        63        –         74
 *   256 MiB   171–246        58–85     56–128    72–138    73–127     113–149
 *   1 GiB     285–309        71        55–105    59–107    117–134    114–134
 *
 * Interleaved, 6 rounds at 256 MiB: 5 MiB×2 78, 8 MiB×2 99, 16 MiB×2 112, one PutObject 239.
 * Peak RSS growth of a fresh process over a 1 GiB upload: one PutObject +25–35 MiB; multipart
 * 5 MiB×2 +41, 8 MiB×2 +59–85, 10 MiB×2 +69, 8 MiB×3 or ×4 +100, 16 MiB×2 +155 (lib-storage
 * concatenates each part and keeps the previous buffer alive through the remainder's view).
 * putObjectStream itself (SHA-256 on the way, ~1 GiB/s of one core): 0.87–1.04× a bare streamed
 * PutObject with the size declared, 0.28–0.33× without (multipart).
 *
 * Multipart costs s3rver every byte twice (the parts, then the object assembled from them) and
 * a deeper queue bought nothing reliable (one single-threaded server on 2 cores). So a declared
 * size up to S3_SINGLE_PUT_MAX_BYTES (default 1 GiB) goes as one streamed PutObject; above it, or
 * undeclared (a chunked request), multipart with 8 MiB parts, 2 in flight: faster than 5 MiB
 * parts, and about the issue's 64 MiB memory budget, which 16 MiB parts would double.
 */
export const PART_SIZE = 8 * MiB;
const QUEUE_SIZE = 2;

export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Body exceeds ${limit} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

/** The body ended before, or went on past, the size its sender declared (Content-Length). */
export class BodySizeMismatchError extends DomainError {
  constructor(
    readonly declared: number,
    readonly received: number,
  ) {
    super(
      'invalid',
      'body_size_mismatch',
      received > declared
        ? `The body is longer than its declared ${declared} bytes.`
        : `The body ended after ${received} of its declared ${declared} bytes.`,
      { what: received > declared ? 'longer' : 'shorter', declared, received },
    );
    this.name = 'BodySizeMismatchError';
  }
}

export type StoredObject = { size: number; sha256: string; etag: string | undefined };

type PutOptions = {
  key: string;
  body: ReadableStream<Uint8Array> | Readable;
  contentType?: string;
  maxBytes: number;
  /**
   * The body's declared length (the request's Content-Length), if its sender gave one: up to
   * S3_SINGLE_PUT_MAX_BYTES the body streams as one PutObject. A body that turns out shorter or
   * longer fails with BodySizeMismatchError. Ignored unless a non-negative safe integer.
   */
  size?: number;
  /** Called as bytes arrive (after the limit check), for progress reporting. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
};

/** The caller's AbortSignal fired. */
class UploadAbortedError extends Error {
  constructor() {
    super('Upload aborted');
    this.name = 'AbortError';
  }
}

const declaredSize = (size: number | undefined) =>
  size !== undefined && Number.isSafeInteger(size) && size >= 0 ? size : undefined;

/**
 * Counts, hashes and limits the body on its way to the store. With a declared size it holds
 * back the chunk that completes it until the body has ended: a longer body fails before the
 * store ever has the declared number of bytes (a PutObject with them would succeed).
 */
export class BodyMeter extends Transform {
  /** Bytes received so far (not `size`: lib-storage would read that as the body's length). */
  received = 0;
  readonly hash = createHash('sha256');
  /** The request the body is piped into (one PutObject), once the SDK pipes it. */
  target: ClientRequest | undefined;
  hasAnswer = false;
  private held: Buffer | undefined;

  constructor(private readonly limits: { maxBytes: number; declared?: number; onProgress?: (bytes: number) => void }) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    const { maxBytes, declared, onProgress } = this.limits;
    if (chunk.length === 0) return callback();
    this.received += chunk.length;
    if (this.received > maxBytes) return callback(new ObjectTooLargeError(maxBytes));
    if (declared !== undefined && this.received > declared)
      return callback(new BodySizeMismatchError(declared, this.received));
    this.hash.update(chunk);
    onProgress?.(this.received);
    if (this.received !== declared) return callback(null, chunk);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback) {
    const { declared } = this.limits;
    if (declared !== undefined && this.received < declared)
      return callback(new BodySizeMismatchError(declared, this.received));
    callback(null, this.held);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.target = destination as unknown as ClientRequest;
    this.target.once('response', () => (this.hasAnswer = true));

    return super.pipe(destination, options);
  }
}

/**
 * Streams a body into the bucket, hashing and counting as it goes; never holds more than a few
 * parts in memory. The object only becomes visible when the whole body arrived: on error, abort,
 * a body over `maxBytes` or one that does not match its declared `size`, nothing at `key`
 * changes (the PutObject is cut before its last byte, multipart uploads are aborted).
 */
export const putObjectStream = async (options: PutOptions): Promise<StoredObject> => {
  const source = options.body instanceof Readable ? options.body : Readable.fromWeb(options.body as never);
  const declared = declaredSize(options.size);
  if (declared !== undefined && declared > options.maxBytes) {
    source.destroy();
    throw new ObjectTooLargeError(options.maxBytes);
  }
  if (options.signal?.aborted) {
    source.destroy();
    throw new UploadAbortedError();
  }
  // Gone before we got to it (the client closed mid-body while the caller awaited the
  // database): piped now, it would never end, and the store would wait for bytes until its timeout.
  const failed = bodyAlreadyFailed(source);
  if (failed) throw failed;
  const meter = new BodyMeter({ maxBytes: options.maxBytes, declared, onProgress: options.onProgress });
  // Its errors are read from `meter.errored`; whoever reads the body (the SDK's pipe) may not listen.
  meter.on('error', () => {});
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError = error;
    meter.destroy(error);
  });
  source.pipe(meter);

  try {
    const target = { key: options.key, contentType: options.contentType, meter, signal: options.signal };
    const etag =
      declared !== undefined && declared <= env.S3_SINGLE_PUT_MAX_BYTES && env.S3_SINGLE_PUT_MAX_BYTES > 0
        ? await putOnce({ ...target, size: declared })
        : await putMultipart(target);
    if (sourceError) throw toError(sourceError);
    if (!meter.writableFinished) throw new Error('Upload ended before the body did');

    return { size: meter.received, sha256: meter.hash.digest('hex'), etag };
  } catch (error) {
    source.destroy();
    meter.destroy();
    // The body explains it (over the limit, not its declared size, aborted, the client's body
    // failing) before the storage error does: the SDK's AbortError, or lib-storage's on the meter
    // when it stops reading, would hide a storage timeout that should answer 503.
    const bodyError = isBodyError(meter.errored) ? meter.errored : undefined;
    throw toError(bodyError ?? sourceError ?? error);
  }
};

const isBodyError = (error: unknown): error is Error =>
  error instanceof ObjectTooLargeError || error instanceof BodySizeMismatchError || error instanceof UploadAbortedError;

const SILENT_LOGGER = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type Target = { key: string; contentType?: string; meter: BodyMeter; signal?: AbortSignal };

/**
 * One PutObject with the body streamed (Content-Length: the declared size). An abort before the
 * last byte cuts the request, so the store discards it; once the store has every byte it decides,
 * so an abort then waits for its answer (bounded by S3_REQUEST_TIMEOUT_MS) and deletes what it stored.
 */
const putOnce = async ({ key, contentType, meter, signal, size }: Target & { size: number }) => {
  const request = new AbortController();
  meter.once('error', () => request.abort());
  let isAborted = false;
  let isBodySent = false;
  meter.once('end', () => (isBodySent = true));
  const onAbort = () => {
    isAborted = true;
    if (!isBodySent) meter.destroy(new UploadAbortedError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = watchStoreSilence(meter, env.S3_REQUEST_TIMEOUT_MS);
  try {
    // A store has an empty body as soon as it has the headers: send none until the body ended empty.
    if (size === 0) {
      await finished(meter, { readable: false });
      isBodySent = true;
    }
    const command = new PutObjectCommand({
      Bucket: env.S3_BUCKET,
      Key: key,
      Body: size === 0 ? Buffer.alloc(0) : meter,
      ContentLength: size,
      ContentType: contentType,
    });
    // The SDK prints "An error was encountered in a non-retryable streaming request." on the
    // console for every failed streamed request; the failure is already the caller's error.
    command.middlewareStack.add(
      (next, context) => (args) => {
        context.logger = SILENT_LOGGER;

        return next(args);
      },
      { step: 'initialize', name: 'silentStreamingRetry' },
    );
    const result = await getS3().send(command, { abortSignal: request.signal });
    if (isAborted) {
      await deleteObject(key).catch(() => {});
      throw new UploadAbortedError();
    }

    return result.ETag;
  } finally {
    stopWatching();
    // The store may answer (an error) before it has the body; the request must not stay open.
    if (meter.target && !meter.target.writableFinished) meter.target.destroy();
    signal?.removeEventListener('abort', onAbort);
  }
};

/**
 * S3_REQUEST_TIMEOUT_MS bounds the store's silence, not the sender's: the client's socket timer
 * would also count an editor's upload pausing mid-body as the store's. While a body streams into
 * one PutObject this replaces it, counting only the time the store has bytes waiting and takes
 * none, or has every byte and does not answer; then it ends the request with the TimeoutError the
 * client's handler uses for a stall (503, and the next requests probe the endpoint first).
 */
const watchStoreSilence = (meter: BodyMeter, timeoutMs: number) => {
  let lastProgress = Date.now();
  let delivered = 0;
  const timer = setInterval(
    () => {
      const request = meter.target;
      if (!request) return; // not piped yet (awaiting 100 Continue): the client's own timer runs
      if (request.destroyed || meter.hasAnswer) return clearInterval(timer);
      if (request.socket?.timeout) request.socket.setTimeout(0);
      const waiting = meter.readableLength + request.writableLength;
      const isSenderBehind = waiting === 0 && !meter.readableEnded;
      const nowDelivered = meter.received - waiting;
      if (isSenderBehind || nowDelivered > delivered) lastProgress = Date.now();
      delivered = nowDelivered;
      if (Date.now() - lastProgress < timeoutMs) return;
      clearInterval(timer);
      const stall = new Error(`storage took no bytes and sent no answer for ${timeoutMs} ms during an upload`);
      request.destroy(Object.assign(stall, { name: 'TimeoutError' }));
    },
    Math.max(25, timeoutMs / 5),
  );
  timer.unref();

  return () => clearInterval(timer);
};

/** lib-storage multipart: PART_SIZE parts, QUEUE_SIZE in flight; aborted (parts removed) on any failure. */
const putMultipart = async ({ key, contentType, meter, signal }: Target) => {
  const upload = new Upload({
    client: getS3(),
    params: { Bucket: env.S3_BUCKET, Key: key, Body: meter, ContentType: contentType },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const onAbort = () => {
    meter.destroy(new UploadAbortedError());
    void upload.abort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return (await upload.done()).ETag;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
};

const toError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

export const getObjectStream = async (key: string, range?: string) => {
  const result = await getS3().send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: key, Range: range }));

  return {
    body: result.Body!.transformToWebStream() as ReadableStream<Uint8Array>,
    size: result.ContentLength ?? 0,
    etag: result.ETag,
    contentType: result.ContentType,
  };
};

/**
 * GetObject's body as the Node stream the SDK received it on (on Node, an IncomingMessage), for
 * servers writing it to a Node response: web streams cost a promise per chunk, which for a
 * 256 MiB GetFile doubled the web server's CPU per MiB next to the bench's floor. Same shape
 * and errors as getObjectStream; the caller must consume or destroy `body`.
 */
export const getObjectNodeStream = async (key: string) => {
  const result = await getS3().send(new GetObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
  const body = result.Body;

  return {
    body: body instanceof Readable ? body : Readable.fromWeb(body!.transformToWebStream() as never),
    size: result.ContentLength ?? 0,
    etag: result.ETag,
  };
};

/**
 * An ETag that names bytes, or undefined: an empty one (`""`, which the embedded s3rver answered
 * while it rewrote an object's MD5 file in place; patches/s3rver+3.7.1.patch) describes nothing,
 * and compared with a real one it would look like another tool's change.
 */
export const etagOf = (etag: string | undefined) => (etag && etag !== '""' ? etag : undefined);

export const headObject = async (key: string) => {
  try {
    const result = await getS3().send(new HeadObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));

    return { size: result.ContentLength ?? 0, etag: etagOf(result.ETag), lastModified: result.LastModified };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
};

/**
 * Server-side copy (single request: objects up to 5 GB, above MAX_UPLOAD_BYTES' ceiling). The
 * copy source is URL-encoded as the S3 API specifies (CopyObject, x-amz-copy-source), so keys
 * with "& # + , = @ $ ; %" and non-ASCII work. `ifMatch`: copy only that version of the
 * source (x-amz-copy-source-if-match; the store answers 412 otherwise, where it enforces it).
 */
export const copyObject = async (source: string, destination: string, { ifMatch }: { ifMatch?: string } = {}) => {
  const result = await getS3().send(
    new CopyObjectCommand({
      Bucket: env.S3_BUCKET,
      Key: destination,
      CopySource: `${env.S3_BUCKET}/${encodeURIComponent(source).replace(/%2F/g, '/')}`,
      CopySourceIfMatch: ifMatch,
    }),
  );
  // The answer's ETag is recorded as the visible object's (syncMirror, rename, mirror repair);
  // without a usable one, the copy's own HEAD says what landed — a row left with the previous
  // ETag would take the next HEAD for another tool's change.
  const etag = etagOf(result.CopyObjectResult?.ETag);

  return { etag: etag ?? (await headObject(destination))?.etag };
};

export const deleteObject = async (key: string) => {
  await getS3().send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
};

export type ListedObject = { key: string; size: number; etag: string | undefined; lastModified: Date | undefined };

/** One page (≤1000 keys) of the objects directly under `prefix`, plus its sub-prefixes. */
export const listPage = async (options: { prefix: string; delimiter?: string; continuationToken?: string }) => {
  const result = await getS3().send(
    new ListObjectsV2Command({
      Bucket: env.S3_BUCKET,
      Prefix: options.prefix,
      Delimiter: options.delimiter,
      ContinuationToken: options.continuationToken,
      MaxKeys: 1000,
    }),
  );
  const objects: ListedObject[] = (result.Contents ?? []).map((item) => ({
    key: item.Key!,
    size: item.Size ?? 0,
    etag: etagOf(item.ETag),
    lastModified: item.LastModified,
  }));
  const prefixes = (result.CommonPrefixes ?? []).map((item) => item.Prefix!).filter(Boolean);

  return { objects, prefixes, next: result.IsTruncated ? result.NextContinuationToken : undefined };
};

/**
 * Deletes up to 1000 keys per DeleteObjects request; returns the keys the store could not delete
 * (a key that does not exist counts as deleted, as in S3).
 */
export const deleteObjects = async (keys: string[]) => {
  const failed: { key: string; message: string }[] = [];
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    const result = await getS3().send(
      new DeleteObjectsCommand({
        Bucket: env.S3_BUCKET,
        Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
      }),
    );
    for (const error of result.Errors ?? []) {
      if (error.Key) failed.push({ key: error.Key, message: error.Message ?? error.Code ?? 'not deleted' });
    }
  }

  return failed;
};

export type MultipartUpload = { key: string; uploadId: string; initiated: Date | undefined };

/** One page (≤1000) of the multipart uploads started under `prefix` and neither completed nor aborted. */
export const listMultipartUploadsPage = async (options: {
  prefix: string;
  keyMarker?: string;
  uploadIdMarker?: string;
}) => {
  const result = await getS3().send(
    new ListMultipartUploadsCommand({
      Bucket: env.S3_BUCKET,
      Prefix: options.prefix,
      KeyMarker: options.keyMarker,
      UploadIdMarker: options.uploadIdMarker,
      MaxUploads: 1000,
    }),
  );
  const uploads: MultipartUpload[] = (result.Uploads ?? [])
    .filter((upload) => upload.Key && upload.UploadId)
    .map((upload) => ({ key: upload.Key!, uploadId: upload.UploadId!, initiated: upload.Initiated }));
  const next = result.IsTruncated
    ? { keyMarker: result.NextKeyMarker, uploadIdMarker: result.NextUploadIdMarker }
    : undefined;

  return { uploads, next };
};

/** Aborts a multipart upload, removing its parts; one already gone (NoSuchUpload) counts as aborted. */
export const abortMultipartUpload = async ({ key, uploadId }: { key: string; uploadId: string }) => {
  try {
    await getS3().send(new AbortMultipartUploadCommand({ Bucket: env.S3_BUCKET, Key: key, UploadId: uploadId }));
  } catch (error) {
    if (!isNotFound(error) && (error as { name?: string }).name !== 'NoSuchUpload') throw error;
  }
};

export const checkBucket = async () => {
  await getS3().send(new HeadBucketCommand({ Bucket: env.S3_BUCKET }));
};

/** Creates the bucket when the server says it does not exist (MinIO, a fresh account). */
export const ensureBucket = async () => {
  try {
    await checkBucket();

    return { created: false };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  await getS3().send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));

  return { created: true };
};

export const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };

  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};
