import { describe, expect, it } from 'vitest';
import { safeCallbackPath, safeRedirectUrl } from '@/lib/auth/callback-url';

// What /login?callbackUrl=… hands over after URLSearchParams decoded the query once.
const fromQuery = (raw: string) => new URLSearchParams(`callbackUrl=${raw}`).get('callbackUrl')!;

describe('safeCallbackPath (the ?callbackUrl= of /login)', () => {
  it.each([
    ['/', '/'],
    ['/?folder=A%20B', '/?folder=A%20B'],
    ['/?folder=Projects%2F2026&page=2', '/?folder=Projects%2F2026&page=2'],
    ['/documents/8d3c9a52-1111-4a4a-9a9a-000000000001/edit', '/documents/8d3c9a52-1111-4a4a-9a9a-000000000001/edit'],
    ['/admin/editors#status', '/admin/editors#status'],
    ['/?folder=100%25', '/?folder=100%25'],
    ['/?q=caf%C3%A9', '/?q=caf%C3%A9'],
  ])('%s → kept as %s', (value, expected) => {
    expect(safeCallbackPath(value)).toBe(expected);
  });

  it.each([
    // The measured open redirects: the browser reads "\" as "/" and drops tabs, so these are //evil.example.
    ['/%5Cevil.example'],
    ['%2F%5Cevil.example'],
    ['/%5C%5Cevil.example'],
    ['/%09/evil.example'],
    // Their relatives.
    ['//evil.example'],
    ['/\\evil.example'],
    ['\\\\evil.example'],
    ['/%2Fevil.example'],
    ['%2F%2Fevil.example'],
    ['/%252F/evil.example'],
    ['/%255Cevil.example'],
    ['/%25255Cevil.example'],
    ['/%0A/evil.example'],
    ['/%0D/evil.example'],
    ['/%00'],
    ['/%7F'],
    [' /evil.example'],
    ['https://evil.example/'],
    ['http:/evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    ['/documents/x?next=a%5Cb'],
    [''],
  ])('?callbackUrl=%s → "/"', (raw) => {
    expect(safeCallbackPath(fromQuery(raw))).toBe('/');
    expect(safeCallbackPath(raw)).toBe('/');
  });

  it('a deep link survives the round trip through /login?callbackUrl=', () => {
    const deepLink = '/?folder=A%20B';
    expect(safeCallbackPath(fromQuery(encodeURIComponent(deepLink)))).toBe(deepLink);
  });

  it('no value, a non-string or an overlong value → "/"', () => {
    expect(safeCallbackPath(undefined)).toBe('/');
    expect(safeCallbackPath(['/a', '/b'])).toBe('/');
    expect(safeCallbackPath(`/${'a'.repeat(5000)}`)).toBe('/');
  });

  it('a malformed escape in the value itself → "/"', () => {
    expect(safeCallbackPath('/%C0%AE')).toBe('/');
    expect(safeCallbackPath('/%E0%A4%A')).toBe('/');
  });
});

describe('safeRedirectUrl (next-auth callbacks.redirect)', () => {
  const baseUrl = 'https://portal.example';

  it.each([
    ['/', 'https://portal.example/'],
    ['/?folder=A%20B', 'https://portal.example/?folder=A%20B'],
    ['https://portal.example/documents/x/edit', 'https://portal.example/documents/x/edit'],
    ['https://portal.example', 'https://portal.example/'],
  ])('%s → %s', (url, expected) => {
    expect(safeRedirectUrl({ url, baseUrl })).toBe(expected);
  });

  it.each([
    ['/%5Cevil.example'],
    ['/\\evil.example'],
    ['//evil.example'],
    ['https://evil.example/'],
    ['https://portal.example.evil.example/'],
    ['http://portal.example/'],
    ['https://portal.example/%5Cevil.example'],
    ['https://portal.example//evil.example'],
    ['javascript:alert(1)'],
  ])('%s → the base URL', (url) => {
    expect(safeRedirectUrl({ url, baseUrl })).toBe(baseUrl);
  });
});
