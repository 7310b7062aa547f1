import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPortalProxy,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  type Upstream,
} from '@/lib/server/portal-proxy';

// The front (this process's server with the proxy) and a stand-in for the Next.js process on a
// Unix socket; `handler` is what that stand-in does for the current test.

const MiB = 1024 * 1024;
const socketDir = mkdtempSync(path.join(tmpdir(), 'portal-proxy-'));
const socketPath = path.join(socketDir, 'next.sock');
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => void res.end();
let upstreamServer: Server;
let front: Server;
let origin = '';
let isReady = true;
let readyWaiters: (() => void)[] = [];
const upstream: Upstream = {
  socketPath,
  isReady: () => isReady,
  whenReady: (timeoutMs) =>
    new Promise<void>((resolve, reject) => {
      readyWaiters.push(resolve);
      setTimeout(() => reject(new Error('not ready')), timeoutMs);
    }),
};
const becomeReady = () => {
  isReady = true;
  for (const resolve of readyWaiters) resolve();
  readyWaiters = [];
};
const proxy = createPortalProxy({ upstream, readyTimeoutMs: 1500 });

const startUpstream = async () => {
  upstreamServer = createServer((req, res) => handler(req, res));
  upstreamServer.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    // Like Next.js for an upgrade it does not know: no answer (and gone when the front hangs up).
    if (req.url === '/silent') return void socket.once('end', () => socket.destroy());
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Path: ' +
        req.url +
        '\r\n\r\n',
    );
    socket.on('data', (chunk: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), chunk])));
    socket.on('end', () => socket.end());
  });
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve) => upstreamServer.listen(socketPath, resolve));
};
const stopUpstream = async () => {
  upstreamServer.closeAllConnections();
  await new Promise((resolve) => upstreamServer.close(resolve));
};

beforeAll(async () => {
  await startUpstream();
  front = createServer(proxy.forward);
  front.on('upgrade', proxy.upgrade);
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.close();
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await stopUpstream();
  rmSync(socketDir, { recursive: true, force: true });
});

afterEach(() => {
  handler = (_req, res) => void res.end();
  isReady = true;
});

type Answer = { status: number; statusMessage: string; headers: IncomingHttpHeaders; raw: string[]; body: Buffer };

