import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { responseHead, sendReply } from '@/lib/server/node-bridge';

// Backpressure waits add a 'drain' and a 'close' listener and must remove both, or a large
// GetFile grew listeners per chunk (MaxListenersExceededWarning by the thousand).

const CHUNK = 64 * 1024;

/** A server answering every request with `handler`; `get` reads the answer, pausing now and then. */
const serve = async (handler: (res: ServerResponse) => void) => {
  const server = createServer((_req, res) => handler(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const get = (onResponse?: (res: IncomingMessage) => void) =>
    new Promise<{ total: number; raw: IncomingMessage }>((resolve, reject) => {
      request({ host: '127.0.0.1', port }, (res) => {
        let total = 0;
        onResponse?.(res);
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          // A slow reader: pause now and then so the server's writes back up.
          res.pause();
          setImmediate(() => res.resume());
        });
        res.on('end', () => resolve({ total, raw: res }));
        res.on('error', reject);
        res.on('aborted', () => resolve({ total, raw: res }));
      })
        .on('error', reject)
        .end();
    });

  return { get, close: () => server.close() };
};

/** Counts backpressure waits and the most 'close'/'drain' listeners seen at once. */
const watchListeners = (res: ServerResponse, stats: { waits: number; maxListeners: number }) => {
  const original = res.once.bind(res);
  res.once = ((event: string, listener: (...args: unknown[]) => void) => {
    if (event === 'drain') stats.waits++;
    const result = original(event, listener);
    stats.maxListeners = Math.max(stats.maxListeners, res.listenerCount('close'), res.listenerCount('drain'));

    return result;
  }) as typeof res.once;
};

const cancelled = new WeakSet<ReadableStream<Uint8Array>>();

const webBody = (chunks: number) => {
  let sent = 0;
  const stream: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (sent++ >= chunks) return controller.close();
      controller.enqueue(new Uint8Array(CHUNK));
    },
    cancel: () => void cancelled.add(stream),
  });

  return stream;
};

const nodeBody = (chunks: number) => {
  let sent = 0;

  return new Readable({
    read() {
      this.push(sent++ >= chunks ? null : Buffer.alloc(CHUNK));
    },
  });
};

describe('sendReply under backpressure', () => {
  it.each([
    ['a fetch stream (GetFile from S3)', webBody],
    ['a Node stream', nodeBody],
  ] as const)(
    '1,000 backpressured writes of %s to a slow reader → every byte arrives, listener counts stay bounded',
    async (_label, makeBody) => {
      const CHUNKS = 1000;
      const stats = { waits: 0, maxListeners: 0 };
      let written = 0;
      const server = await serve((res) => {
        watchListeners(res, stats);
        void sendReply(res, { status: 200, headers: {}, body: makeBody(CHUNKS) }).then((bytes) => (written = bytes));
      });
      const { total } = await server.get();
      server.close();
      expect(total).toBe(CHUNK * CHUNKS);
      expect(written).toBe(CHUNK * CHUNKS);
      expect(stats.waits).toBeGreaterThan(10);
      // Node's own listeners plus ours for one wait at a time, never one per wait.
      expect(stats.maxListeners).toBeLessThanOrEqual(4);
    },
    60_000,
  );

  it.each([
    ['a fetch stream', webBody],
    ['a Node stream', nodeBody],
  ] as const)(
    'the client goes away mid-body of %s → sendReply rejects (never hangs, never throws outside), the source is released',
    async (_label, makeBody) => {
      let outcome: Promise<unknown> = Promise.resolve();
      let body: ReadableStream<Uint8Array> | Readable | undefined;
      const server = await serve((res) => {
        body = makeBody(100_000);
        outcome = sendReply(res, { status: 200, headers: {}, body }).then(
          () => 'completed',
          (error: Error) => error.message,
        );
      });
      await server.get((res) => res.once('data', () => res.destroy()));
      expect(await outcome).toBe('client closed the connection');
      if (body instanceof Readable) expect(body.destroyed).toBe(true);
      else expect(cancelled.has(body!)).toBe(true);
      server.close();
    },
    30_000,
  );
});

describe('sendReply heads and bodies (the bytes the fetch Response they replace sent)', () => {
  it('extra headers first as given, then the reply headers lowercase and sorted, repeats joined', () => {
    const head = responseHead(
      { 'X-WOPI-Lock': ' L1 ', 'Content-Type': 'application/json', 'x-wopi-lock': 'L2', 'Cache-Control': 'no-store' },
      { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
    );
    expect(Object.entries(head)).toEqual([
      ['X-Content-Type-Options', 'nosniff'],
      ['Cache-Control', 'no-store'],
      ['cache-control', 'no-store'],
      ['content-type', 'application/json'],
      ['x-wopi-lock', 'L1, L2'],
    ]);
  });

  it.each([
    ['null', null, ''],
    ['a string', '{"a":"é"}', '{"a":"é"}'],
    ['a buffer', Buffer.from('bytes'), 'bytes'],
  ] as const)('a %s body → chunked like before, byte count returned', async (_label, body, text) => {
    let written = -1;
    const server = await serve((res) => {
      void sendReply(res, { status: 201, headers: { 'X-WOPI-ItemVersion': '3' }, body }).then(
        (bytes) => (written = bytes),
      );
    });
    let received = '';
    const { raw } = await server.get((res) => res.on('data', (chunk: Buffer) => (received += chunk.toString())));
    server.close();
    expect(raw.statusCode).toBe(201);
    expect(raw.headers['transfer-encoding']).toBe('chunked');
    expect(raw.headers['x-wopi-itemversion']).toBe('3');
    expect(received).toBe(text);
    expect(written).toBe(Buffer.byteLength(text));
  });

  it('a header value Node refuses → rejects before anything is sent, the body stream is released', async () => {
    const body = nodeBody(10);
    let failure: unknown;
    let isSent = true;
    const server = await serve((res) => {
      void sendReply(res, { status: 200, headers: { 'X-Bad': 'a\u0001b' }, body }).catch((error: unknown) => {
        failure = error;
        isSent = res.headersSent;
        res.writeHead(500).end();
      });
    });
    const { raw } = await server.get();
    server.close();
    expect(raw.statusCode).toBe(500);
    expect(failure).toBeInstanceOf(Error);
    expect(isSent).toBe(false);
    expect(body.destroyed).toBe(true);
  });
});
