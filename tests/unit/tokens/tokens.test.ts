import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setRuntimeEnv } from '@/lib/env';
import { DEFAULT_TOKEN_TTL_MS, mintAccessToken, verifyAccessToken } from '@/lib/tokens/tokens';

const SECRET = 'unit-test-secret-0123456789abcdef0123456789';
const NOW = Date.parse('2031-03-04T05:06:07.000Z');
const DOC = '12345678-1234-4234-8234-123456789abc';
const USER = '87654321-4321-4321-8321-cba987654321';
const HOUR = 60 * 60 * 1000;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const mint = (overrides: Partial<Parameters<typeof mintAccessToken>[0]> = {}) =>
  mintAccessToken({ documentId: DOC, userId: USER, permissions: ['read', 'write'], now: NOW, ...overrides });

const segments = (token: string) => token.split('.') as [string, string, string];
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(segments(token)[1], 'base64url').toString('utf8')) as { exp: number } & Record<
    string,
    unknown
  >;

/** A token signed with our secret but with claims of our choosing (to test the claim checks). */
const signRaw = (claims: Record<string, unknown>, { audience = 'wopi', issuer = 'wopi-portal' } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(audience)
    .setIssuer(issuer)
    .setIssuedAt(Math.floor(NOW / 1000))
    .setExpirationTime(Math.floor((NOW + HOUR) / 1000))
    .sign(new TextEncoder().encode(SECRET));

beforeAll(() => {
  setRuntimeEnv({ WOPI_TOKEN_SECRET: SECRET });
});

afterEach(() => {
  setRuntimeEnv({ WOPI_TOKEN_SECRET: SECRET });
});

describe('mintAccessToken / verifyAccessToken', () => {
  it('round trip: the claims come back (document, user, permissions, expiry, a token id)', async () => {
    const { token, expiresAt } = await mint({ ttlMs: HOUR });
    const claims = await verifyAccessToken(token, NOW);
    expect(claims).toEqual({
      documentId: DOC,
      userId: USER,
      permissions: ['read', 'write'],
      expiresAt,
      tokenId: expect.any(String),
    });
    expect(expiresAt).toBe(NOW + HOUR);
  });

  it('without ttlMs the lifetime is DEFAULT_TOKEN_TTL_MS', async () => {
    const { expiresAt } = await mint();
    expect(expiresAt).toBe(Math.floor((NOW + DEFAULT_TOKEN_TTL_MS) / 1000) * 1000);
  });

  it('expiresAt is whole seconds (JWT exp), rounded down: never later than asked', async () => {
    const { expiresAt } = await mint({ now: NOW + 999, ttlMs: HOUR });
    expect(expiresAt % 1000).toBe(0);
    expect(expiresAt).toBeLessThanOrEqual(NOW + 999 + HOUR);
  });

  it('every token has its own id, even with identical claims', async () => {
    const a = await verifyAccessToken((await mint()).token, NOW);
    const b = await verifyAccessToken((await mint()).token, NOW);
    expect(a!.tokenId).not.toBe(b!.tokenId);
  });

  it.each([[['read'] as const], [['read', 'write', 'rename', 'delete', 'create'] as const], [[] as const]])(
    'permissions %j survive the round trip',
    async (permissions) => {
      const { token } = await mint({ permissions });
      expect((await verifyAccessToken(token, NOW))!.permissions).toEqual(permissions);
    },
  );

  it('duplicate permissions are stored once', async () => {
    const { token } = await mint({ permissions: ['read', 'read', 'write', 'read'] });
    expect((await verifyAccessToken(token, NOW))!.permissions).toEqual(['read', 'write']);
  });

  describe('expiry boundary', () => {
    it('valid 1 ms before expiresAt; invalid at expiresAt and after', async () => {
      const { token, expiresAt } = await mint({ ttlMs: 60_000 });
      expect(await verifyAccessToken(token, expiresAt - 1)).not.toBeNull();
      expect(await verifyAccessToken(token, expiresAt)).toBeNull();
      expect(await verifyAccessToken(token, expiresAt + 1)).toBeNull();
    });

    it('a token whose expiry is already past when minted is never valid', async () => {
      const { token } = await mint({ ttlMs: -1000 });
      expect(await verifyAccessToken(token, NOW)).toBeNull();
    });
  });

  describe('notAfter', () => {
    it('caps the expiry below now + ttl', async () => {
      const { token, expiresAt } = await mint({ ttlMs: 10 * HOUR, notAfter: NOW + HOUR });
      expect(expiresAt).toBe(NOW + HOUR);
      expect((await verifyAccessToken(token, NOW))!.expiresAt).toBe(NOW + HOUR);
      expect(await verifyAccessToken(token, NOW + HOUR)).toBeNull();
    });

    it('a later notAfter does not extend now + ttl', async () => {
      const { expiresAt } = await mint({ ttlMs: HOUR, notAfter: NOW + 10 * HOUR });
      expect(expiresAt).toBe(NOW + HOUR);
    });

    it('a notAfter that is not on a second boundary is rounded down, never up', async () => {
      const { expiresAt } = await mint({ ttlMs: 10 * HOUR, notAfter: NOW + HOUR + 999 });
      expect(expiresAt).toBe(NOW + HOUR);
    });
  });

  describe('tampering', () => {
    it('a payload edited to another document (signature kept) → null', async () => {
      const { token } = await mint();
      const [header, , signature] = segments(token);
      const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), doc: 'another-document' })).toString(
        'base64url',
      );
      expect(await verifyAccessToken(`${header}.${forged}.${signature}`, NOW)).toBeNull();
    });

    it('a payload edited to more permissions (signature kept) → null', async () => {
      const { token } = await mint({ permissions: ['read'] });
      const [header, , signature] = segments(token);
      const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), perm: ['read', 'write'] })).toString(
        'base64url',
      );
      expect(await verifyAccessToken(`${header}.${forged}.${signature}`, NOW)).toBeNull();
    });

    it('a payload edited to a later expiry (signature kept) → null', async () => {
      const { token } = await mint({ ttlMs: 60_000 });
      const [header, , signature] = segments(token);
      const forged = Buffer.from(JSON.stringify({ ...payloadOf(token), exp: payloadOf(token).exp + 3600 })).toString(
        'base64url',
      );
      expect(await verifyAccessToken(`${header}.${forged}.${signature}`, NOW + 120_000)).toBeNull();
    });

    it.each([[0], [10], [21], [42]])('a signature with character %i flipped → null', async (index) => {
      const { token } = await mint();
      const [header, payload, signature] = segments(token);
      // Flip the high bit of the 6 a character carries: the last one (42 of 43) also has padding bits.
      const flipped = BASE64URL[BASE64URL.indexOf(signature[index]!) ^ 32]!;
      const tampered = `${header}.${payload}.${signature.slice(0, index)}${flipped}${signature.slice(index + 1)}`;
      expect(tampered).not.toBe(token);
      expect(await verifyAccessToken(tampered, NOW)).toBeNull();
    });

    it('the signature removed → null', async () => {
      const { token } = await mint();
      const [header, payload] = segments(token);
      expect(await verifyAccessToken(`${header}.${payload}.`, NOW)).toBeNull();
    });

    it('alg "none" with the same claims → null', async () => {
      const { token } = await mint();
      const unsecured = new UnsecuredJWT(payloadOf(token)).encode();
      expect(await verifyAccessToken(unsecured, NOW)).toBeNull();
    });
  });

  it('a token minted with another secret → null', async () => {
    setRuntimeEnv({ WOPI_TOKEN_SECRET: 'a-completely-different-secret-0123456789' });
    const { token } = await mint();
    setRuntimeEnv({ WOPI_TOKEN_SECRET: SECRET });
    expect(await verifyAccessToken(token, NOW)).toBeNull();
  });

  describe('claims our secret signed but that are not our tokens', () => {
    it.each([
      ['another audience', { audience: 'not-wopi' }],
      ['another issuer', { issuer: 'someone-else' }],
    ])('%s → null', async (_label, options) => {
      const token = await signRaw({ sub: USER, doc: DOC, perm: ['read'], jti: 'x' }, options);
      expect(await verifyAccessToken(token, NOW)).toBeNull();
    });

    it.each([
      ['no document', { sub: USER, perm: ['read'], jti: 'x' }],
      ['no user', { doc: DOC, perm: ['read'], jti: 'x' }],
      ['no token id', { sub: USER, doc: DOC, perm: ['read'] }],
      ['an unknown permission', { sub: USER, doc: DOC, perm: ['read', 'admin'], jti: 'x' }],
      ['permissions not an array', { sub: USER, doc: DOC, perm: 'read', jti: 'x' }],
      ['an empty document', { sub: USER, doc: '', perm: ['read'], jti: 'x' }],
    ])('%s → null', async (_label, claims) => {
      expect(await verifyAccessToken(await signRaw(claims), NOW)).toBeNull();
    });
  });

  describe('garbage', () => {
    it.each([
      [''],
      ['garbage'],
      ['a.b.c'],
      ['..'],
      ['null'],
      ['eyJhbGciOiJIUzI1NiJ9'],
      ['eyJhbGciOiJIUzI1NiJ9.e30.'],
      ['!!!.@@@.###'],
      ['Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'],
      ['😀.😀.😀'],
    ])('%j → null', async (garbage) => {
      expect(await verifyAccessToken(garbage, NOW)).toBeNull();
    });

    it.each([[null], [undefined]])('%s → null', async (value) => {
      expect(await verifyAccessToken(value, NOW)).toBeNull();
    });

    it('a 5000-character string → null', async () => {
      expect(await verifyAccessToken('a'.repeat(5000), NOW)).toBeNull();
    });

    it('a valid token padded past 4096 characters → null', async () => {
      const { token } = await mint();
      expect(await verifyAccessToken(token + 'A'.repeat(4100), NOW)).toBeNull();
    });

    it('a 1 MB string → null, quickly', async () => {
      const started = performance.now();
      expect(await verifyAccessToken('x.'.repeat(512 * 1024), NOW)).toBeNull();
      expect(performance.now() - started).toBeLessThan(500);
    });
  });

  it('without WOPI_TOKEN_SECRET, minting throws (never signs with an empty key)', async () => {
    setRuntimeEnv({ WOPI_TOKEN_SECRET: undefined });
    await expect(mint()).rejects.toThrow(/WOPI_TOKEN_SECRET/);
  });
});

