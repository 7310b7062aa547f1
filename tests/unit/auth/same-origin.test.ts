import { describe, expect, it } from 'vitest';
import { crossSiteReason } from '@/lib/auth/same-origin';

const PUBLIC = 'https://docs.example.org';
const check = (headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/documents/new') =>
  crossSiteReason(new Request(url, { method: 'POST', headers }), { publicUrl: PUBLIC });

describe('crossSiteReason (the CSRF check of state-changing portal requests)', () => {
  it.each([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed into the address bar, a bookmark)', { 'sec-fetch-site': 'none' }],
    ['Origin equal to the Host header', { origin: 'http://portal.internal:3000', host: 'portal.internal:3000' }],
    ['Origin equal to PUBLIC_URL (a proxy rewrote Host)', { origin: PUBLIC, host: '10.0.0.5:3000' }],
    [
      'Origin https with Host on the default port',
      { origin: 'https://docs.example.org', host: 'docs.example.org:443' },
    ],
    [
      'Origin equal to the request URL host, no Host header (route handlers in tests)',
      { origin: 'http://127.0.0.1:3000' },
    ],
    ['neither Origin nor Sec-Fetch-Site (curl, the CLI, scripts)', {}],
    ['Sec-Fetch-Site in another case', { 'sec-fetch-site': 'Same-Origin' }],
    // Browsers set Sec-Fetch-Site themselves (a forbidden header): it wins over an Origin that a
    // proxy's Host rewrite makes look foreign.
    [
      'Sec-Fetch-Site: same-origin behind a proxy that rewrote Host, no PUBLIC_URL match',
      { 'sec-fetch-site': 'same-origin', origin: 'https://other.example.org', host: '10.0.0.5:3000' },
    ],
  ])('%s → allowed', (_label, headers) => {
    expect(check(headers)).toBeNull();
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port or subdomain)', { 'sec-fetch-site': 'same-site' }],
    [
      'Sec-Fetch-Site: same-site with a forged-looking own Origin',
      { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' },
    ],
    ['an unknown Sec-Fetch-Site value', { 'sec-fetch-site': 'maybe' }],
    ['Origin: https://evil.example', { origin: 'https://evil.example' }],
    ['Origin of another port on the same host', { origin: 'http://127.0.0.1:4000' }],
    ['Origin: null', { origin: 'null' }],
    ['Origin on the public host over http', { origin: 'http://docs.example.org', host: '10.0.0.5:3000' }],
    ['a malformed Origin', { origin: 'http://[' }],
    ['Origin matching Host but a different scheme than the request', { origin: 'https://127.0.0.1:3000' }],
  ])('%s → refused', (_label, headers) => {
    expect(check(headers)).toEqual(expect.any(String));
  });
});
