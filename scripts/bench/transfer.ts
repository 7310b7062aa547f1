/**
 * Large bodies: deterministic pseudo-random bytes generated 1 MiB at a time (never the whole
 * body in memory) and hashed while sent; downloads hashed while read. PutFile and GetFile over
 * node's http with a keep-alive connection.
 */
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const MiB = 1024 * 1024;
const BLOCK_SIZE = MiB;

/** A fixed 1 MiB block: AES-128-CTR keystream under a constant key, so every run sends the same bytes. */
const BLOCK = (() => {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));

  return Buffer.concat([cipher.update(Buffer.alloc(BLOCK_SIZE)), cipher.final()]);
})();

/** `size` bytes: the block repeated, each copy stamped with its index; every chunk goes through `hash`. */
export function* deterministicBytes(size: number, hash: Hash): Generator<Buffer> {
  const blocks = Math.ceil(size / BLOCK_SIZE);
  for (let index = 0; index < blocks; index++) {
    const length = Math.min(BLOCK_SIZE, size - index * BLOCK_SIZE);
    const chunk = Buffer.allocUnsafe(length);
    BLOCK.copy(chunk, 0, 0, length);
    if (length >= 8) chunk.writeBigUInt64LE(BigInt(index) ^ chunk.readBigUInt64LE(0), 0);
    hash.update(chunk);
    yield chunk;
  }
}

export type Transfer = { bytes: number; seconds: number; mibPerSecond: number; sha256: string; status: number };

/**
 * Kept-alive connections, closed after 3 s unused (Agent `timeout`, set on free sockets): servers
 * close theirs after 5 s (node:http keepAliveTimeout), and a 256 MiB round leaves one side's
 * connection idle for about that long; reusing it just as the server closed it failed the run
 * with "socket hang up" (a body stream cannot be sent again).
 */
const transferAgent = new http.Agent({ keepAlive: true, maxSockets: 1, timeout: 3000 });
export const closeTransferAgent = () => transferAgent.destroy();

const TIMEOUT_MS = 600_000;

const result = (bytes: number, started: number, sha256: string, status: number): Transfer => {
  const seconds = (performance.now() - started) / 1000;

  return { bytes, seconds, mibPerSecond: bytes / MiB / seconds, sha256, status };
};

const readBody = (res: http.IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += text.length < 2000 ? chunk.toString() : ''));
    res.once('end', () => resolve(text));
    res.once('error', reject);
  });

/** PutFile: streams `size` deterministic bytes to {wopiSrc}/contents under `lockId`; 200 expected. */
export const putFile = async (options: {
  wopiSrc: string;
  token: string;
  lockId: string;
  size: number;
  signal?: AbortSignal;
}): Promise<Transfer> => {
  const hash = createHash('sha256');
  const started = performance.now();
  const url = `${options.wopiSrc}/contents?access_token=${encodeURIComponent(options.token)}`;
  const req = http.request(url, {
    method: 'POST',
    agent: transferAgent,
    timeout: TIMEOUT_MS,
    signal: options.signal,
    headers: {
      'X-WOPI-Override': 'PUT',
      'X-WOPI-Lock': options.lockId,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(options.size),
    },
  });
  req.once('timeout', () => req.destroy(new Error('PutFile timed out')));
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // An early answer (413, 409) ends the upload; the response says why.
  const sent = pipeline(Readable.from(deterministicBytes(options.size, hash)), req).catch(() => undefined);
  const res = await response;
  const text = await readBody(res);
  await sent;
  if (res.statusCode !== 200) throw new Error(`PutFile ${options.size} B: HTTP ${res.statusCode} ${text}`);

  return result(options.size, started, hash.digest('hex'), res.statusCode);
};

/** GetFile: reads {wopiSrc}/contents to the end, hashing it. */
export const getFile = async (options: { wopiSrc: string; token: string; signal?: AbortSignal }) => {
  const hash = createHash('sha256');
  const started = performance.now();
  const url = `${options.wopiSrc}/contents?access_token=${encodeURIComponent(options.token)}`;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(url, { agent: transferAgent, timeout: TIMEOUT_MS, signal: options.signal }, resolve);
    req.once('timeout', () => req.destroy(new Error('GetFile timed out')));
    req.once('error', reject);
    req.end();
  });
  if (res.statusCode !== 200) throw new Error(`GetFile: HTTP ${res.statusCode} ${await readBody(res)}`);
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    hash.update(chunk);
  }

  return result(bytes, started, hash.digest('hex'), res.statusCode);
};
