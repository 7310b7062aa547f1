import { Agent, request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopiServer } from '../../support/wopi';

// Odd input against the production WOPI router (lib/server/wopi-http.ts) over real HTTP: every
// answer is a 4xx, in bounded time, with nosniff, and never echoes the token in a header.

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** Sends `path` byte for byte (fetch would normalise it), with a 5 s bound: a hang fails the test. */
const raw = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
  const { origin } = await wopiServer();
  const { port } = new URL(origin);

  return new Promise<Raw>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path} within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
};

let docId = '';
let token = '';
beforeAll(async () => {
  const user = await makeUser('editor');
  docId = (await addDocument(uniqueFolder('edges'), 'Edge.docx', 'edge bytes', user.id)).id;
  token = await tokenFor(docId, user.id);
});

const expectSafe = (response: Raw, status: number | number[]) => {
  expect([status].flat()).toContain(response.status);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers.location).toBeUndefined();
  expect(JSON.stringify(response.headers)).not.toContain(token);
};

describe('WOPI router: malformed URLs', () => {
  for (const segment of ['%E0%A4%A', '%C0%AE', '%', '%FF%FE%FD', '%ZZ', '%E0%A4']) {
    it(`GET /wopi/files/${segment} (malformed escape or invalid UTF-8) → 400, answered at once`, async () => {
      expectSafe(await raw('GET', `/wopi/files/${segment}`), 400);
      expectSafe(await raw('GET', `/wopi/files/${segment}/contents?access_token=${token}`), 400);
      expectSafe(await raw('POST', `/wopi/files/${segment}`, { 'X-WOPI-Override': 'LOCK' }), 400);
    });
  }

  it('200 malformed requests at once are all answered (no socket held until the request timeout)', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => raw('GET', '/wopi/files/%E0%A4%A')));
    expect(answers.every((answer) => answer.status === 400)).toBe(true);
  });

  it('non-UUID, empty and over-long file ids → 401/404, never 5xx', async () => {
    for (const id of ['not-a-uuid', '..', '%2E%2E', 'x'.repeat(5000), '%00', encodeURIComponent('../../etc/passwd')])
      expectSafe(await raw('GET', `/wopi/files/${id}?access_token=${token}`), [401, 404]);
  });
});

describe('WOPI router: paths and methods', () => {
  it('GET /wopi/files/:id/ (trailing slash) with a token → 404, no redirect echoing the token', async () => {
    expectSafe(await raw('GET', `/wopi/files/${docId}/?access_token=${token}`), 404);
    expectSafe(await raw('GET', `/wopi/files/${docId}/contents/?access_token=${token}`), 404);
    expectSafe(await raw('GET', `/wopi/?access_token=${token}`), 404);
    expectSafe(await raw('GET', `/wopi?access_token=${token}`), 404);
    expectSafe(await raw('GET', `/wopi/files?access_token=${token}`), 404);
  });

  for (const method of ['HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'PROPFIND']) {
    it(`${method} /wopi/files/:id and /contents → 405 + Allow: GET, POST`, async () => {
      for (const path of [`/wopi/files/${docId}`, `/wopi/files/${docId}/contents`]) {
        const response = await raw(method, `${path}?access_token=${token}`);
        expectSafe(response, 405);
        expect(response.headers.allow).toBe('GET, POST');
      }
    });
  }

  it('a 64 KiB header → 431 from Node, and the server keeps answering', async () => {
    const response = await raw('GET', `/wopi/files/${docId}?access_token=${token}`, { 'X-Huge': 'a'.repeat(65536) });
    expect(response.status).toBe(431);
    expect((await raw('GET', `/wopi/files/${docId}?access_token=${token}`)).status).toBe(200);
  });

  it('every WOPI answer carries X-Content-Type-Options: nosniff (200, 401, 404, 409, 501)', async () => {
    expectSafe(await raw('GET', `/wopi/files/${docId}?access_token=${token}`), 200);
    expectSafe(await raw('GET', `/wopi/files/${docId}/contents?access_token=${token}`), 200);
    expectSafe(await raw('GET', `/wopi/files/${docId}?access_token=nope`), 401);
    expectSafe(await raw('POST', `/wopi/files/${docId}?access_token=${token}`, { 'X-WOPI-Override': 'NOPE' }), 501);
    expectSafe(
      await raw('POST', `/wopi/files/${docId}?access_token=${token}`, {
        'X-WOPI-Override': 'UNLOCK',
        'X-WOPI-Lock': 'x',
      }),
      409,
    );
  });

  it('X-WOPI-Override with control characters or 10 KB → 4xx', async () => {
    expectSafe(
      await raw('POST', `/wopi/files/${docId}?access_token=${token}`, { 'X-WOPI-Override': 'L'.repeat(10000) }),
      501,
    );
  });
});

describe('WOPI router: unread bodies on kept-alive connections', () => {
  const onOneSocket = async (steps: ((agent: Agent) => Promise<Raw>)[]) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const results: Raw[] = [];
      for (const step of steps) results.push(await step(agent));

      return results;
    } finally {
      agent.destroy();
    }
  };
  const send = (agent: Agent, method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    wopiServer().then(
      ({ origin }) =>
        new Promise<Raw>((resolve, reject) => {
          const req = httpRequest(
            `${origin}${path}`,
            {
              agent,
              method,
              headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
              timeout: 3000,
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
            },
          );
          req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 3 s`)));
          req.on('error', reject);
          req.end(body);
        }),
    );

  it('POST PutFile refused before its 100 KB body is read (409, unlocked) → the next request on the same connection is answered at once', async () => {
    const [refused, next] = await onOneSocket([
      (agent) =>
        send(
          agent,
          'POST',
          `/wopi/files/${docId}/contents?access_token=${token}`,
          { 'X-WOPI-Override': 'PUT' },
          Buffer.alloc(100 * 1024, 7),
        ),
      (agent) => send(agent, 'GET', `/wopi/files/${docId}?access_token=${token}`, {}),
    ]);
    expect(refused!.status).toBe(409);
    expect(next!.status).toBe(200);
  });

  it('POST with an unknown override and a 5 MiB body → 501 + Connection: close; the client reconnects and is answered', async () => {
    const [refused, next] = await onOneSocket([
      (agent) =>
        send(
          agent,
          'POST',
          `/wopi/files/${docId}?access_token=${token}`,
          { 'X-WOPI-Override': 'NOPE' },
          Buffer.alloc(5 * 1024 * 1024, 7),
        ).catch((error: Error) => ({ status: 0, headers: {}, body: error.message })),
      (agent) => send(agent, 'GET', `/wopi/files/${docId}?access_token=${token}`, {}),
    ]);
    // Either the 501 arrived, or the socket closed while the client was still sending: both fine.
    expect([0, 501]).toContain(refused!.status);
    if (refused!.status === 501) expect(refused!.headers.connection).toBe('close');
    expect(next!.status).toBe(200);
  });
});
