import { beforeAll, describe, expect, it } from 'vitest';
import { syncMirror } from '@/lib/documents/content';
import { db } from '@/lib/db';
import { makeFolder } from '@/lib/documents/folder-tree';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey } from '@/lib/storage/keys';
import { deleteObject, getObjectStream, headObject } from '@/lib/storage/objects';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, mirrorLanded, putExternalObject, uniqueFolder } from '../../support/documents';
import { auditOf, errorOf, filesApi, holdLock, rowOf } from '../../support/files-api';
import { makeUser, sessionCookie } from '../../support/session';

// /api/documents/:id/{rename,move,copy,delete}: every action as admin and editor, every refusal
// (viewer 403, signed out 401, cross-site 403, locked 409, name taken 409, bad names 400).

let admin: PublicUser;
let editor: PublicUser;
let viewer: PublicUser;
const cookies: Record<'admin' | 'editor' | 'viewer', string> = { admin: '', editor: '', viewer: '' };

beforeAll(async () => {
  [admin, editor, viewer] = await Promise.all([makeUser('admin'), makeUser('editor'), makeUser('viewer')]);
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

const textAt = async (key: string) => {
  const { body } = await getObjectStream(key);

  return new Response(body).text();
};

const CROSS_SITE = { origin: 'https://evil.example' };

describe('POST /api/documents/:id/rename', () => {
  it('POST /api/documents/:id/rename as editor → 200; bytes at the new key, old key gone; document.rename audited', async () => {
    const folder = uniqueFolder('rename');
    const doc = await addDocument(folder, 'Draft.docx', 'draft bytes');
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'Final.docx' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: doc.id, folder, name: 'Final.docx' });
    expect(await rowOf(doc.id)).toMatchObject({ name: 'Final.docx', folder, mirrorPendingSince: null });
    expect(await textAt(documentKey({ folder, name: 'Final.docx' }))).toBe('draft bytes');
    expect(await headObject(documentKey({ folder, name: 'Draft.docx' }))).toBeNull();
    expect(await auditOf(doc.id, 'document.rename')).toEqual([
      expect.objectContaining({
        userId: editor.id,
        details: expect.objectContaining({ from: 'Draft.docx', to: 'Final.docx' }),
      }),
    ]);
  });

  it('POST /api/documents/:id/rename as admin → 200', async () => {
    const doc = await addDocument(uniqueFolder('rename'), 'A.docx');
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.admin, body: { name: 'B.docx' } });
    expect(response.status).toBe(200);
  });

  it('POST /api/documents/:id/rename as viewer → 403; nothing changed', async () => {
    const folder = uniqueFolder('rename');
    const doc = await addDocument(folder, 'A.docx');
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.viewer, body: { name: 'B.docx' } });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
    expect(await rowOf(doc.id)).toMatchObject({ name: 'A.docx' });
  });

  it('POST /api/documents/:id/rename signed out → 401', async () => {
    const doc = await addDocument(uniqueFolder('rename'), 'A.docx');
    const response = await filesApi.renameDocument(doc.id, { body: { name: 'B.docx' } });
    expect(response.status).toBe(401);
    expect(await rowOf(doc.id)).toMatchObject({ name: 'A.docx' });
  });

  it('POST /api/documents/:id/rename from another site → 403 cross_site_request; nothing changed', async () => {
    const doc = await addDocument(uniqueFolder('rename'), 'A.docx');
    const response = await filesApi.renameDocument(doc.id, {
      cookie: cookies.admin,
      body: { name: 'B.docx' },
      headers: CROSS_SITE,
    });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('cross_site_request');
    expect(await rowOf(doc.id)).toMatchObject({ name: 'A.docx' });
  });

  it('POST /api/documents/:id/rename while open in an editor → 409 locked "open for editing"; nothing changed', async () => {
    const folder = uniqueFolder('rename');
    const doc = await addDocument(folder, 'Open.docx', 'open bytes');
    await holdLock(doc.id);
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'Moved.docx' } });
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe('locked');
    expect(error.message).toContain('"Open.docx" is open for editing');
    expect(await rowOf(doc.id)).toMatchObject({ name: 'Open.docx', mirrorPendingSince: null });
    expect(await textAt(documentKey({ folder, name: 'Open.docx' }))).toBe('open bytes');
  });

  it('POST /api/documents/:id/rename to a taken name → 409 name_conflict with a suggestion; onConflict "rename" → "Taken (1).docx"', async () => {
    const folder = uniqueFolder('rename');
    const doc = await addDocument(folder, 'Mine.docx', 'mine');
    await addDocument(folder, 'Taken.docx', 'theirs');
    const refused = await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'Taken.docx' } });
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error).toMatchObject({ code: 'name_conflict', suggestion: 'Taken (1).docx' });
    expect(error.message).toContain('already exists');
    expect(await textAt(documentKey({ folder, name: 'Taken.docx' }))).toBe('theirs');

    const renamed = await filesApi.renameDocument(doc.id, {
      cookie: cookies.editor,
      body: { name: 'Taken.docx', onConflict: 'rename' },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Taken (1).docx' });
    expect(await textAt(documentKey({ folder, name: 'Taken (1).docx' }))).toBe('mine');
  });

  it.each([
    ['a slash', 'a/b.docx', 'invalid_name'],
    ['an empty name', '', 'invalid_name'],
    ['a text-direction character', 'evil\u202Excod.docx', 'invalid_name'],
  ])('POST /api/documents/:id/rename with %s → 400; nothing changed', async (_, name, code) => {
    const doc = await addDocument(uniqueFolder('rename'), 'A.docx');
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(code);
    expect(await rowOf(doc.id)).toMatchObject({ name: 'A.docx' });
  });

  it('POST /api/documents/:id/rename without a name → 400 invalid_request; unknown id → 404', async () => {
    const doc = await addDocument(uniqueFolder('rename'), 'A.docx');
    expect((await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: {} })).status).toBe(400);
    const unknown = await filesApi.renameDocument('00000000-0000-4000-8000-000000000000', {
      cookie: cookies.editor,
      body: { name: 'x.docx' },
    });
    expect(unknown.status).toBe(404);
  });

  it('POST /api/documents/:id/rename of an object another tool put in the bucket → its bytes keep, at the new key only', async () => {
    const folder = uniqueFolder('rename');
    await putExternalObject(documentKey({ folder, name: 'Foreign.txt' }), 'foreign bytes');
    await reconcileFolder(folder, { force: true });
    const row = await db.document.findUniqueOrThrow({ where: { key: documentKey({ folder, name: 'Foreign.txt' }) } });
    const response = await filesApi.renameDocument(row.id, { cookie: cookies.editor, body: { name: 'Known.txt' } });
    expect(response.status).toBe(200);
    expect(await textAt(documentKey({ folder, name: 'Known.txt' }))).toBe('foreign bytes');
    expect(await headObject(documentKey({ folder, name: 'Foreign.txt' }))).toBeNull();
    // A listing afterwards sees one document, not the old one back.
    await reconcileFolder(folder, { force: true });
    const visible = await db.document.findMany({ where: { folder, deletedAt: null, missingSince: null } });
    expect(visible.map((doc) => doc.name)).toEqual(['Known.txt']);
  });
});

