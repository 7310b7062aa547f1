/**
 * The bench's floor: what a Node.js WOPI host cannot avoid doing for the requests the bench
 * sends, on bare node:http, in its own process (so /proc reads its CPU apart from the portal's),
 * on 127.0.0.1 and a free port. Started by scripts/bench/floor.ts; reads one JSON line of
 * FloorConfig on stdin, prints {"port":N}, exits when stdin closes or on SIGTERM.
 *
 * Deliberately skipped, because they are the portal's own cost, which the ratios are there to show:
 * - auth: an access_token must be present, but it is never verified (no HMAC, no token-use row);
 * - the database: CheckFileInfo answers one constant JSON (the portal's own answer for the bench
 *   document, so the same fields and bytes), locks live in a Map in this process (30 min expiry kept);
 * - everything else per request: route table, fetch-API Request/Response bridge, logging, audit,
 *   proof keys, version bump, hashing, size limits, lib-storage multipart (one PutObject instead).
 * What is left (parse the request line, path, query and headers, answer with the protocol's
 * statuses and headers, stream bodies through one GetObject/PutObject to the same S3 server) is
 * what any host on Node pays on this machine: the portal can approach it, never beat it.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export type FloorConfig = {
  /** The body CheckFileInfo answers with, verbatim. */
  checkFileInfo: string;
  /** Where GetFile/PutFile stream to; without it, /contents answers 501. */
  s3?: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; keyPrefix: string };
};

const LOCK_TTL_MS = 30 * 60_000;
const ROUTE = /^\/wopi\/files\/([\w.-]{1,128})(\/contents)?$/;
const TOKEN = /(?:^|&)access_token=[^&]/;
const COMMON = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

const lines = createInterface({ input: process.stdin });
const config = await new Promise<FloorConfig>((resolve) =>
  lines.once('line', (line) => resolve(JSON.parse(line) as FloorConfig)),
);
// The bench holds our stdin: when it goes away, so do we.
lines.once('close', () => process.exit(0));

const cfiBody = Buffer.from(config.checkFileInfo);
const cfiHeaders = { ...COMMON, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': cfiBody.length };
const storage = config.s3;
const s3 = storage && {
  bucket: storage.bucket,
  keyPrefix: storage.keyPrefix,
  client: new S3Client({
    endpoint: storage.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    maxAttempts: 1,
  }),
};
type Storage = NonNullable<typeof s3>;

const locks = new Map<string, { lockId: string; expiresAt: number }>();
const currentLock = (fileId: string, now: number) => {
  const lock = locks.get(fileId);
  if (lock && lock.expiresAt <= now) locks.delete(fileId);

  return lock && lock.expiresAt > now ? lock.lockId : undefined;
};

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];

  return Array.isArray(value) ? value[0] : value;
};

/** An empty answer; whatever body the client sent is drained so the connection stays usable. */
const answer = (req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
  req.resume();
  res.writeHead(status, { ...COMMON, 'Content-Length': '0', ...headers }).end();
};

/** LOCK (or refresh with the same id) and UNLOCK; another lock, or UNLOCK of none → 409 + X-WOPI-Lock. */
const changeLock = (req: IncomingMessage, res: ServerResponse, fileId: string) => {
  const override = header(req, 'x-wopi-override');
  const lockId = header(req, 'x-wopi-lock');
  if (override !== 'LOCK' && override !== 'UNLOCK') return answer(req, res, 501);
  if (!lockId) return answer(req, res, 400);
  const now = Date.now();
  const current = currentLock(fileId, now);
  if (current !== lockId && (current !== undefined || override === 'UNLOCK'))
    return answer(req, res, 409, { 'X-WOPI-Lock': current ?? '' });
  if (override === 'LOCK') locks.set(fileId, { lockId, expiresAt: now + LOCK_TTL_MS });
  else locks.delete(fileId);
  answer(req, res, 200);
};

const getFile = async (store: Storage, res: ServerResponse, key: string) => {
  const object = await store.client.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  res.writeHead(200, {
    ...COMMON,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(object.ContentLength ?? 0),
    'X-WOPI-ItemVersion': object.ETag ?? '',
  });
  await pipeline(object.Body as Readable, res);
};

/** Under the caller's lock only; one streamed PutObject of exactly Content-Length bytes. */
const putFile = async (store: Storage, req: IncomingMessage, res: ServerResponse, fileId: string, key: string) => {
  const current = currentLock(fileId, Date.now());
  if (current === undefined || current !== header(req, 'x-wopi-lock'))
    return answer(req, res, 409, { 'X-WOPI-Lock': current ?? '' });
  const length = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(length)) return answer(req, res, 411);
  const put = new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: req, ContentLength: length });
  const result = await store.client.send(put);
  answer(req, res, 200, { 'X-WOPI-ItemVersion': result.ETag ?? '' });
};

const server = http.createServer((req, res) => {
  const [path = '', query = ''] = (req.url ?? '').split('?', 2);
  const match = ROUTE.exec(path);
  if (!match) return answer(req, res, 404);
  if (!TOKEN.test(query)) return answer(req, res, 401);
  const fileId = match[1]!;
  if (!match[2]) {
    if (req.method === 'GET') return void res.writeHead(200, cfiHeaders).end(cfiBody);
    if (req.method === 'POST') return changeLock(req, res, fileId);

    return answer(req, res, 405);
  }
  if (!s3) return answer(req, res, 501);
  const key = `${s3.keyPrefix}${fileId}`;
  const isPut = req.method === 'POST' && header(req, 'x-wopi-override') === 'PUT';
  if (req.method !== 'GET' && !isPut) return answer(req, res, 501);
  (isPut ? putFile(s3, req, res, fileId, key) : getFile(s3, res, key)).catch((error: unknown) => {
    process.stderr.write(`[floor] ${req.method} ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    if (res.headersSent) res.destroy();
    else answer(req, res, 500);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
