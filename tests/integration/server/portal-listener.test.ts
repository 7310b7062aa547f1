import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER } from '@/lib/auth/client-address';
import { setRuntimeEnv } from '@/lib/env';
import { createPortalListener } from '@/lib/server/portal-listener';

// The production listener with a stand-in for Next.js that echoes the request headers it was
// handed; /own-csp plays the host page route (its own policy), /explicit writes its head itself.
let server: Server;
let origin = '';
const nextCalls: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) =>
    createPortalListener({
      other: (request, response) => {
        nextCalls.push(request.url ?? '');
        if (request.url === '/own-csp')
          response.setHeader('Content-Security-Policy', "default-src 'none'; frame-src https://editor.example");
        if (request.url === '/explicit') {
          response.writeHead(200, { 'X-Frame-Options': 'DENY' }).end();

          return;
        }
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify(request.headers));
      },
    })(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => setRuntimeEnv({ PUBLIC_URL: undefined, TRUST_PROXY: undefined }));

const get = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1];

describe('portal listener (everything but /wopi)', () => {
  it('GET / → CSP with a nonce, X-Frame-Options SAMEORIGIN, nosniff, no-referrer, Permissions-Policy, no HSTS on http', async () => {
    const { headers } = await get('/');
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['permissions-policy']).toContain('camera=()');
    expect(headers['x-permitted-cross-domain-policies']).toBe('none');
    expect(headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('GET / → Next.js gets Content-Security-Policy with the answer’s nonce (the app router reads it there); a fresh one per request', async () => {
    const first = await get('/', { 'content-security-policy': "script-src 'nonce-chosen-by-client'" });
    const echoed = JSON.parse(first.body) as Record<string, string>;
    expect(nonceOf(echoed['content-security-policy'])).toBe(nonceOf(first.headers['content-security-policy']));
    expect(echoed['content-security-policy']).not.toContain('chosen-by-client');
    expect(nonceOf((await get('/')).headers['content-security-policy'])).not.toBe(
      nonceOf(first.headers['content-security-policy']),
    );
  });

  it('GET /own-csp (a route with its own policy, like the host page) → its CSP, not the portal’s; the other headers added', async () => {
    const { headers } = await get('/own-csp');
    expect(headers['content-security-policy']).toBe("default-src 'none'; frame-src https://editor.example");
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('GET /explicit (a head written with its own X-Frame-Options) → that value wins', async () => {
    const { headers } = await get('/explicit');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('GET /api/live → the API policy: nothing loads, nobody frames', async () => {
    const { headers } = await get('/api/live');
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it('GET /api/auth/error (next-auth’s own page) → the page policy', async () => {
    const { headers } = await get('/api/auth/error');
    expect(headers['content-security-policy']).toContain("'strict-dynamic'");
  });

  it('PUBLIC_URL https → Strict-Transport-Security and upgrade-insecure-requests', async () => {
    setRuntimeEnv({ PUBLIC_URL: 'https://docs.example.org' });
    const { headers } = await get('/');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it.each(['/documents/%C0%AE/edit', '/api/documents/%C0%AE/content', '/api/auth/%C0', '/%', '/a/%E0%A4%A/b'])(
    'GET %s (malformed percent escape) → 400 with the security headers, Next.js not called',
    async (path) => {
      const before = nextCalls.length;
      const { status, headers } = await get(path);
      expect(status).toBe(400);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['content-security-policy']).toBeDefined();
      expect(nextCalls.length).toBe(before);
    },
  );

  it(`GET / with a forged ${CLIENT_ADDRESS_HEADER} or X-Forwarded-For (TRUST_PROXY=0) → the socket's address`, async () => {
    const { body } = await get('/', { [CLIENT_ADDRESS_HEADER]: '6.6.6.6', 'x-forwarded-for': '7.7.7.7' });
    expect((JSON.parse(body) as Record<string, string>)[CLIENT_ADDRESS_HEADER]).toBe('127.0.0.1');
  });

  it('GET / with X-Forwarded-For: "6.6.6.6, 198.51.100.7" and TRUST_PROXY=1 → 198.51.100.7', async () => {
    setRuntimeEnv({ TRUST_PROXY: '1' });
    const { body } = await get('/', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' });
    expect((JSON.parse(body) as Record<string, string>)[CLIENT_ADDRESS_HEADER]).toBe('198.51.100.7');
  });

  it('GET /wopi/files/x → none of the portal’s headers (the WOPI core sets its own)', async () => {
    const { headers } = await get('/wopi/files/x');
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['x-frame-options']).toBeUndefined();
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});
