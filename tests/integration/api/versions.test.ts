import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { holdLock } from '../../support/files-api';
import { mirrorsSettled } from '@/lib/documents/content';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey } from '@/lib/storage/keys';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';
import { tokenFor, wopi } from '../../support/wopi';

// Version history over the portal API: list (any role), download of one version (any role),
// restore as a new version (editors and admins; viewers 403; 409 while open in an editor).

type Role = 'admin' | 'editor' | 'viewer';
const users = {} as Record<Role, PublicUser>;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    users[role] = await makeUser(role);
    cookies[role] = await sessionCookie(users[role]);
  }
});

const list = (id: string, cookie?: string) => apiRequest(`/api/documents/${id}/versions`, { cookie, method: 'GET' });
const download = (id: string, version: string, cookie?: string) =>
  apiRequest(`/api/documents/${id}/versions/${version}/content`, { cookie, method: 'GET' });
const restore = (id: string, version: string, cookie?: string, headers: Record<string, string> = {}) =>
  apiRequest(`/api/documents/${id}/versions/${version}/restore`, { cookie, headers });
const current = async (id: string) =>
  (await apiRequest(`/api/documents/${id}/content`, { cookie: cookies.viewer, method: 'GET' })).text();

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

type VersionJson = {
  version: number;
  size: number;
  kind: string;
  author: { email: string } | null;
  flags: Record<string, boolean>;
  isCurrent: boolean;
  restoredFrom?: number;
};

/** An editor session's save through WOPI: LOCK, PutFile with Collabora's flags, UNLOCK. */
const saveAs = async (id: string, userId: string, body: string, flags: { autosave: boolean; exit?: boolean }) => {
  const token = await tokenFor(id, userId);
  const lock = { 'X-WOPI-Lock': 'L-history' };
  expect((await wopi.override(id, 'LOCK', { token, headers: lock })).status).toBe(200);
  const saved = await wopi.putFile(id, {
    token,
    body,
    headers: {
      ...lock,
      'X-COOL-WOPI-IsAutosave': String(flags.autosave),
      'X-COOL-WOPI-IsExitSave': String(!!flags.exit),
      'X-COOL-WOPI-IsModifiedByUser': 'true',
    },
  });
  expect(saved.status).toBe(200);
  expect((await wopi.override(id, 'UNLOCK', { token, headers: lock })).status).toBe(200);
};

let folder: string;
let docId: string;

beforeEach(async () => {
  folder = uniqueFolder('history');
  docId = (await addDocument(folder, 'Plan ü (draft).docx', 'version one', users.admin.id)).id;
});

describe('GET /api/documents/:id/versions', () => {
  it('GET /api/documents/:id/versions as viewer → 200, newest first: author, size, editor flags, storage change named, current marked', async () => {
    await saveAs(docId, users.editor.id, 'autosave 2', { autosave: true });
    await saveAs(docId, users.editor.id, 'autosave three', { autosave: true });
    await mirrorsSettled();
    await putExternalObject(documentKey({ folder, name: 'Plan ü (draft).docx' }), 'changed in the bucket');
    const response = await list(docId, cookies.viewer);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { document: { name: string; version: number }; versions: VersionJson[] };
    expect(body.document).toMatchObject({ id: docId, name: 'Plan ü (draft).docx', version: 4 });
    expect(body.versions.map((v) => [v.version, v.kind, v.author?.email ?? null, v.size, v.isCurrent])).toEqual([
      [4, 'storage', null, 'changed in the bucket'.length, true],
      [3, 'autosave', users.editor.email, 'autosave three'.length, false],
      [2, 'autosave', users.editor.email, 'autosave 2'.length, false],
      [1, 'upload', users.admin.email, 'version one'.length, false],
    ]);
    expect(body.versions[1]!.flags).toEqual({ isAutosave: true, isExitSave: false, isModifiedByUser: true });
  });

  it('GET /api/documents/:id/versions of a document another tool put in the bucket → its one version, "found", current; downloadable', async () => {
    const outside = uniqueFolder('history-found');
    await putExternalObject(documentKey({ folder: outside, name: 'Found.txt' }), 'put by another tool');
    await reconcileFolder(outside);
    const { id } = await db.document.findFirstOrThrow({ where: { folder: outside }, select: { id: true } });
    const body = (await (await list(id, cookies.viewer)).json()) as { versions: VersionJson[] };
    expect(body.versions.map((v) => [v.version, v.kind, v.author, v.size, v.isCurrent])).toEqual([
      [1, 'found', null, 'put by another tool'.length, true],
    ]);
    const response = await download(id, '1', cookies.viewer);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('put by another tool');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=Found.txt');
  });

  it('GET /api/documents/:id/versions without a session → 401', async () => {
    expect((await list(docId)).status).toBe(401);
  });

  it('GET /api/documents/:id/versions for an unknown id, a malformed id or a deleted document → 404', async () => {
    expect((await list('00000000-0000-0000-0000-000000000000', cookies.admin)).status).toBe(404);
    expect((await list('not-a-uuid', cookies.admin)).status).toBe(404);
    await db.document.update({ where: { id: docId }, data: { deletedAt: new Date() } });
    expect((await list(docId, cookies.admin)).status).toBe(404);
  });
});