describe('editor product claim', () => {
  it('a token minted with editor "onlyoffice" verifies with it; one without has none', async () => {
    const withEditor = await mint({ client: 'docs', editor: 'onlyoffice' });
    expect(await verifyAccessToken(withEditor.token, NOW)).toMatchObject({ client: 'docs', editor: 'onlyoffice' });
    expect((await verifyAccessToken((await mint()).token, NOW))?.editor).toBeUndefined();
  });

  it('an unknown editor product in a signed token → rejected', async () => {
    const token = await signRaw({ sub: USER, doc: DOC, perm: ['read'], jti: 'j', edt: 'wordperfect' });
    expect(await verifyAccessToken(token, NOW)).toBeNull();
  });
});

describe('verification on node:crypto (sync HMAC-SHA256, constant-time compare)', () => {
  it('a token our secret signed with another header ({"alg":"HS256","typ":"JWT"}) → null: only what mintAccessToken writes', async () => {
    const { createHmac } = await import('node:crypto');
    const { token } = await mint();
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = segments(token)[1];
    const signature = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    expect(await verifyAccessToken(`${header}.${payload}.${signature}`, NOW)).toBeNull();
  });

  it('a token with a fourth segment → null', async () => {
    const { token } = await mint();
    expect(await verifyAccessToken(`${token}.x`, NOW)).toBeNull();
  });

  it('nbf in the future → null until then', async () => {
    const token = await new SignJWT({ doc: DOC, perm: ['read'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER)
      .setAudience('wopi')
      .setIssuer('wopi-portal')
      .setJti('j')
      .setNotBefore(Math.floor((NOW + HOUR) / 1000))
      .setExpirationTime(Math.floor((NOW + 2 * HOUR) / 1000))
      .sign(new TextEncoder().encode(SECRET));
    expect(await verifyAccessToken(token, NOW)).toBeNull();
    expect(await verifyAccessToken(token, NOW + HOUR + 1000)).toMatchObject({ documentId: DOC });
  });
});
