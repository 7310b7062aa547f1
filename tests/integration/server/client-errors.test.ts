import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portalFetch, portalOrigin } from '../../support/portal-http';

// A request node:http's parser refuses before any of our code (a head over its size limit,
// bytes that are not HTTP) gets the API's JSON error from the server's clientError listener
// (lib/server/serve.ts), /wopi paths too, and the server goes on serving.

/** Sends `bytes` on a fresh TCP connection and resolves with everything the server sent back until it closed. */
const exchange = (bytes: string | Buffer) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(portalOrigin());
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.write(bytes);
  });

const parse = (raw: string) => {
  const split = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );

  return { statusLine, headers, body: raw.slice(split + 4) };
};

const expectJsonRefusal = (raw: string, statusLine: string, code: string) => {
  const answer = parse(raw);
  expect(answer.statusLine).toBe(statusLine);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers.connection).toBe('close');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
  const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(error.code).toBe(code);
  expect(error.message).not.toBe('');
};

const head = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

describe('requests node:http refuses before any listener', () => {
  it('GET /api/live?<100 KB> → 431 JSON header_too_large; the next request is served', async () => {
    const raw = await exchange(head(`/api/live?q=${'a'.repeat(100 * 1024)}`));
    expectJsonRefusal(raw, 'HTTP/1.1 431 Request Header Fields Too Large', 'header_too_large');
    expect((await portalFetch('/api/live', { method: 'GET' })).status).toBe(200);
  });

  it('GET /api/live with a 100 KB header → 431 JSON header_too_large', async () => {
    const raw = await exchange(head('/api/live', `X-Big: ${'b'.repeat(100 * 1024)}\r\n`));
    expectJsonRefusal(raw, 'HTTP/1.1 431 Request Header Fields Too Large', 'header_too_large');
  });

  it('GET /wopi/files/x?<100 KB> → 431 JSON too', async () => {
    const raw = await exchange(head(`/wopi/files/x?access_token=${'t'.repeat(100 * 1024)}`));
    expectJsonRefusal(raw, 'HTTP/1.1 431 Request Header Fields Too Large', 'header_too_large');
  });

  it('garbage bytes → 400 JSON malformed_request; the next request is served', async () => {
    const raw = await exchange(Buffer.from('\u0001\u0002 not http at all\r\n\r\n'));
    expectJsonRefusal(raw, 'HTTP/1.1 400 Bad Request', 'malformed_request');
    expect((await portalFetch('/api/live', { method: 'GET' })).status).toBe(200);
  });

  it('a good request answered, then garbage on the same kept-alive connection → 200, then 400 JSON', async () => {
    const { hostname, port } = new URL(portalOrigin());
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    const closed = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', () => resolve());
    });
    const firstAnswered = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (received.includes('{"status":"live"}')) resolve();
      });
    });
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.write(head('/api/live', 'Connection: keep-alive\r\n'));
    await firstAnswered;
    expect(received.startsWith('HTTP/1.1 200 OK')).toBe(true);
    socket.write('BROKEN\r\n\r\n');
    await closed;
    expectJsonRefusal(
      received.slice(received.indexOf('HTTP/1.1 400')),
      'HTTP/1.1 400 Bad Request',
      'malformed_request',
    );
  });
});