describe('crash safety of a rename or move', () => {
  it('cut short after the old visible object was removed but before the commit: the row stays in place, pending, and the repair puts its object back', async () => {
    const folder = uniqueFolder('crash');
    const doc = await addDocument(folder, 'Safe.docx', 'safe bytes');
    const key = documentKey({ folder, name: 'Safe.docx' });
    // What step 1 committed (mirror pending) and step 2 did before a crash (old object removed).
    await db.document.update({ where: { id: doc.id }, data: { mirrorPendingSince: new Date() } });
    await deleteObject(key);
    // A listing meanwhile does not take it for missing…
    await reconcileFolder(folder, { force: true });
    expect(await db.document.findUniqueOrThrow({ where: { id: doc.id } })).toMatchObject({ missingSince: null, key });
    // …and the start-up repair / janitor (syncMirror) writes the committed bytes back.
    expect((await syncMirror(doc.id)).action).toBe('copied');
    expect(await textAt(key)).toBe('safe bytes');
    // Running the rename again finishes it.
    const response = await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'Safer.docx' } });
    expect(response.status).toBe(200);
    expect(await textAt(documentKey({ folder, name: 'Safer.docx' }))).toBe('safe bytes');
  });
});

/** Makes `path` and its parents as empty folders (a destination must exist). */
const newFolder = async (path: string) => {
  await makeFolder(path);

  return path;
};

