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
 *
 * With `postgres` in the config, the same server also answers under /pg/wopi/files/… as the
 * floor of a host that keeps its state in Postgres (what the portal must be, for several
 * instances): the access token's HS256 signature and expiry verified (HMAC-SHA256 with the
 * portal's secret, constant-time compare; not its audience, issuer or file), then CheckFileInfo
 * runs the portal's own context query (WOPI_CONTEXT_SQL, one round trip) before the constant
 * JSON: a bound for that request. LOCK/UNLOCK are one atomic, durable statement each on a table
 * of the floor's own (schema bench_floor_<random>, dropped on exit), sent one by one: a
 * reference, not a bound, since the portal's lock changes also check the context and write an
 * audit row, but go to Postgres batched (group commit), which can beat one statement per
 * request at many connections. Still skipped: the audit row, roles and permissions, the JSON
 * built from the row, logging.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { WOPI_CONTEXT_SQL } from '@/lib/server/wopi-context-sql';

export type FloorConfig = {
  /** The body CheckFileInfo answers with, verbatim. */
  checkFileInfo: string;
  /** Where GetFile/PutFile stream to; without it, /contents answers 501. */
  s3?: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; keyPrefix: string };
  /** Enables /pg/wopi/files/…: the portal's database (a throwaway one: a schema is created) and token secret. */
  postgres?: { databaseUrl: string; tokenSecret: string };
};

const LOCK_TTL_MS = 30 * 60_000;
const ROUTE = /^\/wopi\/files\/([\w.-]{1,128})(\/contents)?$/;
const PG_ROUTE = /^\/pg\/wopi\/files\/([\w.-]{1,128})$/;
const TOKEN = /(?:^|&)access_token=[^&]/;
const TOKEN_VALUE = /(?:^|&)access_token=([^&]*)/;
const COMMON = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

const lines = createInterface({ input: process.stdin });
const config = await new Promise<FloorConfig>((resolve) =>
  lines.once('line', (line) => resolve(JSON.parse(line) as FloorConfig)),
);
/** Drops the floor's lock table first (the bench's database outlives us only when it is not throwaway). */
let quitting = false;
const quit = () => {
  if (quitting) return;
  quitting = true;
  const pool = database?.pool;
  if (!pool) process.exit(0);
  void pool
    .query(`DROP SCHEMA IF EXISTS ${FLOOR_SCHEMA} CASCADE`)
    .catch(() => undefined)
    .finally(() => process.exit(0));
};
// The bench holds our stdin: when it goes away, so do we.
lines.once('close', quit);

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

/** Its own schema per floor process: two floors on one database never drop each other's table. */
const FLOOR_SCHEMA = `bench_floor_${randomBytes(6).toString('hex')}`;
const HELD = `held AS (SELECT lock_id FROM ${FLOOR_SCHEMA}.locks WHERE document_id = $1::uuid AND expires_at > $3)`;
const VERDICT = 'SELECT EXISTS (SELECT 1 FROM change) AS changed, (SELECT lock_id FROM held) AS held';
/** LOCK (or refresh with the same id, or take over an expired one) and UNLOCK: one statement each, as the portal's. */
const LOCK_SQL = {
  LOCK: `WITH ${HELD},
    change AS (INSERT INTO ${FLOOR_SCHEMA}.locks AS l (document_id, lock_id, expires_at) VALUES ($1::uuid, $2, $4)
               ON CONFLICT (document_id) DO UPDATE SET lock_id = EXCLUDED.lock_id, expires_at = EXCLUDED.expires_at
               WHERE l.lock_id = EXCLUDED.lock_id OR l.expires_at <= $3 RETURNING 1)
    ${VERDICT}`,
  // Expired, not deleted: the next LOCK is then an update of no indexed column (as the portal's UNLOCK).
  UNLOCK: `WITH ${HELD},
    change AS (UPDATE ${FLOOR_SCHEMA}.locks SET expires_at = 'epoch'
               WHERE document_id = $1::uuid AND lock_id = $2 AND expires_at > $3 RETURNING 1)
    ${VERDICT}`,
};

const database = config.postgres && {
  pool: new pg.Pool({ connectionString: config.postgres.databaseUrl, max: 10 }),
  key: createSecretKey(Buffer.from(config.postgres.tokenSecret, 'utf8')),
};
type Database = NonNullable<typeof database>;
if (database) {
  await database.pool.query(
    `CREATE SCHEMA IF NOT EXISTS ${FLOOR_SCHEMA};
     CREATE TABLE IF NOT EXISTS ${FLOOR_SCHEMA}.locks (document_id uuid PRIMARY KEY, lock_id text NOT NULL, expires_at timestamptz NOT NULL)`,
  );
}

/** The token's user id when its HS256 signature (constant-time compare) and expiry hold, else null. */
const userOf = (store: Database, query: string) => {
  try {
    const token = decodeURIComponent(TOKEN_VALUE.exec(query)?.[1] ?? '');
    const [header, payload, signature, extra] = token.split('.');
    if (!header || !payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(createHmac('sha256', store.key).update(`${header}.${payload}`).digest('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };

    return typeof claims.sub === 'string' && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now()
      ? claims.sub
      : null;
  } catch {
    return null;
  }
};

/** /pg/wopi/files/{id}: CheckFileInfo after the portal's context query; LOCK/UNLOCK as one statement. */
const onPostgres = async (
  store: Database,
  req: IncomingMessage,
  res: ServerResponse,
  fileId: string,
  query: string,
) => {
  const userId = userOf(store, query);
  if (!userId) return answer(req, res, 401);
  if (req.method === 'GET') {
    const { rows } = await store.pool.query<{ user: unknown; document: unknown }>({
      name: 'floor-context',
      text: WOPI_CONTEXT_SQL,
      values: [userId, fileId],
    });
    if (!rows[0]?.user || !rows[0].document) return answer(req, res, 404);

    return void res.writeHead(200, cfiHeaders).end(cfiBody);
  }
  if (req.method !== 'POST') return answer(req, res, 405);
  const override = header(req, 'x-wopi-override');
  const lockId = header(req, 'x-wopi-lock');
  if (override !== 'LOCK' && override !== 'UNLOCK') return answer(req, res, 501);
  if (!lockId) return answer(req, res, 400);
  const now = new Date();
  const values: unknown[] = [fileId, lockId, now];
  if (override === 'LOCK') values.push(new Date(now.getTime() + LOCK_TTL_MS));
  const { rows } = await store.pool.query<{ changed: boolean; held: string | null }>({
    name: `floor-${override}`,
    text: LOCK_SQL[override],
    values,
  });
  if (rows[0]?.changed) return answer(req, res, 200);
  answer(req, res, 409, { 'X-WOPI-Lock': rows[0]?.held ?? '' });
};

const fail = (req: IncomingMessage, res: ServerResponse, path: string, error: unknown) => {
  process.stderr.write(`[floor] ${req.method} ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
  if (res.headersSent) res.destroy();
  else answer(req, res, 500);
};

const server = http.createServer((req, res) => {
  const [path = '', query = ''] = (req.url ?? '').split('?', 2);
  const onPg = PG_ROUTE.exec(path);
  if (onPg) {
    if (!database) return answer(req, res, 501);

    return void onPostgres(database, req, res, onPg[1]!, query).catch((error: unknown) => fail(req, res, path, error));
  }
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
  (isPut ? putFile(s3, req, res, fileId, key) : getFile(s3, res, key)).catch((error: unknown) =>
    fail(req, res, path, error),
  );
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
