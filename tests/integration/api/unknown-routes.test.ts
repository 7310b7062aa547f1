import { describe, expect, it } from 'vitest';
import { portalFetch } from '../../support/portal-http';

// An /api path no route serves answers like every other API error (JSON, a stable code, the
// reader's language), not with Next.js's HTML 404 page; real routes are untouched.

describe('unknown /api paths', () => {
  for (const [method, path] of [
    ['GET', '/api/nonexistent'],
    ['POST', '/api/admin/discovery'],
    ['DELETE', '/api/documents'],
    ['PUT', '/api/a/b/c'],
  ] as const)
    it(`${method} ${path} → 404 JSON not_found`, async () => {
      const response = await portalFetch(path, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'not_found',
        message: 'No such API route.',
        what: 'api_route',
      });
    });

  it('GET /api/nonexistent with Accept-Language: de → the German message', async () => {
    const response = await portalFetch('/api/nonexistent', { method: 'GET', headers: { 'accept-language': 'de' } });
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'Diese API-Adresse gibt es nicht.',
    );
  });

  it('GET /api/live and GET /api/auth/session still reach their routes', async () => {
    expect((await portalFetch('/api/live', { method: 'GET' })).status).toBe(200);
    const session = await portalFetch('/api/auth/session', { method: 'GET' });
    expect(session.status).toBe(200);
    expect(session.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
