import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedS3, type EmbeddedS3Handle } from '@/lib/embedded/s3';
import { setRuntimeEnv } from '@/lib/env';
import { unavailableOf } from '@/lib/errors';
import { resetS3 } from '@/lib/storage/client';
import {
  BodySizeMismatchError,
  getObjectStream,
  headObject,
  listMultipartUploadsPage,
  putObjectStream,
} from '@/lib/storage/objects';
import { freePort } from '../../support/ports';
import { timed, whileStalled } from '../faults/private-services';

// A streamed PutObject that fails must leave nothing on the embedded store's disk: s3rver wrote
// a PUT's body straight into the object's file, so a cut request left a truncated object at the
// key (patches/s3rver+3.7.1.patch stages it under ._S3rver_uploads/.put-* and renames it into
// place only once complete). These run on an s3rver of their own, to look at every file it has
// and to stall it (SIGSTOP) without failing other test files.

const MiB = 1024 * 1024;
const BUCKET = 'put-disk';
const TIMEOUT_MS = 1000;

const S3_SETTINGS = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_BUCKET', 'S3_REQUEST_TIMEOUT_MS'];

let s3: EmbeddedS3Handle;
let dataDir: string;
let previous: Record<string, string | undefined>;
beforeAll(async () => {
  previous = Object.fromEntries(S3_SETTINGS.map((name) => [name, process.env[name]]));
  dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-put-disk-'));
  s3 = await startEmbeddedS3({ dataDir, port: await freePort(), bucket: BUCKET });
  setRuntimeEnv({
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_BUCKET: BUCKET,
    S3_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  resetS3();
});
afterAll(async () => {
  resetS3();
  if (previous) setRuntimeEnv(previous);
  await s3?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const bucketDir = () => path.join(dataDir, BUCKET);
const uploadsDir = () => path.join(bucketDir(), '._S3rver_uploads');

/** Every file in the bucket's folder, relative to it. */
const filesOnDisk = async (dir = bucketDir()): Promise<string[]> => {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesOnDisk(full)));
    else files.push(path.relative(bucketDir(), full));
  }

  return files.sort();
};
const stagingFiles = async () =>
  (await readdir(uploadsDir()).catch(() => [] as string[])).filter((name) => name.startsWith('.put-'));
/**
 * No staging file is left. The embedded S3 server also stages copies and metadata writes there
 * (patches/s3rver+3.7.1.patch), and other test files share it: their in-flight writes come and go,
 * so this waits for the directory to empty; a file this PUT left behind never goes.
 */
const expectNoStagingFiles = () => expect.poll(stagingFiles, { timeout: 15_000, interval: 100 }).toEqual([]);
const filesUnder = async (folder: string) => (await filesOnDisk()).filter((file) => file.startsWith(`${folder}/`));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newFolder = () => `disk-${randomUUID().slice(0, 8)}`;

/** Sends `first`, then waits for `release` before the rest. */
const gated = (first: Buffer, rest: Buffer) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let markSent!: () => void;
  const firstSent = new Promise<void>((resolve) => (markSent = resolve));
  const body = Readable.from(
    (async function* () {
      yield first;
      markSent();
      await released;
      yield rest;
    })(),
  );

  return { body, firstSent, release };
};

const bytesAt = async (key: string) => {
  const chunks: Buffer[] = [];
  for await (const chunk of (await getObjectStream(key)).body as unknown as AsyncIterable<Uint8Array>)
    chunks.push(Buffer.from(chunk));

  return Buffer.concat(chunks);
};

describe('streamed PutObject on the embedded s3rver: on disk only once complete', () => {
  it('PUT mid-body → no object through the API nor its file on disk, the body in one staging file; aborted → no file left at all', async () => {
    const folder = newFolder();
    const key = `${folder}/aborted.bin`;
    const controller = new AbortController();
    const { body, firstSent } = gated(randomBytes(3 * MiB), randomBytes(3 * MiB));
    const put = putObjectStream({ key, body, size: 6 * MiB, maxBytes: 64 * MiB, signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    await firstSent;
    await sleep(300);
    expect(await headObject(key)).toBeNull();
    expect(await filesUnder(folder)).toEqual([]);
    expect((await stagingFiles()).length).toBeGreaterThanOrEqual(1);

    controller.abort();
    expect(await put).toMatchObject({ name: 'AbortError' });
    await sleep(300);
    expect(await headObject(key)).toBeNull();
    expect(await filesUnder(folder)).toEqual([]);
    await expectNoStagingFiles();
  });

  it('PUT replacing an object, with a body shorter than declared → BodySizeMismatchError; the previous object intact on disk', async () => {
    const folder = newFolder();
    const key = `${folder}/replaced.bin`;
    const previous = randomBytes(2 * MiB);
    await putObjectStream({ key, body: Readable.from([previous]), size: previous.length, maxBytes: 64 * MiB });
    const before = await filesUnder(folder);

    const error = await putObjectStream({
      key,
      body: Readable.from([randomBytes(MiB)]),
      size: 4 * MiB,
      maxBytes: 64 * MiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodySizeMismatchError);
    await sleep(300);
    expect((await bytesAt(key)).equals(previous)).toBe(true);
    expect(await filesUnder(folder)).toEqual(before);
    await expectNoStagingFiles();
  });

  it('PUT with a body longer than declared → BodySizeMismatchError; no file left', async () => {
    const folder = newFolder();
    const key = `${folder}/long.bin`;
    const error = await putObjectStream({
      key,
      body: Readable.from([randomBytes(2 * MiB), randomBytes(10)]),
      size: 2 * MiB,
      maxBytes: 64 * MiB,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodySizeMismatchError);
    await sleep(300);
    expect(await filesUnder(folder)).toEqual([]);
    await expectNoStagingFiles();
  });

  it(`PUT with S3 stalled (SIGSTOP) mid-body → storage unavailable within S3_REQUEST_TIMEOUT_MS (${TIMEOUT_MS} ms) + 2 s; after SIGCONT no object and no file left`, async () => {
    const folder = newFolder();
    const key = `${folder}/stalled.bin`;
    const { body, firstSent, release } = gated(randomBytes(MiB), randomBytes(31 * MiB));
    const put = putObjectStream({ key, body, size: 32 * MiB, maxBytes: 64 * MiB }).catch((e: unknown) => e);
    await firstSent;
    await sleep(200);
    const { result: error, ms } = await whileStalled([s3.pid!], () =>
      timed(async () => {
        release();

        return put;
      }),
    );
    expect(unavailableOf(error)?.dependency).toBe('storage');
    expect(ms).toBeLessThan(TIMEOUT_MS + 2000);
    await sleep(500);
    expect(await headObject(key)).toBeNull();
    expect(await filesUnder(folder)).toEqual([]);
    await expectNoStagingFiles();
  });

  it('a staging file untouched for over an hour (a server killed mid-PUT) → removed by the next ListMultipartUploads; a fresh one kept', async () => {
    await mkdir(uploadsDir(), { recursive: true });
    const old = path.join(uploadsDir(), '.put-0000000000000000');
    const fresh = path.join(uploadsDir(), '.put-1111111111111111');
    await writeFile(old, 'left by a killed server');
    await writeFile(fresh, 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    await utimes(old, twoHoursAgo, twoHoursAgo);

    expect((await listMultipartUploadsPage({ prefix: '' })).uploads).toEqual([]);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    await rm(fresh);
  });
});