describe('POST /api/documents/:id/move', () => {
  it('POST /api/documents/:id/move as editor → 200; in the other folder, gone from the old; document.move audited', async () => {
    const from = uniqueFolder('move');
    const to = await newFolder(`${uniqueFolder('dest')}/sub`);
    const doc = await addDocument(from, 'Plan.xlsx', 'plan');
    const response = await filesApi.moveDocument(doc.id, { cookie: cookies.editor, body: { folder: to } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: doc.id, folder: to, name: 'Plan.xlsx' });
    expect(await textAt(documentKey({ folder: to, name: 'Plan.xlsx' }))).toBe('plan');
    expect(await headObject(documentKey({ folder: from, name: 'Plan.xlsx' }))).toBeNull();
    expect(await db.folder.findUnique({ where: { path: to } })).not.toBeNull();
    expect(await auditOf(doc.id, 'document.move')).toHaveLength(1);
  });

  it('POST /api/documents/:id/move as viewer → 403; signed out → 401; cross-site → 403', async () => {
    const from = uniqueFolder('move');
    const doc = await addDocument(from, 'Plan.xlsx');
    const body = { folder: uniqueFolder('dest') };
    expect((await filesApi.moveDocument(doc.id, { cookie: cookies.viewer, body })).status).toBe(403);
    expect((await filesApi.moveDocument(doc.id, { body })).status).toBe(401);
    expect((await filesApi.moveDocument(doc.id, { cookie: cookies.editor, body, headers: CROSS_SITE })).status).toBe(
      403,
    );
    expect(await rowOf(doc.id)).toMatchObject({ folder: from });
  });

  it('POST /api/documents/:id/move while locked → 409 locked; into a folder where the name is taken → 409 name_conflict', async () => {
    const from = uniqueFolder('move');
    const to = uniqueFolder('dest');
    const doc = await addDocument(from, 'Plan.xlsx', 'mine');
    await addDocument(to, 'Plan.xlsx', 'theirs');
    const taken = await filesApi.moveDocument(doc.id, { cookie: cookies.editor, body: { folder: to } });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).code).toBe('name_conflict');
    await holdLock(doc.id);
    const locked = await filesApi.moveDocument(doc.id, {
      cookie: cookies.editor,
      body: { folder: await newFolder(uniqueFolder('x')) },
    });
    expect(locked.status).toBe(409);
    expect((await errorOf(locked)).code).toBe('locked');
    expect(await textAt(documentKey({ folder: from, name: 'Plan.xlsx' }))).toBe('mine');
    expect(await textAt(documentKey({ folder: to, name: 'Plan.xlsx' }))).toBe('theirs');
  });

  it('POST /api/documents/:id/move into ".wopi" → 400 invalid_folder', async () => {
    const doc = await addDocument(uniqueFolder('move'), 'Plan.xlsx');
    const response = await filesApi.moveDocument(doc.id, { cookie: cookies.editor, body: { folder: '.wopi/trash' } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_folder');
  });
});

