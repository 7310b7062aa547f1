/**
 * The front server's limits on clients (lib/server/front-server.ts): silence mid-request is
 * bounded by CLIENT_IDLE_TIMEOUT_MS (here 1.5 s), total duration is not; a client that goes away
 * mid-body is logged as such (status 499, the nginx convention for "client closed request"),
 * not as a server error, and its save changes nothing.
 */
import { request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onClientError } from '@/lib/server/api-errors';
import { createFrontServer } from '@/lib/server/front-server';
import { createWopiListener } from '@/lib/server/wopi-http';
import { defaultWopiRuntime } from '@/lib/server/wopi-runtime';
import { addDocument, uniqueFolder } from '../../support/documents';
import { capturedLog } from '../../support/captured-log';
import { makeUser } from '../../support/session';
import { tokenFor } from '../../support/wopi';

const IDLE_MS = 1500;

const { lines, log } = capturedLog();

let server: Server;
let origin = '';
beforeAll(async () => {
  const wopi = createWopiListener({ runtime: () => ({ ...defaultWopiRuntime(), log }) });
  // The production listener for /wopi with a log to read, behind the production front server.
  server = createFrontServer(wopi, { idleTimeoutMs: IDLE_MS, onClientError });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lockedDocument = async (body: string) => {
  const user = await makeUser('editor');
  const doc = await addDocument(uniqueFolder('client-timeouts'), 'Slow.docx', body, user.id);
  const token = await tokenFor(doc.id, user.id);
  const url = (path: string) => `${origin}/wopi/files/${doc.id}${path}?access_token=${encodeURIComponent(token)}`;
  const lock = await fetch(url(''), { method: 'POST', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L' } });
  expect(lock.status).toBe(200);

  return { id: doc.id, url };
};

type Outcome = { status: number | null; closedAfterMs: number };

/**
 * A PutFile declaring `size` bytes, sent by `send(write)`; resolves with the answer's status,
 * or null when the connection ended without one, and when that happened.
 */
const putFile = (
  url: string,
  size: number,
  send: (write: (bytes: Buffer) => void, destroy: () => void) => Promise<void>,
) =>
  new Promise<Outcome>((resolve) => {
    const started = Date.now();
    const request = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L', 'Content-Length': String(size) },
    });
    let isSettled = false;
    const settle = (status: number | null) => {
      if (isSettled) return;
      isSettled = true;
      resolve({ status, closedAfterMs: Date.now() - started });
    };
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => settle(response.statusCode ?? null));
    });
    request.on('error', () => settle(null));
    request.on('close', () => settle(null));
    void send(
      (bytes) => request.write(bytes),
      () => request.destroy(),
    ).then(() => request.end());
  });

const accessLine = (documentId: string) =>
  lines.find(
    (line) =>
      line.msg === 'WOPI request' && line.fields.documentId === documentId && line.fields.operation === 'PutFile',
  );

