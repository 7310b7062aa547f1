/**
 * The whole portal as `npm start` serves it (scripts/lib/portal.ts startPortal: a build when the
 * sources changed, embedded Postgres and S3, Next.js and the WOPI core in one process), driven
 * over real HTTP with odd input on every route. The process must answer each request and never
 * log an uncaughtException or unhandledRejection (Node prints those outside any handler).
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@/lib/tokens/tokens';
import { ACCOUNTS, startPortal, type Portal } from '../../../scripts/lib/portal';
import { startDiscoveryServer } from '../../support/discovery-server';

const MAX_UPLOAD_BYTES = 1024 * 1024;
const EVIL = 'https://evil.example';

let portal: Portal;
let base: string;
const output: string[] = [];
let adminCookie = '';
let adminId = '';
let documentId = '';
// New documents are made only for types an editor opens: a discovery that edits docx.
let editor: Awaited<ReturnType<typeof startDiscoveryServer>> | undefined;

type Answer = { status: number; headers: Headers; text: string } | { status: 'network-error'; error: string };

/** fetch that never throws: a server may answer early and close while a huge body is still being sent. */
const send = async (path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Answer> => {
  try {
    const response = await fetch(`${base}${path}`, { redirect: 'manual', duplex: 'half', ...init } as RequestInit);

    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    return { status: 'network-error', error: String((error as Error).cause ?? error) };
  }
};

/** A raw HTTP/1.1 request: paths fetch would normalise, chunked bodies, no Content-Length. */
const raw = (
  path: string,
  {
    method = 'GET',
    headers = {},
    chunks = [],
  }: { method?: string; headers?: Record<string, string>; chunks?: Buffer[] } = {},
) =>
  new Promise<
    | { status: number; headers: Record<string, string | string[] | undefined>; text: string }
    | { status: 'network-error' }
  >((resolve) => {
    const url = new URL(base);
    // A connection of its own: a request whose body the server left unread must not stall the next one.
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      res.on('error', () => resolve({ status: 'network-error' }));
    });
    req.on('error', () => resolve({ status: 'network-error' }));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });

const cookieJar = (response: Response, jar: Map<string, string>) => {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }

  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
};

/** next-auth's credentials sign-in over HTTP; answers next-auth's `{ url }` and the cookies. */
const signIn = async (email: string, password: string, extra: Record<string, string> = {}) => {
  const jar = new Map<string, string>();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  let cookie = cookieJar(csrf, jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true', ...extra }),
  });
  cookie = cookieJar(response, jar);
  const { url } = (await response.json()) as { url: string };

  return { url, cookie, error: new URL(url).searchParams.get('error') };
};

const uncaught = () =>
  output.filter((line) => /uncaughtException|unhandledRejection|Controller is already closed/.test(line));