/** One request on a fresh connection; `body` may be a stream (sent chunked unless a length is given). */
const send = (
  pathname: string,
  {
    method = 'GET',
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: Buffer | Readable } = {},
) =>
  new Promise<Answer>((resolve, reject) => {
    const req = request(`${origin}${pathname}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          statusMessage: res.statusMessage ?? '',
          headers: res.headers,
          raw: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });

/** `total` bytes of a repeating pattern, produced as the reader pulls; `pulled()` says how far it got. */
const patterned = (total: number, chunk = 64 * 1024) => {
  let sent = 0;
  const hash = createHash('sha256');
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(chunk, total - sent);
      const bytes = Buffer.alloc(size, sent % 251);
      hash.update(bytes);
      sent += size;
      this.push(bytes);
    },
  });

  return { stream, pulled: () => sent, digest: () => hash.digest('hex') };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('portal proxy (front → the Next.js process over a Unix socket)', () => {
  it('GET /a%20b?x=1 → Next.js sees the method, raw path and end-to-end headers; hop-by-hop ones are dropped', async () => {
    let seen: { method?: string; url?: string; headers: IncomingHttpHeaders } = { headers: {} };
    handler = (req, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers };
      res.end('ok');
    };
    const answer = await send('/a%20b?x=1&y=%C3%A9', {
      headers: {
        'X-Custom': 'kept',
        // Naming a header in Connection does not strip it (the portal listener's headers must arrive).
        Connection: 'keep-alive, X-Custom',
        'Keep-Alive': 'timeout=5',
        TE: 'trailers',
        'Proxy-Authorization': 'Basic eA==',
        Cookie: 'a=1; b=2',
      },
    });
    expect(answer.status).toBe(200);
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/a%20b?x=1&y=%C3%A9');
    expect(seen.headers['x-custom']).toBe('kept');
    expect(seen.headers.cookie).toBe('a=1; b=2');
    expect(seen.headers.host).toBe(new URL(origin).host);
    for (const name of ['keep-alive', 'te', 'proxy-authorization']) expect(seen.headers[name]).toBeUndefined();
  });

  it.each(['DELETE', 'GET', 'OPTIONS'])(
    '%s with a chunked body → Next.js gets the body framed, and the next request on that connection is intact',
    async (method) => {
      const seen: string[] = [];
      handler = (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          seen.push(`${req.method} ${req.url} ${body}`);
          res.end('ok');
        });
      };
      const body = Readable.from([Buffer.from('GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n')]);
      expect((await send('/first', { method, body, headers: { 'Transfer-Encoding': 'chunked' } })).status).toBe(200);
      expect((await send('/second')).status).toBe(200);
      expect(seen).toEqual([`${method} /first GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET /second ']);
    },
  );

  it('an answer → its status, reason phrase, repeated headers (two Set-Cookie, two Link) and body; its Keep-Alive dropped', async () => {
    handler = (_req, res) => {
      res.writeHead(418, 'Short And Stout', [
        ['Set-Cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2; Path=/'],
        ['Link', '</a.css>; rel=preload'],
        ['Link', '</b.js>; rel=preload'],
        ['Keep-Alive', 'timeout=1'],
        ['Content-Type', 'text/plain'],
      ] as unknown as string[]);
      res.end('teapot');
    };
    const answer = await send('/');
    expect(answer.status).toBe(418);
    expect(answer.statusMessage).toBe('Short And Stout');
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(answer.raw.filter((_, i) => i % 2 === 0 && answer.raw[i]!.toLowerCase() === 'link')).toHaveLength(2);
    expect(answer.headers['keep-alive']).toBeUndefined();
    expect(answer.body.toString()).toBe('teapot');
  });

  it('HEAD and 304 → no body, headers kept', async () => {
    handler = (req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(200, { 'Content-Length': '1234' }).end();
      res.writeHead(304, { ETag: '"v1"' }).end();
    };
    const head = await send('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1234');
    const notModified = await send('/', { headers: { 'If-None-Match': '"v1"' } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"v1"');
  });

  it('a chunked answer declaring X-Portal-Content-Length (Next.js dropped its Content-Length) → sent with Content-Length, not chunked; the internal header not passed on', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'X-Portal-Content-Length': '11' });
      res.write('hello ');
      res.end('world');
    };
    const answer = await send('/download');
    expect(answer.headers['content-length']).toBe('11');
    expect(answer.headers['transfer-encoding']).toBeUndefined();
    expect(answer.headers['x-portal-content-length']).toBeUndefined();
    expect(answer.body.toString()).toBe('hello world');
  });

  it('X-Portal-Content-Length that is not a byte count, or an answer with its own Content-Length → left as Next.js sent it', async () => {
    handler = (req, res) => {
      if (req.url === '/bogus') {
        res.writeHead(200, { 'X-Portal-Content-Length': '12, 13' });
        return void res.end('chunked body');
      }
      res.writeHead(200, { 'Content-Length': '2', 'X-Portal-Content-Length': '99' });
      res.end('ok');
    };
    const bogus = await send('/bogus');
    expect(bogus.headers['content-length']).toBeUndefined();
    expect(bogus.headers['transfer-encoding']).toBe('chunked');
    expect(bogus.headers['x-portal-content-length']).toBeUndefined();
    expect(bogus.body.toString()).toBe('chunked body');
    const own = await send('/own');
    expect(own.headers['content-length']).toBe('2');
    expect(own.body.toString()).toBe('ok');
  });

  it('a compressed answer (Content-Encoding) declaring X-Portal-Content-Length → still chunked: the declared length is of the bytes before compression', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'X-Portal-Content-Length': '999' });
      res.end('not 999 bytes');
    };
    const answer = await send('/compressed');
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(answer.headers['x-portal-content-length']).toBeUndefined();
    expect(answer.body.toString()).toBe('not 999 bytes');
  });

  it('POST with a 32 MiB chunked body to a reader that stops → the client is held back (backpressure), then every byte arrives', async () => {
    let received = 0;
    const hash = createHash('sha256');
    let resume = () => {};
    handler = (req, res) => {
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        hash.update(chunk);
        if (received > MiB && received - chunk.length <= MiB) {
          req.pause();
          resume = () => req.resume();
        }
      });
      req.on('end', () => res.end(JSON.stringify({ received, sha256: hash.digest('hex') })));
    };
    const body = patterned(32 * MiB);
    const answering = send('/upload', { method: 'POST', body: body.stream });
    await sleep(1000);
    // Socket buffers hold a few MiB at most: the front must not have read the rest into memory.
    expect(body.pulled()).toBeLessThan(16 * MiB);
    resume();
    const answer = await answering;
    expect(JSON.parse(answer.body.toString())).toEqual({ received: 32 * MiB, sha256: body.digest() });
  });

  it('GET of a 32 MiB answer read slowly → Next.js is held back (backpressure), the client gets every byte', async () => {
    const body = patterned(32 * MiB);
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      body.stream.pipe(res);
    };
    const answer = await new Promise<{ before: number; hash: string; total: number }>((resolve, reject) => {
      request(`${origin}/download`, { agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          const before = body.pulled();
          const hash = createHash('sha256');
          let total = 0;
          res.on('data', (chunk: Buffer) => {
            total += chunk.length;
            hash.update(chunk);
          });
          res.on('end', () => resolve({ before, hash: hash.digest('hex'), total }));
          res.resume();
        }, 1000);
      })
        .on('error', reject)
        .end();
    });
    expect(answer.before).toBeLessThan(16 * MiB);
    expect(answer.total).toBe(32 * MiB);
    expect(answer.hash).toBe(body.digest());
  });

  it('POST with a 4 MiB body answered 413 before it is read → the client gets the 413 with Connection: close', async () => {
    handler = (req, res) => {
      res.writeHead(413, { 'Content-Type': 'text/plain' }).end('too large');
      req.socket.destroySoon();
    };
    const answer = await send('/big', { method: 'POST', body: Buffer.alloc(4 * MiB, 1) }).catch(
      (error: Error) => error,
    );
    // Either the answer, or the connection closed while the client was still sending.
    if (!(answer instanceof Error)) {
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
    }
    // The front still serves.
    handler = (_req, res) => void res.end('still here');
    expect((await send('/')).body.toString()).toBe('still here');
  });

  it('Next.js not ready yet → the request waits and is served once it is', async () => {
    isReady = false;
    handler = (_req, res) => void res.end('late');
    const answering = send('/');
    await sleep(200);
    becomeReady();
    expect((await answering).body.toString()).toBe('late');
  });

  it('Next.js not ready within the wait → 503 with Retry-After', async () => {
    isReady = false;
    const answer = await send('/', { method: 'POST', body: Buffer.from('x') });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
  });

  it('nobody listening on the socket → 502, and served again once Next.js is back', async () => {
    await stopUpstream();
    try {
      expect((await send('/')).status).toBe(502);
    } finally {
      await startUpstream();
    }
    handler = (_req, res) => void res.end('back');
    expect((await send('/')).body.toString()).toBe('back');
  });

  it('the client goes away mid-answer → Next.js sees its response closed', async () => {
    const closed = new Promise<boolean>((resolve) => {
      handler = (_req, res) => {
        res.writeHead(200);
        res.write('partial');
        res.on('close', () => resolve(res.writableFinished));
      };
    });
    await new Promise<void>((resolve) => {
      const req = request(`${origin}/stream`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    expect(await closed).toBe(false);
  });

  it('Next.js dies mid-answer → the client’s answer is cut short, not completed', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('only part');
      setTimeout(() => req.socket.destroy(), 50);
    };
    const outcome = await send('/').then(
      () => 'complete',
      () => 'cut',
    );
    expect(outcome).toBe('cut');
  });

  it('kept-alive connection to Next.js reset just as it is reused → the GET is retried on a new one', async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    const served = new WeakSet<Socket>();
    let resets = 0;
    handler = (req, res) => {
      if (served.has(req.socket) && resets === 0) {
        resets++;

        return void req.socket.destroy();
      }
      served.add(req.socket);
      res.end('fine');
    };
    const get = () =>
      new Promise<string>((resolve, reject) => {
        request(`${origin}/`, { agent }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
    expect(await get()).toBe('fine');
    expect(await get()).toBe('fine');
    expect(resets).toBe(1);
    agent.destroy();
  });

  it('Upgrade: websocket → 101 from Next.js, then bytes both ways', async () => {
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    socket.write(
      'GET /_next/webpack-hmr?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    let seen = '';
    await new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('\r\n\r\n') && !seen.includes('echo:')) socket.write('ping');
        if (seen.includes('echo:ping')) resolve();
      }),
    );
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(seen).toMatch(/^HTTP\/1\.1 101 /);
    expect(seen).toContain('X-Path: /_next/webpack-hmr?x=1');
  });

  it('closeTunnels() (a stop) → an open WebSocket connection is closed', async () => {
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    socket.write('GET /hmr HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    proxy.closeTunnels();
    await closed;
  });

  it('Upgrade Next.js never answers, then the client hangs up → the front closes the connection (a stop is not held up)', async () => {
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    socket.write('GET /silent HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    await sleep(200);
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
    await sleep(50);
    expect(await new Promise((resolve) => front.getConnections((_error, count) => resolve(count)))).toBe(0);
  });
});

describe('forwarded headers', () => {
  it('request: hop-by-hop headers out, Transfer-Encoding kept (the body is framed as it says), the rest as parsed', () => {
    expect(
      forwardedRequestHeaders({
        host: 'portal',
        connection: 'close, x-named',
        'x-named': '1',
        'transfer-encoding': 'chunked',
        expect: '100-continue',
        upgrade: 'h2c',
        'http2-settings': 'AAA',
        'x-portal-client-address': '127.0.0.1',
      }),
    ).toEqual({
      host: 'portal',
      'x-named': '1',
      'transfer-encoding': 'chunked',
      'x-portal-client-address': '127.0.0.1',
    });
  });

  it('response: names grouped case-insensitively with every value, hop-by-hop out', () => {
    expect(
      forwardedResponseHeaders([
        'Set-Cookie',
        'a=1',
        'set-cookie',
        'b=2',
        'Transfer-Encoding',
        'chunked',
        'Keep-Alive',
        'timeout=5',
        'Connection',
        'keep-alive',
        'Vary',
        'RSC',
      ]),
    ).toEqual([
      { name: 'Set-Cookie', values: ['a=1', 'b=2'] },
      { name: 'Vary', values: ['RSC'] },
    ]);
  });
});
