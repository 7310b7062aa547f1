import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { documentKey } from '@/lib/storage/keys';
import { getObjectStream, headObject } from '@/lib/storage/objects';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { auditOf, errorOf, filesApi, rowOf } from '../../support/files-api';
import { makeUser, sessionCookie } from '../../support/session';

// /api/trash/**: the list (documents and deleted folders, one entry each), restore with a clear
// choice when the name is taken, delete forever and empty trash (admins only).

let admin: PublicUser;
const cookies = { admin: '', editor: '', viewer: '' };

beforeAll(async () => {
  const [a, editor, viewer] = await Promise.all([makeUser('admin'), makeUser('editor'), makeUser('viewer')]);
  admin = a;
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

const textAt = async (key: string) => {
  const { body } = await getObjectStream(key);

  return new Response(body).text();
};

type Entry = { kind: string; id: string; name: string; folder: string; documents: number; deletedBy: string | null };

const entries = async () =>
  ((await (await filesApi.listTrash({ cookie: cookies.viewer })).json()) as { entries: Entry[] }).entries;

const CROSS_SITE = { origin: 'https://evil.example' };

const deletedDocument = async (folder: string, name: string, body = 'bytes') => {
  const doc = await addDocument(folder, name, body);
  expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor })).status).toBe(200);

  return doc;
};

const deletedFolder = async () => {
  const root = uniqueFolder('gone');
  await addDocument(root, 'a.docx', 'A');
  await addDocument(`${root}/sub`, 'b.docx', 'B');
  await filesApi.createFolder({ cookie: cookies.editor, body: { parent: root, name: 'empty' } });
  const response = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
  const { batchId } = (await response.json()) as { batchId: string };

  return { root, batchId };
};

