import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { filesApi } from '../../support/files-api';
import { portalFetch } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';

// A body the server refuses (not JSON: 400 invalid_json; not declared as JSON: 415) is refused
// before the route changes anything. The routes used to read it with `.catch(() => ({}))` and go
// on with {} — for a trash restore {} is a valid request, so a refused restore still restored.
// Every route whose JSON body is optional or required is driven here with a broken body; nothing
// it would change may change (the audit records no event by the caller, and the watched rows
// stay as they were).

let admin: PublicUser;
const cookies = { admin: '' };

beforeAll(async () => {
  admin = await makeUser('admin');
  cookies.admin = await sessionCookie(admin);
});

const BROKEN = [
  {
    label: 'a body that is not JSON ("nul")',
    body: 'nul',
    type: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  { label: 'a cut-off JSON body', body: '{"onConflict":', type: 'application/json', status: 400, code: 'invalid_json' },
  { label: 'a text/plain body', body: 'x', type: 'text/plain', status: 415, code: 'unsupported_media_type' },
] as const;

const send = (path: string, broken: (typeof BROKEN)[number]) =>
  portalFetch(path, { cookie: cookies.admin, body: broken.body, headers: { 'content-type': broken.type } });

const eventsBy = (userId: string) => db.auditEvent.count({ where: { userId } });

describe('POST /api/trash/:id/restore with a refused body', () => {
  for (const broken of BROKEN)
    it(`POST /api/trash/:id/restore of a document with ${broken.label} → ${broken.status} ${broken.code}; it stays in the trash`, async () => {
      const doc = await addDocument(uniqueFolder('refused-restore'), 'kept-deleted.txt');
      expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.admin })).status).toBe(200);
      const before = await eventsBy(admin.id);
      const response = await send(`/api/trash/${doc.id}/restore`, broken);
      expect(response.status).toBe(broken.status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(broken.code);
      expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).deletedAt).not.toBeNull();
      expect(await eventsBy(admin.id)).toBe(before);
    });

  it('POST /api/trash/:id/restore of a deleted folder with a cut-off body → 400; the whole entry stays in the trash', async () => {
    const root = uniqueFolder('refused-folder');
    await addDocument(root, 'a.txt');
    await addDocument(root, 'b.txt');
    const deleted = await filesApi.deleteFolder({ cookie: cookies.admin, body: { path: root } });
    const { batchId } = (await deleted.json()) as { batchId: string };
    const response = await send(`/api/trash/${batchId}/restore`, BROKEN[1]);
    expect(response.status).toBe(400);
    expect(await db.trashBatch.count({ where: { id: batchId } })).toBe(1);
    expect(await db.document.count({ where: { trashBatchId: batchId, deletedAt: { not: null } } })).toBe(2);
  });

  it('POST /api/trash/:id/restore with no body at all → 200, restored (the body is optional)', async () => {
    const doc = await addDocument(uniqueFolder('no-body'), 'back.txt');
    expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.admin })).status).toBe(200);
    const response = await portalFetch(`/api/trash/${doc.id}/restore`, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).deletedAt).toBeNull();
  });
});

describe('every route with a JSON body refuses a broken one before acting', () => {
  // Each route with a target that exists, so that {} (or the route's defaults) could have acted.
  const routes = async () => {
    const folder = uniqueFolder('refused-routes');
    const doc = await addDocument(folder, 'target.txt');
    const other = await makeUser('viewer');

    return [
      `/api/documents/${doc.id}/rename`,
      `/api/documents/${doc.id}/move`,
      `/api/documents/${doc.id}/copy`,
      '/api/documents/new',
      '/api/folders',
      '/api/folders/rename',
      '/api/folders/move',
      '/api/folders/copy',
      '/api/folders/delete',
      '/api/admin/users',
      `/api/admin/users/${other.id}/role`,
      `/api/admin/users/${other.id}/password`,
      '/api/account/password',
      '/api/account/locale',
    ];
  };

  for (const broken of BROKEN)
    it(`POST with ${broken.label} to each of 14 routes → ${broken.status} ${broken.code} each; nothing recorded`, async () => {
      const before = await eventsBy(admin.id);
      for (const path of await routes()) {
        const response = await send(path, broken);
        expect(response.status, path).toBe(broken.status);
        expect(((await response.json()) as { error: { code: string } }).error.code, path).toBe(broken.code);
      }
      expect(await eventsBy(admin.id)).toBe(before);
    });
});
