import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
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
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { env } from '@/lib/env';
import { getS3 } from '@/lib/storage/client';

export const PART_SIZE = 5 * 1024 * 1024;

export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Body exceeds ${limit} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

export type StoredObject = { size: number; sha256: string; etag: string | undefined };

type PutOptions = {
  key: string;
  body: ReadableStream<Uint8Array> | Readable;
  contentType?: string;
  maxBytes: number;
  /** Called as bytes arrive (after the limit check), for progress reporting. */
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
};

/**
 * Streams a body into the bucket, hashing and counting as it goes; never holds more than a few
 * parts in memory. The object only becomes visible when the whole body arrived: on error, abort
 * or a body over `maxBytes` nothing at `key` changes (multipart uploads are aborted).
 */
export const putObjectStream = async (options: PutOptions): Promise<StoredObject> => {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.maxBytes) return callback(new ObjectTooLargeError(options.maxBytes));
      hash.update(chunk);
      options.onProgress?.(size);
      callback(null, chunk);
    },
  });
  const source = options.body instanceof Readable ? options.body : Readable.fromWeb(options.body as never);
  let sourceError: unknown;
  source.on('error', (error) => {
    sourceError = error;
    meter.destroy(error);
  });
  source.pipe(meter);

  const upload = new Upload({
    client: getS3(),
    params: { Bucket: env.S3_BUCKET, Key: options.key, Body: meter, ContentType: options.contentType },
    partSize: PART_SIZE,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const onAbort = () => {
    meter.destroy(new Error('Upload aborted'));
    void upload.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await upload.done();
    if (sourceError) throw toError(sourceError);
    if (!meter.writableFinished) throw new Error('Upload ended before the body did');

    return { size, sha256: hash.digest('hex'), etag: result.ETag };
  } catch (error) {
    source.destroy();
    // The body over the limit, or the client's body failing, explain it; otherwise the storage
    // error does (lib-storage leaves an AbortError on the meter when it stops reading, which
    // would hide a storage timeout that should answer 503).
    const tooLarge = meter.errored instanceof ObjectTooLargeError ? meter.errored : undefined;
    throw toError(tooLarge ?? sourceError ?? error);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
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

export const headObject = async (key: string) => {
  try {
    const result = await getS3().send(new HeadObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));

    return { size: result.ContentLength ?? 0, etag: result.ETag, lastModified: result.LastModified };
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

  return { etag: result.CopyObjectResult?.ETag };
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
    etag: item.ETag,
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
