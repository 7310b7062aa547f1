import { beforeAll, describe, expect, it } from 'vitest';
import { addDocument, uniqueFolder } from '../../support/documents';
import { portalFetch } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';

// A method an /api route does not export: Next.js answers a bare 405 (no body, no Allow); the
// portal's front turns it into the API's JSON error with the route's methods as Allow, for
// every route at once (lib/server/portal-proxy.ts). /wopi keeps its own 405.

type MethodError = { code: string; message: string; method: string; allow: string };

let cookie = '';
let docId = '';

beforeAll(async () => {
  cookie = await sessionCookie(await makeUser('admin'));
  docId = (await addDocument(uniqueFolder('405'), 'a.txt')).id;
});

const expect405 = async (response: Response, method: string, allow: string) => {
  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe(allow);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const { error } = (await response.json()) as { error: MethodError };
  expect(error).toEqual({
    code: 'method_not_allowed',
    method,
    allow,
    message: `${method} is not allowed here; use ${allow}.`,
  });
};

describe('a method an /api route does not serve → 405 JSON + Allow', () => {
  it('DELETE /api/live → 405 JSON + Allow: GET, HEAD, OPTIONS', async () => {
    await expect405(await portalFetch('/api/live', { method: 'DELETE' }), 'DELETE', 'GET, HEAD, OPTIONS');
  });

  it('POST /api/health with a JSON body → 405 JSON + Allow: GET, HEAD, OPTIONS; the connection serves the next request', async () => {
    await expect405(await portalFetch('/api/health', { method: 'POST', body: { x: 1 } }), 'POST', 'GET, HEAD, OPTIONS');
    expect((await portalFetch('/api/live', { method: 'GET' })).status).toBe(200);
  });

  it('PUT /api/documents/:id/rename (signed in) → 405 JSON + Allow: OPTIONS, POST', async () => {
    await expect405(
      await portalFetch(`/api/documents/${docId}/rename`, { method: 'PUT', cookie }),
      'PUT',
      'OPTIONS, POST',
    );
  });

  it('PATCH /api/admin/users → 405 JSON + Allow: GET, HEAD, OPTIONS, POST', async () => {
    await expect405(
      await portalFetch('/api/admin/users', { method: 'PATCH', cookie, body: {} }),
      'PATCH',
      'GET, HEAD, OPTIONS, POST',
    );
  });

  it('GET /api/folders/delete → 405 JSON + Allow: OPTIONS, POST', async () => {
    await expect405(await portalFetch('/api/folders/delete', { method: 'GET', cookie }), 'GET', 'OPTIONS, POST');
  });

  it('DELETE /api/trash with Accept-Language: de → the German message', async () => {
    const response = await portalFetch('/api/trash', { method: 'DELETE', headers: { 'accept-language': 'de' } });
    expect(response.status).toBe(405);
    expect(((await response.json()) as { error: MethodError }).error.message).toBe(
      'DELETE ist hier nicht erlaubt; erlaubt: GET, HEAD, OPTIONS.',
    );
  });

  it('HEAD /api/folders/rename → 405 + Allow: OPTIONS, POST, no body', async () => {
    const response = await portalFetch('/api/folders/rename', { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
    expect(await response.text()).toBe('');
  });

  it('OPTIONS /api/live → 204 + Allow, as Next.js answers it', async () => {
    const response = await portalFetch('/api/live', { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('a served method is untouched: GET /api/live → 200', async () => {
    expect((await portalFetch('/api/live', { method: 'GET' })).status).toBe(200);
  });

  it('DELETE /wopi/files/:id → the WOPI listener’s own 405 (not the API’s JSON)', async () => {
    const response = await portalFetch(`/wopi/files/${docId}`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/json/);
  });
});