describe('GET /api/trash', () => {
  it('GET /api/trash as viewer → 200 newest first; signed out → 401', async () => {
    const first = await deletedDocument(uniqueFolder('t'), 'first.docx');
    const second = await deletedDocument(uniqueFolder('t'), 'second.docx');
    const ids = (await entries()).map((entry) => entry.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect((await filesApi.listTrash()).status).toBe(401);
  });
});

describe('POST /api/trash/:id/restore', () => {
  it('POST /api/trash/:id/restore (document) as editor → 200; back where it was with the same id and bytes; document.restore audited', async () => {
    const folder = uniqueFolder('restore');
    const doc = await deletedDocument(folder, 'Back.docx', 'back bytes');
    const response = await filesApi.restore(doc.id, { cookie: cookies.editor });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'document', id: doc.id, folder, name: 'Back.docx' });
    expect(await rowOf(doc.id)).toMatchObject({ deletedAt: null, folder, name: 'Back.docx', mirrorPendingSince: null });
    expect(await textAt(documentKey({ folder, name: 'Back.docx' }))).toBe('back bytes');
    expect((await entries()).some((entry) => entry.id === doc.id)).toBe(false);
    expect(await auditOf(doc.id, 'document.restore')).toHaveLength(1);
  });

  it('POST /api/trash/:id/restore when the name is taken → 409 name_conflict with a suggestion; "rename" restores as "name (1)"', async () => {
    const folder = uniqueFolder('restore');
    const doc = await deletedDocument(folder, 'Same.docx', 'old');
    await addDocument(folder, 'Same.docx', 'new');
    const taken = await filesApi.restore(doc.id, { cookie: cookies.editor });
    expect(taken.status).toBe(409);
    const error = await errorOf(taken);
    expect(error).toMatchObject({ code: 'name_conflict', suggestion: 'Same (1).docx' });
    expect(error.message).toContain('already exists');
    expect((await rowOf(doc.id)).deletedAt).not.toBeNull();
    const renamed = await filesApi.restore(doc.id, { cookie: cookies.editor, body: { onConflict: 'rename' } });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Same (1).docx' });
    expect(await textAt(documentKey({ folder, name: 'Same.docx' }))).toBe('new');
    expect(await textAt(documentKey({ folder, name: 'Same (1).docx' }))).toBe('old');
  });

  it('a deleted folder is ONE entry; POST /api/trash/:id/restore brings back every document and the empty folder', async () => {
    const { root, batchId } = await deletedFolder();
    const entry = (await entries()).find((e) => e.id === batchId);
    expect(entry).toMatchObject({ kind: 'folder', name: root, folder: '', documents: 2 });
    const response = await filesApi.restore(batchId, { cookie: cookies.editor });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ kind: 'folder', folder: root, documents: 2 });
    expect(await textAt(documentKey({ folder: `${root}/sub`, name: 'b.docx' }))).toBe('B');
    expect(await db.folder.findUnique({ where: { path: `${root}/empty` } })).not.toBeNull();
    expect(await db.trashBatch.findUnique({ where: { id: batchId } })).toBeNull();
    expect((await entries()).some((e) => e.id === batchId)).toBe(false);
  });

  it('POST /api/trash/:id/restore of a folder whose name is taken → 409; "rename" → "name (1)"; "merge" → into it', async () => {
    const { root, batchId } = await deletedFolder();
    await addDocument(root, 'a.docx', 'new A');
    const taken = await filesApi.restore(batchId, { cookie: cookies.editor });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: 'name_conflict', suggestion: `${root} (1)` });
    const renamed = await filesApi.restore(batchId, { cookie: cookies.editor, body: { onConflict: 'rename' } });
    expect(await renamed.json()).toMatchObject({ folder: `${root} (1)`, documents: 2 });
    expect(await textAt(documentKey({ folder: `${root} (1)`, name: 'a.docx' }))).toBe('A');

    const again = await deletedFolder();
    await addDocument(again.root, 'a.docx', 'new A');
    const merged = await filesApi.restore(again.batchId, { cookie: cookies.editor, body: { onConflict: 'merge' } });
    expect(await merged.json()).toMatchObject({ folder: again.root, documents: 2, renamed: 1 });
    expect(await textAt(documentKey({ folder: again.root, name: 'a.docx' }))).toBe('new A');
    expect(await textAt(documentKey({ folder: again.root, name: 'a (1).docx' }))).toBe('A');
  });

  it("POST /api/trash/:id/restore of a folder one of whose documents cannot come back (another tool's object at its name, not yet listed) → 200 with documents: 1 and skipped: [it, reason exists]; it stays in the trash", async () => {
    const { root, batchId } = await deletedFolder();
    const a = await db.document.findFirstOrThrow({ where: { trashBatchId: batchId, name: 'a.docx' } });
    // Written straight into the bucket: no row names it yet, so a free name by the rows is still "a.docx".
    await putExternalObject(documentKey({ folder: root, name: 'a.docx' }), 'theirs');
    const response = await filesApi.restore(batchId, { cookie: cookies.editor, body: { onConflict: 'merge' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      kind: 'folder',
      folder: root,
      documents: 1,
      skipped: [{ id: a.id, name: 'a.docx', folder: root, reason: 'exists' }],
      skippedCount: 1,
    });
    expect(await textAt(documentKey({ folder: `${root}/sub`, name: 'b.docx' }))).toBe('B');
    expect(await textAt(documentKey({ folder: root, name: 'a.docx' }))).toBe('theirs');
    // Still in the trash, now an entry of its own, and restorable under another name.
    expect((await entries()).find((entry) => entry.id === a.id)).toMatchObject({ kind: 'document', name: 'a.docx' });
    const again = await filesApi.restore(a.id, { cookie: cookies.editor });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'name_conflict' });
  });

  it('POST /api/trash/:id/restore as viewer → 403; signed out → 401; cross-site → 403; unknown id → 404', async () => {
    const doc = await deletedDocument(uniqueFolder('restore'), 'Stay.docx');
    expect((await filesApi.restore(doc.id, { cookie: cookies.viewer })).status).toBe(403);
    expect((await filesApi.restore(doc.id, {})).status).toBe(401);
    expect((await filesApi.restore(doc.id, { cookie: cookies.editor, headers: CROSS_SITE })).status).toBe(403);
    expect((await rowOf(doc.id)).deletedAt).not.toBeNull();
    const unknown = await filesApi.restore('00000000-0000-4000-8000-000000000000', { cookie: cookies.editor });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /api/trash/:id/purge (admins)', () => {
  it('POST /api/trash/:id/purge as admin → 200; the row, its versions and bytes gone; document.purge audited', async () => {
    const folder = uniqueFolder('purge');
    const doc = await deletedDocument(folder, 'Doomed.docx');
    const versions = await db.documentVersion.findMany({ where: { documentId: doc.id }, select: { key: true } });
    const response = await filesApi.purge(doc.id, { cookie: cookies.admin });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: doc.id, documents: 1 });
    expect(await db.document.findUnique({ where: { id: doc.id } })).toBeNull();
    for (const version of versions) expect(await headObject(version.key)).toBeNull();
    const events = await db.auditEvent.findMany({
      where: { action: 'document.purge', details: { path: ['trashId'], equals: doc.id } },
    });
    expect(events).toEqual([expect.objectContaining({ userId: admin.id })]);
  });

  it('POST /api/trash/:id/purge of a deleted folder → every document in it purged', async () => {
    const { batchId } = await deletedFolder();
    const response = await filesApi.purge(batchId, { cookie: cookies.admin });
    expect(await response.json()).toEqual({ id: batchId, documents: 2 });
    expect(await db.document.count({ where: { trashBatchId: batchId } })).toBe(0);
    expect(await db.trashBatch.findUnique({ where: { id: batchId } })).toBeNull();
  });

  it('POST /api/trash/:id/purge as editor or viewer → 403; signed out → 401; cross-site → 403; nothing purged', async () => {
    const doc = await deletedDocument(uniqueFolder('purge'), 'Kept.docx');
    expect((await filesApi.purge(doc.id, { cookie: cookies.editor })).status).toBe(403);
    expect((await filesApi.purge(doc.id, { cookie: cookies.viewer })).status).toBe(403);
    expect((await filesApi.purge(doc.id, {})).status).toBe(401);
    expect((await filesApi.purge(doc.id, { cookie: cookies.admin, headers: CROSS_SITE })).status).toBe(403);
    expect(await db.document.findUnique({ where: { id: doc.id } })).not.toBeNull();
  });
});
