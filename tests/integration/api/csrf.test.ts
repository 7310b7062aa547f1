import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { startDiscoveryServer } from '../../support/discovery-server';
import type { Portal } from '../../../scripts/lib/portal';
import { startTierPortal } from '../../support/captured-portal';
import { portalFetch, portalOrigin, sendApiCallsTo } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';

// Over HTTP to the production portal. The tier's portal is its own PUBLIC_URL (SELF); one of this
// file's own stands behind a proxy (PUBLIC_URL https://docs.example.org) and has an editor.
const SELF = portalOrigin();
const PROXIED_PUBLIC_URL = 'https://docs.example.org';
let proxied: Portal;
let editor: Awaited<ReturnType<typeof startDiscoveryServer>>;
const output: string[] = [];

beforeAll(async () => {
  editor = await startDiscoveryServer();
  proxied = await startTierPortal('csrf', output, {
    PUBLIC_URL: PROXIED_PUBLIC_URL,
    WOPI_CLIENTS: `office=${editor.url}`,
  });
}, 240_000);
afterAll(async () => {
  await proxied?.stop();
  await editor?.close();
});
afterEach(() => sendApiCallsTo(undefined));

/** The next requests go to the portal behind the proxy; its PUBLIC_URL is https, so next-auth's cookie is __Secure-. */
const behindProxy = () => sendApiCallsTo(proxied.baseUrl);
const secure = (cookie: string) => (cookie ? `${cookie}; __Secure-${cookie}` : cookie);

const request = (
  path: string,
  {
    cookie,
    headers = {},
    body,
    method = 'POST',
  }: { cookie: string; headers?: Record<string, string>; body?: BodyInit; method?: string },
) => portalFetch(path, { cookie, headers, body, method });

const uploadAs = async (cookie: string, headers: Record<string, string>, name = `csrf-${randomUUID()}.docx`) => {
  const response = await request(
    `/api/admin/documents?folder=csrf&name=${encodeURIComponent(name)}&onConflict=replace`,
    {
      cookie,
      headers,
      // As `new Request(…, { body: 'attacker bytes' })` sends it.
      body: new Blob(['attacker bytes'], { type: 'text/plain;charset=UTF-8' }),
    },
  );

  return { response, name };
};

const isStored = async (name: string) => !!(await db.document.findFirst({ where: { folder: 'csrf', name } }));

describe('CSRF: state-changing portal API routes refuse cross-site browser requests', () => {
  it.each([
    ['Origin: https://evil.example', { origin: 'https://evil.example', 'content-type': 'text/plain' }],
    ['Origin of another port on the same host', { origin: 'http://127.0.0.1:4000', 'content-type': 'text/plain' }],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port, SameSite=Lax sends the cookie)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: same-site even with our own Origin', { 'sec-fetch-site': 'same-site', origin: SELF }],
    [
      'a no-cors fetch from another site',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', origin: 'https://evil.example' },
    ],
    [
      'an enctype=text/plain form from another port',
      {
        'sec-fetch-site': 'same-site',
        'sec-fetch-mode': 'navigate',
        origin: 'http://127.0.0.1:4000',
        'content-type': 'text/plain',
      },
    ],
  ])(
    'POST /api/admin/documents?onConflict=replace with %s → 403 cross_site_request, nothing stored',
    async (_label, headers) => {
      const cookie = await sessionCookie(await makeUser('admin'));
      const { response, name } = await uploadAs(cookie, headers);
      expect(response.status).toBe(403);
      expect((await response.json()).error.code).toBe('cross_site_request');
      expect(await isStored(name)).toBe(false);
    },
  );

  it.each([
    ['Sec-Fetch-Site: same-origin (our own upload panel)', { 'sec-fetch-site': 'same-origin', origin: SELF }],
    ['Sec-Fetch-Site: none (a user-initiated request)', { 'sec-fetch-site': 'none' }],
    ['Origin equal to the request host, no Sec-Fetch-Site', { origin: SELF }],
    ['neither Origin nor Sec-Fetch-Site (curl, scripts: not a browser)', {}],
    [
      'a .txt file from our own page (text/plain, same-origin)',
      { 'sec-fetch-site': 'same-origin', 'content-type': 'text/plain' },
    ],
  ])('POST /api/admin/documents with %s → 201', async (_label, headers) => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const { response, name } = await uploadAs(cookie, headers);
    expect(response.status).toBe(201);
    expect(await isStored(name)).toBe(true);
  });

  it('POST /api/admin/documents with Origin = PUBLIC_URL behind a proxy that rewrites Host → 201', async () => {
    behindProxy();
    const cookie = secure(await sessionCookie(await makeUser('admin')));
    const { response } = await uploadAs(cookie, { origin: PROXIED_PUBLIC_URL });
    expect(response.status).toBe(201);
  });

  it('POST /api/admin/documents with Origin on PUBLIC_URL’s host but http instead of https → 403', async () => {
    behindProxy();
    const cookie = secure(await sessionCookie(await makeUser('admin')));
    const { response } = await uploadAs(cookie, { origin: 'http://docs.example.org' });
    expect(response.status).toBe(403);
  });

  it('cross-site POST without a session → 403 (the origin is checked before the session)', async () => {
    const { response } = await uploadAs('', { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
  });

  it('GET /api/admin/documents (a read) with Origin: https://evil.example → 200 (CORS keeps the answer from the page)', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const response = await request('/api/admin/documents?folder=csrf&name=read.docx', {
      cookie,
      method: 'GET',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(200);
  });

  it('POST /api/admin/discovery/refresh with Sec-Fetch-Site: cross-site → 403', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const response = await request('/api/admin/discovery/refresh', {
      cookie,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status).toBe(403);
  });
});

describe('POST /api/documents/new: JSON only', () => {
  // New documents are made only for types an editor opens (tests/integration/api/open.test.ts):
  // on the portal of this file's own, which has one.
  const create = async (headers: Record<string, string>, body: BodyInit) => {
    behindProxy();
    const cookie = secure(await sessionCookie(await makeUser('editor')));

    return request('/api/documents/new', { cookie, headers, body });
  };
  const folder = () => `csrf-new-${randomUUID()}`;

  it('application/json from our own page → 201', async () => {
    const response = await create(
      { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      JSON.stringify({ folder: folder(), kind: 'docx' }),
    );
    expect(response.status).toBe(201);
  });

  it.each([
    ['text/plain (an enctype=text/plain form)', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
    ['application/octet-stream', 'application/octet-stream'],
  ])('a JSON-looking body sent as %s → 415 unsupported_media_type, nothing created', async (_label, type) => {
    const target = folder();
    const response = await create({ 'content-type': type }, JSON.stringify({ folder: target, kind: 'docx' }));
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
    expect(await db.document.count({ where: { folder: target } })).toBe(0);
  });

  it('a JSON body without a Content-Type → 415', async () => {
    const body = new TextEncoder().encode(JSON.stringify({ folder: folder(), kind: 'docx' }));
    const response = await create({}, new Blob([body]));
    expect(response.status).toBe(415);
  });

  it('a JSON body over 64 KiB → 413 too_large', async () => {
    const response = await create(
      { 'content-type': 'application/json' },
      JSON.stringify({ folder: folder(), kind: 'docx', name: 'x', pad: 'p'.repeat(70 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('too_large');
  });

  it('Origin: https://evil.example with application/json → 403 (a preflight would also stop it; we do not rely on that)', async () => {
    const response = await create(
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      JSON.stringify({ folder: folder(), kind: 'docx' }),
    );
    expect(response.status).toBe(403);
  });
});