describe('front server: client silence bounded, total duration not', () => {
  it("no limit on a request's total duration (Node's default requestTimeout cut every request at 300 s with 408)", () => {
    expect(server.requestTimeout).toBe(0);
    expect(server.headersTimeout).toBe(60_000); // Node derives 0 from requestTimeout 0 unless set
    expect(server.timeout).toBe(IDLE_MS);
  });

  it('POST PutFile whose body trickles for 4 s (gaps of 400 ms, under the 1.5 s idle limit) → 200, stored', async () => {
    const doc = await lockedDocument('before');
    const chunk = Buffer.alloc(1000, 120);
    const outcome = await putFile(doc.url('/contents'), 10 * chunk.length, async (write) => {
      for (let i = 0; i < 10; i++) {
        write(chunk);
        await sleep(400);
      }
    });
    expect(outcome.status).toBe(200);
    expect(outcome.closedAfterMs).toBeGreaterThan(2 * IDLE_MS);
    const stored = Buffer.from(await (await fetch(doc.url('/contents'))).arrayBuffer());
    expect(stored.equals(Buffer.alloc(10_000, 120))).toBe(true);
  });

  it('POST PutFile that stops sending mid-body → connection closed after the 1.5 s idle limit, document unchanged, logged 499 and no error', async () => {
    const doc = await lockedDocument('before');
    lines.length = 0;
    const outcome = await putFile(doc.url('/contents'), 100_000, async (write) => {
      write(Buffer.alloc(10_000, 121));
      await sleep(10_000); // never sends the rest
    });
    expect(outcome.status).toBeNull();
    expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 100);
    expect(outcome.closedAfterMs).toBeLessThan(IDLE_MS + 3000);
    expect(await (await fetch(doc.url('/contents'))).text()).toBe('before');
    await sleep(200);
    expect(accessLine(doc.id)?.fields.status).toBe(499);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  }, 20_000);

  it('POST PutFile whose client goes away mid-body → document unchanged, logged 499 and no error', async () => {
    const doc = await lockedDocument('before');
    lines.length = 0;
    const outcome = await putFile(doc.url('/contents'), 1_000_000, async (write, destroy) => {
      write(Buffer.alloc(300_000, 122));
      await sleep(300);
      destroy();
    });
    expect(outcome.status).toBeNull();
    await sleep(500);
    expect(await (await fetch(doc.url('/contents'))).text()).toBe('before');
    expect(accessLine(doc.id)?.fields.status).toBe(499);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('the server silent for longer than the idle limit after the whole body arrived (its own slow work) → not cut, the answer arrives', async () => {
    const slow = createFrontServer(
      (req, res) => {
        req.resume();
        req.on('end', () => setTimeout(() => res.end('done'), 2 * IDLE_MS));
      },
      { idleTimeoutMs: IDLE_MS, onClientError },
    );
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`, {
        method: 'POST',
        body: 'x',
      });
      expect(await response.text()).toBe('done');
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  /**
   * A front server whose one answer is `answer(res)`, and a client that reads one chunk of it,
   * then nothing: resolves with how long after the request the server closed the connection.
   */
  const closedAfterClientStopsReading = async (answer: (res: ServerResponse) => void) => {
    let started = 0;
    let closed!: (ms: number) => void;
    const serverClosed = new Promise<number>((resolve) => (closed = resolve));
    const front = createFrontServer(
      (_req, res) => {
        res.once('close', () => closed(Date.now() - started));
        answer(res);
      },
      { idleTimeoutMs: IDLE_MS, onClientError },
    );
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      started = Date.now();
      // Reads one chunk, then nothing: the socket buffers fill and the server's writes stop.
      const client = httpRequest(
        `http://127.0.0.1:${(front.address() as AddressInfo).port}/`,
        { agent: false },
        (response) => response.once('data', () => response.pause()),
      );
      client.on('error', () => {});
      client.end();
      const closedAfterMs = await serverClosed;
      client.destroy();

      return closedAfterMs;
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
  };

  it('a client that stops reading a large answer → the server closes the connection once it has been silent for the idle limit', async () => {
    const closedAfterMs = await closedAfterClientStopsReading((res) => {
      const chunk = Buffer.alloc(1024 * 1024, 1);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 100);
    expect(closedAfterMs).toBeLessThan(IDLE_MS + 8000);
  }, 20_000);

  it('a client that stops reading an answer the server already ended (res.end of 64 MiB, as a GetFile ends) → closed once silent for the idle limit', async () => {
    const closedAfterMs = await closedAfterClientStopsReading((res) => res.end(Buffer.alloc(64 * 1024 * 1024, 1)));
    expect(closedAfterMs).toBeGreaterThanOrEqual(IDLE_MS - 100);
    expect(closedAfterMs).toBeLessThan(IDLE_MS + 8000);
  }, 20_000);
});

/** Head, `sent` of the `declared` body bytes and FIN in ONE write: node:http destroys the request before the operation reads it. */
const headPartAndFin = (url: string, headers: Record<string, string>, declared: number, sent: number) =>
  new Promise<void>((resolve, reject) => {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    const head =
      `POST ${pathname}${search} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${declared}\r\n` +
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('') +
      '\r\n';
    socket.on('error', () => {});
    socket.resume(); // reads the answer, if any, so the close arrives
    socket.on('close', () => resolve());
    socket.once('connect', () => socket.end(Buffer.concat([Buffer.from(head), Buffer.alloc(sent, 97)])));
    socket.setTimeout(10_000, () => reject(new Error('the server kept the connection for 10 s')));
  });

const lineOf = (documentId: string, operation: string) =>
  lines.find(
    (line) =>
      line.msg === 'WOPI request' && line.fields.documentId === documentId && line.fields.operation === operation,
  );

describe('a body already gone when the operation gets to it (head, part of the body and FIN in one write)', () => {
  // Before: the body was piped after node:http had destroyed it, so nothing ever ended it; the
  // store waited for bytes until its own timeout (60–80 s), then a 500 with a stack was logged.
  for (const [operation, path, headers] of [
    ['PutFile', '/contents', { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L' }],
    ['PUT_RELATIVE', '', { 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-RelativeTarget': 'Gone.docx' }],
    ['PUT_USER_INFO', '', { 'X-WOPI-Override': 'PUT_USER_INFO' }],
  ] as const) {
    it(`POST ${operation} declaring 10,000 bytes, sending 100, then FIN → logged 499 within 3 s, nothing changed, no error`, async () => {
      const doc = await lockedDocument('before');
      lines.length = 0;
      const started = Date.now();
      await headPartAndFin(doc.url(path), headers, 10_000, 100);
      while (!lineOf(doc.id, operation) && Date.now() - started < 3000) await sleep(25);
      expect(lineOf(doc.id, operation)?.fields.status).toBe(499);
      expect(await (await fetch(doc.url('/contents'))).text()).toBe('before');
      expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    });
  }
});