describe('GET /api/documents/:id/versions/:version/content', () => {
  it.each(['viewer', 'editor', 'admin'] as const)(
    'GET …/versions/1/content as %s → 200 that version’s bytes with their Content-Length, attachment "Name (version 1).ext" (RFC 6266), audited',
    async (role) => {
      await saveAs(docId, users.editor.id, 'version two', { autosave: false });
      const response = await download(docId, '1', cookies[role]);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String('version one'.length));
      expect(response.headers.get('x-portal-content-length')).toBeNull();
      expect(await response.text()).toBe('version one');
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="Plan ? (draft) (version 1).docx"; filename*=UTF-8''Plan%20%C3%BC%20%28draft%29%20%28version%201%29.docx`,
      );
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const events = await db.auditEvent.findMany({
        where: { documentId: docId, action: 'document.version_downloaded' },
        select: { userId: true, outcome: true, details: true },
      });
      expect(events).toEqual([
        { userId: users[role].id, outcome: 'success', details: { version: 1, size: 'version one'.length } },
      ]);
    },
  );

  it('GET …/versions/2/content of the current version → its own name', async () => {
    await saveAs(docId, users.editor.id, 'version two', { autosave: false });
    const response = await download(docId, '2', cookies.viewer);
    expect(await response.text()).toBe('version two');
    expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''Plan%20%C3%BC%20%28draft%29.docx`);
  });

  it('GET …/versions/:version/content for a version that does not exist, "0", "abc" or an unknown document → 404; without a session → 401', async () => {
    for (const version of ['9', '0', 'abc', '-1', '1.5'])
      expect((await download(docId, version, cookies.admin)).status).toBe(404);
    expect((await download('00000000-0000-0000-0000-000000000000', '1', cookies.admin)).status).toBe(404);
    expect((await download(docId, '1')).status).toBe(401);
  });
});

describe('GET /api/documents/:id/content', () => {
  it('GET /api/documents/:id/content → 200 the current bytes with their Content-Length (the browser shows the download’s size), not chunked', async () => {
    const response = await apiRequest(`/api/documents/${docId}/content`, { cookie: cookies.viewer, method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String('version one'.length));
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(response.headers.get('x-portal-content-length')).toBeNull();
    expect(await response.text()).toBe('version one');
  });
});

describe('POST /api/documents/:id/versions/:version/restore', () => {
  it.each(['editor', 'admin'] as const)(
    'POST …/versions/1/restore as %s → 201 {version 3, restoredFrom 1}; the old bytes are current as a new version; audited',
    async (role) => {
      await saveAs(docId, users.editor.id, 'version two', { autosave: false });
      const response = await restore(docId, '1', cookies[role]);
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: docId, version: 3, restoredFrom: 1 });
      expect(await current(docId)).toBe('version one');
      const body = (await (await list(docId, cookies[role])).json()) as { versions: VersionJson[] };
      expect(body.versions[0]).toMatchObject({ version: 3, kind: 'restore', restoredFrom: 1, isCurrent: true });
      expect(body.versions[0]!.author?.email).toBe(users[role].email);
      const events = await db.auditEvent.findMany({
        where: { documentId: docId, action: 'document.version_restored' },
        select: { userId: true, outcome: true, details: true },
      });
      expect(events).toEqual([
        { userId: users[role].id, outcome: 'success', details: { restoredFrom: 1, version: 3 } },
      ]);
    },
  );

  it('POST …/restore as viewer → 403 forbidden; nothing changes', async () => {
    await saveAs(docId, users.editor.id, 'version two', { autosave: false });
    const response = await restore(docId, '1', cookies.viewer);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
    expect(await current(docId)).toBe('version two');
    expect((await db.document.findUniqueOrThrow({ where: { id: docId } })).version).toBe(2);
  });

  it('POST …/restore without a session → 401', async () => {
    expect((await restore(docId, '1')).status).toBe(401);
  });

  it('POST …/restore from another site (Sec-Fetch-Site: cross-site) → 403 cross_site_request; nothing changes', async () => {
    await saveAs(docId, users.editor.id, 'version two', { autosave: false });
    const response = await restore(docId, '1', cookies.admin, { 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('cross_site_request');
    expect(await current(docId)).toBe('version two');
  });

  it('POST …/restore while the document is open in an editor (a live lock) → 409 locked "open for editing"; nothing changes; the refusal audited', async () => {
    await saveAs(docId, users.editor.id, 'version two', { autosave: false });
    await holdLock(docId, 'held', new Date(Date.now() + 60_000));
    const response = await restore(docId, '1', cookies.editor);
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe('locked');
    expect(error.message).toMatch(/open for editing/);
    expect(await current(docId)).toBe('version two');
    expect((await db.document.findUniqueOrThrow({ where: { id: docId } })).version).toBe(2);
    const events = await db.auditEvent.findMany({
      where: { documentId: docId, action: 'document.version_restored' },
      select: { outcome: true },
    });
    expect(events).toEqual([{ outcome: 'failure' }]);
  });

  it('POST …/restore under an expired lock → 201 (an expired lock is no lock)', async () => {
    await saveAs(docId, users.editor.id, 'version two', { autosave: false });
    await holdLock(docId, 'old', new Date(Date.now() - 1000));
    expect((await restore(docId, '1', cookies.editor)).status).toBe(201);
  });

  it('POST …/restore of a version that does not exist, "abc", or an unknown document → 404; nothing changes', async () => {
    expect((await restore(docId, '7', cookies.admin)).status).toBe(404);
    expect((await restore(docId, 'abc', cookies.admin)).status).toBe(404);
    expect((await restore('00000000-0000-0000-0000-000000000000', '1', cookies.admin)).status).toBe(404);
    expect((await db.document.findUniqueOrThrow({ where: { id: docId } })).version).toBe(1);
  });
});