describe('POST /api/documents/:id/copy', () => {
  it('POST /api/documents/:id/copy as editor → 201 a new document with the same bytes; the source unchanged; document.copy audited', async () => {
    const from = uniqueFolder('copy');
    const to = await newFolder(uniqueFolder('dest'));
    const doc = await addDocument(from, 'Notes.odt', 'notes');
    const response = await filesApi.copyDocument(doc.id, { cookie: cookies.editor, body: { folder: to } });
    expect(response.status).toBe(201);
    const copy = (await response.json()) as { id: string; folder: string; name: string };
    expect(copy).toMatchObject({ folder: to, name: 'Notes.odt', sourceId: doc.id });
    expect(copy.id).not.toBe(doc.id);
    await mirrorLanded({ id: copy.id });
    expect(await textAt(documentKey({ folder: to, name: 'Notes.odt' }))).toBe('notes');
    expect(await textAt(documentKey({ folder: from, name: 'Notes.odt' }))).toBe('notes');
    expect(await auditOf(copy.id, 'document.copy')).toEqual([
      expect.objectContaining({ userId: editor.id, details: expect.objectContaining({ sourceId: doc.id }) }),
    ]);
  });

  it('POST /api/documents/:id/copy into its own folder → 409 name_conflict; onConflict "rename" → "Notes (1).odt"; a locked source may be copied', async () => {
    const folder = uniqueFolder('copy');
    const doc = await addDocument(folder, 'Notes.odt', 'notes');
    await holdLock(doc.id);
    const taken = await filesApi.copyDocument(doc.id, { cookie: cookies.admin, body: { folder } });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: 'name_conflict', suggestion: 'Notes (1).odt' });
    const copied = await filesApi.copyDocument(doc.id, {
      cookie: cookies.admin,
      body: { folder, onConflict: 'rename' },
    });
    expect(copied.status).toBe(201);
    expect(await copied.json()).toMatchObject({ name: 'Notes (1).odt' });
  });

  it('POST /api/documents/:id/copy as viewer → 403; signed out → 401; cross-site → 403; nothing copied', async () => {
    const doc = await addDocument(uniqueFolder('copy'), 'Notes.odt');
    const to = uniqueFolder('dest');
    expect((await filesApi.copyDocument(doc.id, { cookie: cookies.viewer, body: { folder: to } })).status).toBe(403);
    expect((await filesApi.copyDocument(doc.id, { body: { folder: to } })).status).toBe(401);
    expect(
      (await filesApi.copyDocument(doc.id, { cookie: cookies.editor, body: { folder: to }, headers: CROSS_SITE }))
        .status,
    ).toBe(403);
    expect(await db.document.count({ where: { folder: to } })).toBe(0);
  });
});

describe('POST /api/documents/:id/delete', () => {
  it('POST /api/documents/:id/delete as editor → 200; hidden, visible object gone, in the trash with who deleted it; document.delete audited', async () => {
    const folder = uniqueFolder('delete');
    const doc = await addDocument(folder, 'Old.pptx', 'old');
    const response = await filesApi.deleteDocument(doc.id, { cookie: cookies.editor });
    expect(response.status).toBe(200);
    expect((await rowOf(doc.id)).deletedAt).not.toBeNull();
    expect(await headObject(documentKey({ folder, name: 'Old.pptx' }))).toBeNull();
    const trash = await filesApi.listTrash({ cookie: cookies.viewer });
    expect(trash.status).toBe(200);
    const { entries } = (await trash.json()) as { entries: { id: string; kind: string; deletedBy: string }[] };
    expect(entries.find((entry) => entry.id === doc.id)).toMatchObject({
      kind: 'document',
      name: 'Old.pptx',
      folder,
      deletedBy: editor.name,
    });
    expect(await auditOf(doc.id, 'document.delete')).toHaveLength(1);
  });

  it('POST /api/documents/:id/delete as viewer → 403; signed out → 401; cross-site → 403; while locked → 409 locked', async () => {
    const folder = uniqueFolder('delete');
    const doc = await addDocument(folder, 'Keep.pptx', 'keep');
    expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.viewer })).status).toBe(403);
    expect((await filesApi.deleteDocument(doc.id, {})).status).toBe(401);
    expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor, headers: CROSS_SITE })).status).toBe(403);
    await holdLock(doc.id);
    const locked = await filesApi.deleteDocument(doc.id, { cookie: cookies.editor });
    expect(locked.status).toBe(409);
    expect((await errorOf(locked)).message).toContain('is open for editing');
    expect((await rowOf(doc.id)).deletedAt).toBeNull();
    expect(await textAt(documentKey({ folder, name: 'Keep.pptx' }))).toBe('keep');
  });
});