beforeAll(async () => {
  editor = await startDiscoveryServer();
  portal = await startPortal({
    label: 'security',
    log: () => {},
    isEmbeddedOnly: true,
    output: { write: (line: string) => output.push(line) } as unknown as NodeJS.WriteStream,
    env: {
      LOG_LEVEL: 'warn',
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      NODE_ENV: 'production',
      WOPI_CLIENTS: `office=${editor.url}`,
    },
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${output.slice(-40).join('')}`);
  });
  base = portal.baseUrl;
  const admin = await signIn(ACCOUNTS.ADMIN.email, ACCOUNTS.ADMIN.password);
  expect(admin.error).toBeNull();
  adminCookie = admin.cookie;
  const session = (await (await fetch(`${base}/api/auth/session`, { headers: { cookie: adminCookie } })).json()) as {
    user: { id: string };
  };
  adminId = session.user.id;
  const created = await fetch(`${base}/api/documents/new`, {
    method: 'POST',
    headers: { cookie: adminCookie, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ folder: 'odd', kind: 'docx' }),
  });
  expect(created.status).toBe(201);
  documentId = ((await created.json()) as { id: string }).id;
}, 300_000);

afterAll(async () => {
  await portal?.stop();
  await editor?.close();
});

const mb = (n: number) => Buffer.alloc(Math.round(n * 1024 * 1024), 97);
const chunked = (total: number, size = 64 * 1024) =>
  Array.from({ length: Math.ceil(total / size) }, () => Buffer.alloc(size, 98));

describe('odd input on every route → an answer, never a crash', () => {
  it.each([
    '/documents/%C0%AE/edit',
    '/documents/%C0%AE/view',
    '/api/documents/%C0%AE/content',
    '/api/documents/%C0%AE/saved-as',
    '/api/auth/%C0',
    '/api/admin/documents/%E0%A4%A',
    '/login/%',
    '/%C0%AE',
    '/admin/%FF',
    '/_next/static/%C0%AE.js',
  ])('GET %s (malformed percent escape) → 400', async (path) => {
    const answer = await raw(path, { headers: { cookie: adminCookie } });
    expect(answer.status).toBe(400);
  });

  it.each([
    '/?folder=%C0%AE',
    '/?folder=%',
    `/?folder=${'a'.repeat(8000)}`,
    '/login?callbackUrl=%C0%AE',
    '/login?callbackUrl=%',
    '/admin/editors?x=%FF',
  ])('GET %s (odd query) → not a 5xx', async (path) => {
    const answer = await raw(path, { headers: { cookie: adminCookie } });
    expect(answer.status).not.toBe('network-error');
    expect(answer.status).toBeLessThan(500);
  });

  it('POST /api/admin/documents with a declared body over MAX_UPLOAD_BYTES → 413', async () => {
    const answer = await send('/api/admin/documents?folder=odd&name=big.docx', {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(mb(2)),
    });
    if (answer.status !== 'network-error') expect(answer.status).toBe(413);
  });

  it('POST /api/admin/documents with a chunked body over MAX_UPLOAD_BYTES → 413', async () => {
    const answer = await raw('/api/admin/documents?folder=odd&name=big-chunked.docx', {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      chunks: chunked(3 * MAX_UPLOAD_BYTES),
    });
    if (answer.status !== 'network-error') expect(answer.status).toBe(413);
  });

  it.each([
    ['1 MiB of JSON', 'application/json', mb(1), 413],
    ['malformed JSON', 'application/json', Buffer.from('{"kind":'), 400],
    ['text/plain', 'text/plain', Buffer.from('{"kind":"docx"}'), 415],
    ['a form', 'application/x-www-form-urlencoded', Buffer.from('kind=docx'), 415],
  ])('POST /api/documents/new with %s → %i', async (_label, type, body, status) => {
    const answer = await send('/api/documents/new', {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': type },
      body: new Uint8Array(body),
    });
    if (answer.status !== 'network-error' || body.length < 1024 * 1024) expect(answer.status).toBe(status);
  });

  it.each([
    ['POST', '/api/admin/discovery/refresh'],
    ['POST', '/api/auth/callback/credentials'],
    ['POST', '/api/auth/signout'],
    ['POST', '/api/documents/new'],
  ])('%s %s with a 4 MiB chunked body → not a 5xx', async (method, path) => {
    const answer = await raw(path, {
      method,
      headers: {
        cookie: adminCookie,
        'content-type': 'application/x-www-form-urlencoded',
        'transfer-encoding': 'chunked',
      },
      chunks: chunked(4 * 1024 * 1024),
    });
    if (answer.status !== 'network-error') expect(answer.status).toBeLessThan(500);
  });

  it.each([
    ['PUT', '/api/documents/new'],
    ['DELETE', '/api/admin/documents?folder=odd&name=x.docx'],
    ['PATCH', '/api/health'],
    ['POST', '/api/live'],
    ['POST', `/api/documents/${randomUUID()}/saved-as`],
    ['POST', `/documents/${randomUUID()}/edit`],
  ])('%s %s (a method the route does not have) → 405', async (method, path) => {
    const answer = await raw(path, { method, headers: { cookie: adminCookie } });
    expect(answer.status).toBe(405);
  });

  it.each([
    ['with Origin: https://evil.example', { origin: EVIL }],
    ['with Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('POST /api/auth/callback/credentials %s → 403', async (_label, headers) => {
    const answer = await send('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ email: ACCOUNTS.ADMIN.email, password: ACCOUNTS.ADMIN.password, json: 'true' }),
    });
    expect(answer.status).toBe(403);
  });

  it('POST /api/auth/signout without next-auth’s csrfToken → the session survives', async () => {
    await send('/api/auth/signout', {
      method: 'POST',
      headers: { cookie: adminCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'json=true',
    });
    const session = await send('/api/auth/session', { headers: { cookie: adminCookie } });
    expect(session.status === 'network-error' ? '' : session.text).toContain(ACCOUNTS.ADMIN.email);
  });

  it('POST /api/auth/callback/credentials without next-auth’s csrfToken → not signed in', async () => {
    const answer = await send('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: ACCOUNTS.ADMIN.email, password: ACCOUNTS.ADMIN.password, json: 'true' }),
    });
    expect(answer.status).not.toBe('network-error');
    if (answer.status !== 'network-error') {
      expect(answer.headers.getSetCookie().join(';')).not.toContain('next-auth.session-token');
      expect(answer.text).toContain('csrf=true');
    }
  });

  describe('/wopi', () => {
    const wopi = async (override: string, body: Buffer | Buffer[], extra: Record<string, string> = {}) => {
      const { token } = await mintAccessToken({
        documentId,
        userId: adminId,
        permissions: ['read', 'write', 'rename', 'delete', 'create'],
      });
      const path = `/wopi/files/${documentId}${override === 'PUT' ? '/contents' : ''}?access_token=${encodeURIComponent(token)}`;

      // Own connections (raw): the WOPI router leaves some refused bodies unread, which stalls a
      // kept-alive connection until the server's keep-alive timeout resets it.
      return raw(path, {
        method: 'POST',
        headers: Array.isArray(body)
          ? { 'x-wopi-override': override, 'transfer-encoding': 'chunked', ...extra }
          : { 'x-wopi-override': override, 'content-length': String(body.length), ...extra },
        chunks: Array.isArray(body) ? body : [body],
      });
    };

    it.each([
      ['1 MiB', mb(1)],
      ['8 MiB', mb(8)],
      ['64 KiB', mb(1 / 16)],
    ])('POST /wopi/files/:id PUT_USER_INFO with %s → 400, again and again', async (_label, body) => {
      for (let i = 0; i < 3; i++) {
        const answer = await wopi('PUT_USER_INFO', body);
        if (answer.status !== 'network-error') expect(answer.status).toBe(400);
      }
    });

    it('POST /wopi/files/:id PUT_USER_INFO with a 2 MiB chunked body → 400', async () => {
      const answer = await wopi('PUT_USER_INFO', chunked(2 * 1024 * 1024));
      if (answer.status !== 'network-error') expect(answer.status).toBe(400);
    });

    it.each([
      ['declared', (size: number) => [mb(size / (1024 * 1024))]],
      ['chunked', (size: number) => chunked(size)],
    ])(
      'POST /wopi/files/:id/contents PUT under the lock with a %s body over MAX_UPLOAD_BYTES → 413',
      async (_label, body) => {
        const lock = `odd-${randomUUID()}`;
        const locked = await wopi('LOCK', Buffer.alloc(0), { 'x-wopi-lock': lock });
        expect(locked.status).toBe(200);
        try {
          const chunks = body(3 * MAX_UPLOAD_BYTES);
          const answer = await wopi('PUT', chunks.length === 1 ? chunks[0]! : chunks, { 'x-wopi-lock': lock });
          if (answer.status !== 'network-error') expect(answer.status).toBe(413);
        } finally {
          await wopi('UNLOCK', Buffer.alloc(0), { 'x-wopi-lock': lock });
        }
      },
    );

    it.each([
      ['LOCK', { 'x-wopi-lock': 'a'.repeat(2048) }],
      ['PUT_RELATIVE', { 'x-wopi-suggestedtarget': '%C0%AE.docx' }],
      ['PUT_RELATIVE', { 'x-wopi-relativetarget': '../../%FF/..\\x.docx' }],
      ['RENAME_FILE', { 'x-wopi-requestedname': '+AGEAYgBj-' }],
      ['PUT', { 'x-wopi-lock': 'not-the-lock' }],
      ['NOT_AN_OVERRIDE', {}],
    ])('POST /wopi/files/:id %s with odd headers and a 2 MiB body → not a 5xx', async (override, headers) => {
      const answer = await wopi(override, mb(2), headers);
      if (answer.status !== 'network-error') expect(answer.status === 500).toBe(false);
    });

    it.each(['/wopi/files/%C0%AE', '/wopi/files/%', '/wopi/files/x/contents/%FF', '/wopi'])(
      'GET %s → 4xx',
      async (path) => {
        const answer = await raw(path);
        expect(answer.status).not.toBe('network-error');
        if (answer.status !== 'network-error') expect(answer.status).toBeGreaterThanOrEqual(400);
        if (answer.status !== 'network-error') expect(answer.status).toBeLessThan(500);
      },
    );
  });

  it('after all of it: still serving, and no uncaughtException / unhandledRejection in the log', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(uncaught()).toEqual([]);
    expect(portal.isAlive()).toBe(true);
    expect((await raw('/api/live')).status).toBe(200);
  });
});

describe('security headers (not on /wopi: it has its own)', () => {
  const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1];

  it.each(['/login', '/', '/admin/editors', '/api/live', '/api/health', '/api/auth/session', '/no-such-page'])(
    'GET %s → CSP, X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy',
    async (path) => {
      const answer = await send(path, { headers: { cookie: adminCookie } });
      if (answer.status === 'network-error') throw new Error(answer.error);
      const { headers } = answer;
      const isApi = path.startsWith('/api/') && !path.startsWith('/api/auth/');
      expect(headers.get('content-security-policy')).toContain(`frame-ancestors '${isApi ? 'none' : 'self'}'`);
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('permissions-policy')).toContain('camera=()');
      expect(headers.get('x-permitted-cross-domain-policies')).toBe('none');
      // PUBLIC_URL is http here: no HSTS (it would pin a plain-http host to https).
      expect(headers.get('strict-transport-security')).toBeNull();
    },
  );

  it('GET /login → a fresh script nonce per request, the one its <script> tags carry', async () => {
    const [first, second] = [await send('/login'), await send('/login')];
    if (first.status === 'network-error' || second.status === 'network-error') throw new Error('no answer');
    const nonce = nonceOf(first.headers.get('content-security-policy'));
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/);
    expect(nonceOf(second.headers.get('content-security-policy'))).not.toBe(nonce);
    expect(first.headers.get('content-security-policy')).toContain("'strict-dynamic'");
    const scripts = [...first.text.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it('GET /documents/:id/edit (the host page) keeps its own CSP: its nonce, frame-src and form-action for the editor', async () => {
    const answer = await send(`/documents/${documentId}/edit`, { headers: { cookie: adminCookie } });
    if (answer.status === 'network-error') throw new Error(answer.error);
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/frame-src /);
    expect(csp).toMatch(/form-action /);
    // One policy, not the portal's merged into it.
    expect(csp).not.toContain("'strict-dynamic'");
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('GET /wopi/files/:id → no portal CSP or frame headers (the WOPI core sets its own)', async () => {
    const { token } = await mintAccessToken({ documentId, userId: adminId, permissions: ['read'] });
    const answer = await send(`/wopi/files/${documentId}?access_token=${encodeURIComponent(token)}`);
    if (answer.status === 'network-error') throw new Error(answer.error);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('an upload whose client goes away', () => {
  it('POST /api/admin/documents declaring 100,000 bytes, sending 1,000, then gone → no "unhandled API error" (it is the client, not us), nothing stored', async () => {
    const before = output.length;
    const url = new URL(base);
    await new Promise<void>((resolve) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) });
      socket.on('error', () => {});
      socket.on('close', () => resolve());
      socket.once('connect', () => {
        socket.write(
          `POST /api/admin/documents?folder=cancelled&name=gone.txt&onConflict=replace HTTP/1.1\r\nHost: ${url.host}\r\n` +
            `Cookie: ${adminCookie}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n` +
            'x'.repeat(1000),
        );
        setTimeout(() => socket.destroy(), 500);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(output.slice(before).join('')).not.toContain('unhandled API error');
    const check = await send('/api/admin/documents?folder=cancelled&name=gone.txt', {
      headers: { cookie: adminCookie },
    });
    if (check.status === 'network-error') throw new Error(check.error);
    expect(JSON.parse(check.text)).toMatchObject({ exists: false });
  });
});

describe('a token in the query of a request that is not a WOPI path → never echoed (Next.js redirected or repeated it)', () => {
  const tokenOf = async () => (await mintAccessToken({ documentId, userId: adminId, permissions: ['read'] })).token;

  it.each([
    ['//wopi/files/{id}'],
    ['/x/..//wopi/files/{id}'],
    ['/WOPI/files/{id}'],
    ['/./wopi/files/{id}'],
    ['/wopi%2Ffiles/{id}'],
    ['/documents/'],
    ['/'],
  ])('GET %s?access_token=… → 404, no Location, the token in no header and not in the body', async (template) => {
    const token = await tokenOf();
    for (const name of ['access_token', 'ACCESS_TOKEN']) {
      const answer = await raw(`${template.replace('{id}', documentId)}?${name}=${encodeURIComponent(token)}`);
      if (answer.status === 'network-error') throw new Error('no answer');
      expect(answer.status).toBe(404);
      expect(answer.headers.location).toBeUndefined();
      expect(JSON.stringify(answer.headers)).not.toContain(token.slice(-20));
      expect(answer.text).not.toContain(token.slice(-20));
    }
  });

  it('GET http://host/wopi/files/{id}?access_token=… (absolute form, RFC 9112 §3.2.2) → 200 CheckFileInfo from the WOPI core', async () => {
    const token = await tokenOf();
    const answer = await raw(`${base}/wopi/files/${documentId}?access_token=${encodeURIComponent(token)}`);
    if (answer.status === 'network-error') throw new Error('no answer');
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { BaseFileName: string }).BaseFileName).toMatch(/\.docx$/);
  });
});

describe('sign-in', () => {
  it.each(['/%5Cevil.example', '%2F%5Cevil.example', '/%5C%5Cevil.example', '/%09/evil.example', '//evil.example'])(
    'signed in: GET /login?callbackUrl=%s → redirect to "/"',
    async (callbackUrl) => {
      const answer = await raw(`/login?callbackUrl=${callbackUrl}`, { headers: { cookie: adminCookie } });
      expect(answer.status).toBe(307);
      if (answer.status !== 'network-error') expect(answer.headers.location).toBe('/');
    },
  );

  it('signed in: GET /login?callbackUrl=%2F%3Ffolder%3DA%2520B → redirect to the deep link /?folder=A%20B', async () => {
    const answer = await raw('/login?callbackUrl=%2F%3Ffolder%3DA%2520B', { headers: { cookie: adminCookie } });
    if (answer.status === 'network-error') throw new Error('no answer');
    expect(answer.status).toBe(307);
    expect(answer.headers.location).toBe('/?folder=A%20B');
  });

  it('signed out: GET /login?callbackUrl=/%5Cevil.example → the form is told to return to "/"', async () => {
    const answer = await send('/login?callbackUrl=/%5Cevil.example');
    if (answer.status === 'network-error') throw new Error(answer.error);
    expect(answer.status).toBe(200);
    // The LoginForm's props in the page's RSC payload.
    expect(answer.text).toContain('\\"returnTo\\":\\"/\\"');
    expect(answer.text).not.toMatch(/returnTo[^,}]*evil/);
  });

  it('POST /api/auth/callback/credentials with callbackUrl=/%5Cevil.example → next-auth answers the portal’s own URL', async () => {
    const { url, error } = await signIn(ACCOUNTS.USER.email, ACCOUNTS.USER.password, {
      callbackUrl: '/\\evil.example',
    });
    expect(error).toBeNull();
    expect(new URL(url).origin).toBe(base);
    expect(url).not.toContain('evil');
  });

  it('10 wrong passwords, then the right one → "Too many attempts, try again in N s", no session cookie', async () => {
    const email = `rate-${randomUUID()}@example.com`;
    await portal.cli('users', 'add', '--email', email, '--password', 'right-password-123', '--role', 'viewer');
    for (let i = 0; i < 10; i++) expect((await signIn(email, 'wrong-password')).error).toBe('CredentialsSignin');
    const refused = await signIn(email, 'right-password-123');
    expect(refused.error).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    expect(refused.cookie).not.toContain('next-auth.session-token');
  }, 120_000);

  it('POST /api/admin/documents?onConflict=replace with the admin’s cookie and Origin: https://evil.example → 403', async () => {
    const answer = await send('/api/admin/documents?folder=odd&name=csrf.docx&onConflict=replace', {
      method: 'POST',
      headers: { cookie: adminCookie, origin: EVIL, 'content-type': 'text/plain' },
      body: 'replaced by a cross-site form',
    });
    expect(answer.status).toBe(403);
  });
});
