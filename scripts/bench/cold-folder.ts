/**
 * The first visit of a folder the portal has never listed: `count` small objects are written
 * straight into the bucket (as another tool would), then GET /?folder=… is timed until its whole
 * HTML has arrived, signed in as the seeded admin. The page is polled afterwards until it lists
 * every object without the "still reading" notice, and visited once more warm. The objects stay:
 * they go with the throwaway portal (deleting 10,000 objects from s3rver takes minutes).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ACCOUNTS } from '../lib/portal';
import { createClient, expectStatus, type Client, type Reply } from './load';

export const COLD_FOLDER_OBJECTS = 10_000;
const SEED_CONCURRENCY = 32;
const POLL_EVERY_MS = 250;
const COMPLETE_TIMEOUT_MS = 180_000;

export type ColdFolder = {
  objects: number;
  seedSeconds: number;
  /** GET /?folder=… of the cold folder, request sent → last byte of the HTML. */
  firstPageMs: number;
  /** Document rows that page showed (a full first page is 50). */
  firstPageRows: number;
  /** The documents the portal knew of at that moment (its pagination), null when it showed one page or none. */
  firstPageTotal: number | null;
  /** It said the folder was still being read. */
  isReading: boolean;
  /** From the first request until a visit listed every object without that notice; null: not within the timeout. */
  completeMs: number | null;
  /** A visit after that. */
  warmPageMs: number;
};

type Options = {
  baseUrl: string;
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  count?: number;
  log: (line: string) => void;
  signal: AbortSignal;
};

const cookiesOf = (reply: Reply) =>
  (reply.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!).filter(Boolean);

/** next-auth v4 credentials sign-in over HTTP (as tests/e2e/fixtures.ts does); returns the Cookie header. */
export const signIn = async (client: Client, baseUrl: string) => {
  const csrf = expectStatus(await client.request('GET', `${baseUrl}/api/auth/csrf`), 200, 'GET /api/auth/csrf');
  const { csrfToken } = JSON.parse(csrf.body.toString()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, ...ACCOUNTS.ADMIN, json: 'true' }).toString();
  const signedIn = await client.request(
    'POST',
    `${baseUrl}/api/auth/callback/credentials`,
    { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(csrf).join('; ') },
    Buffer.from(form),
  );
  const cookies = [...cookiesOf(csrf), ...cookiesOf(signedIn)];
  if (!cookies.some((cookie) => cookie.includes('session-token=')))
    throw new Error(`sign-in as ${ACCOUNTS.ADMIN.email} set no session cookie (HTTP ${signedIn.status})`);

  return cookies.join('; ');
};

const count = (html: string, marker: string) => html.split(marker).length - 1;

const visit = async (client: Client, url: string, cookie: string) => {
  const started = performance.now();
  const reply = expectStatus(await client.request('GET', url, { cookie }), 200, 'GET /?folder=');
  const ms = performance.now() - started;
  // React separates text parts with empty comments: "(<!-- -->10000<!-- --> documents)".
  const html = reply.body.toString('utf8').replaceAll('<!-- -->', '');
  const total = /\(([\d,]+) documents\)/.exec(html)?.[1];

  return {
    ms,
    rows: count(html, 'data-testid="document-row"'),
    total: total ? Number(total.replace(/,/g, '')) : null,
    isReading: html.includes('data-testid="folder-sync-notice"'),
  };
};

const seed = async (s3: S3Client, bucket: string, keys: string[], signal: AbortSignal) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < keys.length) {
        signal.throwIfAborted();
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys[next++]!, Body: 'cold' }));
      }
    }),
  );
};

/** Seeds a folder of `count` objects (default 10,000) in the portal's bucket (S3_PREFIX empty) and times its first visit. */
export const measureColdFolder = async ({
  baseUrl,
  s3: target,
  count: objects = COLD_FOLDER_OBJECTS,
  log,
  signal,
}: Options) => {
  const s3 = new S3Client({
    endpoint: target.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  });
  const client = createClient();
  const folder = `bench-cold-${randomUUID().slice(0, 8)}`;
  const keys = Array.from({ length: objects }, (_, index) => `${folder}/doc-${String(index).padStart(5, '0')}.txt`);
  try {
    const cookie = await signIn(client, baseUrl);
    // A cold folder, not a cold server: the list page is compiled and loaded once before.
    await visit(client, `${baseUrl}/`, cookie);
    const seeding = performance.now();
    await seed(s3, target.bucket, keys, signal);
    const seedSeconds = (performance.now() - seeding) / 1000;
    log(`Cold folder: ${objects} objects written in ${seedSeconds.toFixed(1)} s; visiting it…`);
    const url = `${baseUrl}/?folder=${encodeURIComponent(folder)}`;
    const started = performance.now();
    const first = await visit(client, url, cookie);
    const isComplete = (seen: typeof first) => !seen.isReading && (seen.total ?? seen.rows) === objects;
    let completeMs = isComplete(first) ? first.ms : null;
    while (completeMs === null && performance.now() - started < COMPLETE_TIMEOUT_MS) {
      await sleep(POLL_EVERY_MS, undefined, { signal });
      if (isComplete(await visit(client, url, cookie))) completeMs = performance.now() - started;
    }
    const warm = await visit(client, url, cookie);
    const result: ColdFolder = {
      objects,
      seedSeconds,
      firstPageMs: first.ms,
      firstPageRows: first.rows,
      firstPageTotal: first.total,
      isReading: first.isReading,
      completeMs,
      warmPageMs: warm.ms,
    };
    log(
      `Cold folder: first page ${first.ms.toFixed(0)} ms (${first.rows} rows, ${first.total ?? '?'} known, ` +
        `${first.isReading ? 'still reading' : 'complete'}), all listed after ${completeMs === null ? 'timeout' : `${(completeMs / 1000).toFixed(1)} s`}, ` +
        `warm ${warm.ms.toFixed(0)} ms`,
    );

    return result;
  } finally {
    client.close();
    s3.destroy();
  }
};
