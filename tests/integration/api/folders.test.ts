import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { renameFolder } from '@/lib/documents/folder-actions';
import { relocateDocument } from '@/lib/documents/relocate';
import { listFolder } from '@/lib/documents/queries';
import { documentKey, folderPrefix } from '@/lib/storage/keys';
import { getObjectStream, headObject } from '@/lib/storage/objects';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { auditOf, errorOf, filesApi, holdLock, rowOf } from '../../support/files-api';
import { portalOutputFromNow } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';

// /api/folders/**: new folder, and rename, move, copy and delete of whole folders (recursive,
// per document), with every refusal.

let editor: PublicUser;
const cookies = { admin: '', editor: '', viewer: '' };

beforeAll(async () => {
  const [admin, ed, viewer] = await Promise.all([makeUser('admin'), makeUser('editor'), makeUser('viewer')]);
  editor = ed;
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

const textAt = async (key: string) => {
  const { body } = await getObjectStream(key);

  return new Response(body).text();
};

const CROSS_SITE = { origin: 'https://evil.example' };

/** A folder tree: root/a.docx, root/sub/b.docx, root/sub/deep/c.docx, and an empty root/empty. */
const makeTree = async (label = 'tree') => {
  const root = uniqueFolder(label);
  const a = await addDocument(root, 'a.docx', 'A');
  const b = await addDocument(`${root}/sub`, 'b.docx', 'B');
  const c = await addDocument(`${root}/sub/deep`, 'c.docx', 'C');
  const created = await filesApi.createFolder({ cookie: cookies.editor, body: { parent: root, name: 'empty' } });
  expect(created.status).toBe(201);

  return { root, a, b, c };
};

const visibleUnder = async (folder: string) =>
  (
    await db.document.findMany({
      where: { deletedAt: null, missingSince: null, OR: [{ folder }, { folder: { startsWith: `${folder}/` } }] },
      select: { folder: true, name: true },
      orderBy: [{ folder: 'asc' }, { name: 'asc' }],
    })
  ).map((doc) => `${doc.folder}/${doc.name}`);

describe('GET /api/folders (the folder picker)', () => {
  it('GET /api/folders?parent=F as viewer → 200 its subfolders by name; signed out → 401; an unknown folder is not created', async () => {
    const { root } = await makeTree();
    const response = await filesApi.listFolders(root, { cookie: cookies.viewer });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      folders: [
        { path: `${root}/empty`, name: 'empty' },
        { path: `${root}/sub`, name: 'sub' },
      ],
    });
    expect((await filesApi.listFolders(root)).status).toBe(401);
    const unknown = uniqueFolder('unknown');
    expect(await (await filesApi.listFolders(unknown, { cookie: cookies.viewer })).json()).toEqual({ folders: [] });
    expect(await db.folder.findUnique({ where: { path: unknown } })).toBeNull();
  });
});

describe('POST /api/folders (new folder)', () => {
  it('POST /api/folders as editor → 201; listed in its parent, kept by a marker object while empty; folder.create audited', async () => {
    const parent = uniqueFolder('new');
    await addDocument(parent, 'x.docx');
    const response = await filesApi.createFolder({ cookie: cookies.editor, body: { parent, name: 'Reports' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ path: `${parent}/Reports`, name: 'Reports', parent });
    expect((await listFolder({ folder: parent })).folders).toEqual([{ path: `${parent}/Reports`, name: 'Reports' }]);
    expect(await headObject(folderPrefix(`${parent}/Reports`))).not.toBeNull();
    const events = await db.auditEvent.findMany({
      where: { action: 'folder.create', details: { path: ['path'], equals: `${parent}/Reports` } },
    });
    expect(events).toHaveLength(1);
  });

  it('POST /api/folders → the marker object is a PutObject with Content-Length: 0 (without it the AWS SDK prints "Stream of unknown length" on the console each time)', async () => {
    const printed = await portalOutputFromNow();
    const parent = uniqueFolder('marker');
    await addDocument(parent, 'x.docx');
    expect((await filesApi.createFolder({ cookie: cookies.editor, body: { parent, name: 'Empty' } })).status).toBe(201);
    expect(await headObject(folderPrefix(`${parent}/Empty`))).toMatchObject({ size: 0 });
    expect(await printed()).not.toMatch(/unknown length/);
  });

  it('POST /api/folders with a taken name → 409 name_conflict with a suggestion; onConflict "rename" → "Reports (1)"', async () => {
    const parent = uniqueFolder('new');
    await filesApi.createFolder({ cookie: cookies.admin, body: { parent: '', name: parent } });
    await filesApi.createFolder({ cookie: cookies.admin, body: { parent, name: 'Reports' } });
    const taken = await filesApi.createFolder({ cookie: cookies.admin, body: { parent, name: 'Reports' } });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: 'name_conflict', suggestion: 'Reports (1)' });
    const renamed = await filesApi.createFolder({
      cookie: cookies.admin,
      body: { parent, name: 'Reports', onConflict: 'rename' },
    });
    expect(renamed.status).toBe(201);
    expect(await renamed.json()).toMatchObject({ path: `${parent}/Reports (1)` });
  });

  it.each([
    ['a slash', 'a/b', 400],
    ['".."', '..', 400],
    ['a trailing dot', 'x.', 400],
  ])('POST /api/folders with %s → 400; nothing made', async (_, name, status) => {
    const response = await filesApi.createFolder({ cookie: cookies.editor, body: { parent: '', name } });
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe('invalid_name');
  });

  it('POST /api/folders in a parent that does not exist → 404; ".wopi" at the top → 400', async () => {
    const missing = await filesApi.createFolder({
      cookie: cookies.editor,
      body: { parent: uniqueFolder('nope'), name: 'x' },
    });
    expect(missing.status).toBe(404);
    const reserved = await filesApi.createFolder({ cookie: cookies.editor, body: { parent: '', name: '.wopi' } });
    expect(reserved.status).toBe(400);
  });

  it('POST /api/folders as viewer → 403; signed out → 401; cross-site → 403; nothing made', async () => {
    const name = uniqueFolder('refused');
    expect((await filesApi.createFolder({ cookie: cookies.viewer, body: { parent: '', name } })).status).toBe(403);
    expect((await filesApi.createFolder({ body: { parent: '', name } })).status).toBe(401);
    expect(
      (await filesApi.createFolder({ cookie: cookies.editor, body: { parent: '', name }, headers: CROSS_SITE })).status,
    ).toBe(403);
    expect(await db.folder.findUnique({ where: { path: name } })).toBeNull();
    expect(await headObject(folderPrefix(name))).toBeNull();
  });
});

describe('POST /api/folders/rename and /move', () => {
  it('POST /api/folders/rename as editor → 200; every document (subfolders too) and the empty folder under the new name; nothing left at the old one', async () => {
    const { root, a, c } = await makeTree();
    const response = await filesApi.renameFolder({
      cookie: cookies.editor,
      body: { path: root, name: `${root}-renamed` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: `${root}-renamed`, documents: 3, skipped: [] });
    const to = `${root}-renamed`;
    expect(await visibleUnder(to)).toEqual([`${to}/a.docx`, `${to}/sub/b.docx`, `${to}/sub/deep/c.docx`]);
    expect(await visibleUnder(root)).toEqual([]);
    expect(await textAt(documentKey({ folder: `${to}/sub/deep`, name: 'c.docx' }))).toBe('C');
    expect(await headObject(documentKey({ folder: root, name: 'a.docx' }))).toBeNull();
    expect(await db.folder.findUnique({ where: { path: `${to}/empty` } })).not.toBeNull();
    expect(await db.folder.findUnique({ where: { path: root } })).toBeNull();
    expect(await headObject(folderPrefix(`${root}/empty`))).toBeNull();
    // Same ids: history and links survive.
    expect((await rowOf(a.id)).folder).toBe(to);
    expect((await rowOf(c.id)).folder).toBe(`${to}/sub/deep`);
    expect(await auditOf(a.id, 'document.move')).toHaveLength(1);
    expect(
      await db.auditEvent.count({ where: { action: 'folder.rename', details: { path: ['to'], equals: to } } }),
    ).toBe(1);
  });

  it('POST /api/folders/move as admin → 200; into another folder, keeping its name', async () => {
    const { root } = await makeTree();
    const parent = uniqueFolder('parent');
    await filesApi.createFolder({ cookie: cookies.admin, body: { parent: '', name: parent } });
    const response = await filesApi.moveFolder({ cookie: cookies.admin, body: { path: root, to: parent } });
    expect(response.status).toBe(200);
    expect(await visibleUnder(`${parent}/${root}`)).toHaveLength(3);
    expect((await listFolder({ folder: parent })).folders.map((f) => f.name)).toEqual([root]);
  });

  it('POST /api/folders/move into itself or a folder inside it → 400 invalid_destination; nothing moved', async () => {
    const { root } = await makeTree();
    for (const to of [root, `${root}/sub`]) {
      const response = await filesApi.moveFolder({ cookie: cookies.editor, body: { path: root, to } });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('invalid_destination');
    }
    expect(await visibleUnder(root)).toHaveLength(3);
  });

  it('POST /api/folders/rename while a document in it is open → 409 locked naming it; nothing moved', async () => {
    const { root, b } = await makeTree();
    await holdLock(b.id);
    const response = await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: `${root}-x` } });
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe('locked');
    expect(error.message).toBe(`"${root}/sub/b.docx" is open for editing; try again when it is closed.`);
    expect(await visibleUnder(root)).toHaveLength(3);
    expect(await visibleUnder(`${root}-x`)).toEqual([]);
  });

  it('POST /api/folders/rename to a taken name → 409 name_conflict; "merge" moves into it, a clashing document stays put and is reported', async () => {
    const { root } = await makeTree();
    const other = uniqueFolder('other');
    await addDocument(other, 'a.docx', 'other A');
    const taken = await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: other } });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: 'name_conflict', suggestion: `${other} (1)` });
    const merged = await filesApi.renameFolder({
      cookie: cookies.editor,
      body: { path: root, name: other, onConflict: 'merge' },
    });
    expect(merged.status).toBe(200);
    const report = (await merged.json()) as { documents: number; skipped: { name: string; reason: string }[] };
    expect(report.documents).toBe(2);
    expect(report.skipped).toEqual([expect.objectContaining({ name: 'a.docx', reason: 'exists' })]);
    expect(await textAt(documentKey({ folder: other, name: 'a.docx' }))).toBe('other A');
    expect(await visibleUnder(root)).toEqual([`${root}/a.docx`]);
  });

  it('a document opened in an editor while the folder moves stays put and is reported in skipped', async () => {
    const { root, a, b, c } = await makeTree();
    const to = `${root}-moving`;
    let isLocked = false;
    const report = await renameFolder({
      path: root,
      name: to,
      actor: { id: editor.id, role: 'editor', via: 'portal' },
      // After the first document moved, an editor opens every other one.
      onProgress: async () => {
        if (isLocked) return;
        isLocked = true;
        for (const doc of [a, b, c]) {
          const { folder } = await rowOf(doc.id);
          if (folder === root || folder.startsWith(`${root}/`)) await holdLock(doc.id);
        }
      },
    });
    expect(report.documents).toBe(1);
    expect(report.skipped.map((doc) => doc.reason)).toEqual(['locked', 'locked']);
    expect(await visibleUnder(to)).toHaveLength(1);
    expect(await visibleUnder(root)).toHaveLength(2);
    // The old folder keeps what stayed there.
    expect(await db.folder.findUnique({ where: { path: root } })).not.toBeNull();
  });

  it('a folder move cut short (some documents already moved) finishes when run again with "merge"', async () => {
    const { root, a } = await makeTree();
    const to = `${root}-done`;
    // What a crash after the first document's commit leaves: one document moved, the rest not.
    expect((await relocateDocument({ id: a.id, to: { folder: to, name: 'a.docx' }, userId: null })).ok).toBe(true);
    const again = await filesApi.renameFolder({
      cookie: cookies.editor,
      body: { path: root, name: to, onConflict: 'merge' },
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ documents: 2, skipped: [] });
    expect(await visibleUnder(to)).toEqual([`${to}/a.docx`, `${to}/sub/b.docx`, `${to}/sub/deep/c.docx`]);
    expect(await visibleUnder(root)).toEqual([]);
  });

  it('POST /api/folders/rename picks up objects other tools put in the folder that no listing has seen yet', async () => {
    const { root } = await makeTree();
    await putExternalObject(documentKey({ folder: `${root}/sub`, name: 'unlisted.txt' }), 'unlisted');
    const response = await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: `${root}-2` } });
    expect(response.status).toBe(200);
    expect(await textAt(documentKey({ folder: `${root}-2/sub`, name: 'unlisted.txt' }))).toBe('unlisted');
    expect(await headObject(documentKey({ folder: `${root}/sub`, name: 'unlisted.txt' }))).toBeNull();
  });

  it('POST /api/folders/rename|move as viewer → 403; signed out → 401; cross-site → 403; unknown folder → 404', async () => {
    const { root } = await makeTree();
    const body = { path: root, name: `${root}-v`, to: uniqueFolder('to') };
    expect((await filesApi.renameFolder({ cookie: cookies.viewer, body })).status).toBe(403);
    expect((await filesApi.moveFolder({ cookie: cookies.viewer, body })).status).toBe(403);
    expect((await filesApi.renameFolder({ body })).status).toBe(401);
    expect((await filesApi.moveFolder({ body })).status).toBe(401);
    expect((await filesApi.renameFolder({ cookie: cookies.editor, body, headers: CROSS_SITE })).status).toBe(403);
    expect((await filesApi.moveFolder({ cookie: cookies.editor, body, headers: CROSS_SITE })).status).toBe(403);
    expect(await visibleUnder(root)).toHaveLength(3);
    const unknown = await filesApi.renameFolder({
      cookie: cookies.editor,
      body: { path: uniqueFolder('nope'), name: 'x' },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /api/folders/copy', () => {
  it('POST /api/folders/copy as editor → 200; a full copy (new ids, same bytes, empty folder too); the source unchanged', async () => {
    const { root, a } = await makeTree();
    const to = uniqueFolder('copies');
    expect((await filesApi.createFolder({ cookie: cookies.editor, body: { parent: '', name: to } })).status).toBe(201);
    const response = await filesApi.copyFolder({ cookie: cookies.editor, body: { path: root, to } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: `${to}/${root}`, documents: 3, skipped: [] });
    expect(await visibleUnder(`${to}/${root}`)).toHaveLength(3);
    expect(await visibleUnder(root)).toHaveLength(3);
    expect(await textAt(documentKey({ folder: `${to}/${root}/sub`, name: 'b.docx' }))).toBe('B');
    expect(await db.folder.findUnique({ where: { path: `${to}/${root}/empty` } })).not.toBeNull();
    expect((await rowOf(a.id)).folder).toBe(root);
  });

  it('POST /api/folders/copy into its own parent → 409 name_conflict; "rename" → "name (1)"; into itself → 400', async () => {
    const { root } = await makeTree();
    const taken = await filesApi.copyFolder({ cookie: cookies.editor, body: { path: root, to: '' } });
    expect(taken.status).toBe(409);
    const renamed = await filesApi.copyFolder({
      cookie: cookies.editor,
      body: { path: root, to: '', onConflict: 'rename' },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ path: `${root} (1)`, documents: 3 });
    const inside = await filesApi.copyFolder({ cookie: cookies.editor, body: { path: root, to: `${root}/sub` } });
    expect(inside.status).toBe(400);
  });

  it('POST /api/folders/copy as viewer → 403; signed out → 401; cross-site → 403', async () => {
    const { root } = await makeTree();
    const body = { path: root, to: uniqueFolder('to') };
    expect((await filesApi.copyFolder({ cookie: cookies.viewer, body })).status).toBe(403);
    expect((await filesApi.copyFolder({ body })).status).toBe(401);
    expect((await filesApi.copyFolder({ cookie: cookies.editor, body, headers: CROSS_SITE })).status).toBe(403);
    expect(await visibleUnder(body.to)).toEqual([]);
  });
});

describe('POST /api/folders/delete', () => {
  it('POST /api/folders/delete as editor → 200; every document to the trash as ONE entry; the folder gone', async () => {
    const { root, a, c } = await makeTree();
    const response = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { batchId: string; documents: number };
    expect(report.documents).toBe(3);
    expect(await visibleUnder(root)).toEqual([]);
    expect(await db.folder.findUnique({ where: { path: root } })).toBeNull();
    expect(await headObject(documentKey({ folder: root, name: 'a.docx' }))).toBeNull();
    expect(await headObject(folderPrefix(`${root}/empty`))).toBeNull();
    expect((await rowOf(c.id)).trashBatchId).toBe(report.batchId);
    const { entries } = (await (await filesApi.listTrash({ cookie: cookies.viewer })).json()) as {
      entries: { id: string }[];
    };
    expect(entries.filter((entry) => [report.batchId, a.id, c.id].includes(entry.id))).toEqual([
      expect.objectContaining({
        kind: 'folder',
        id: report.batchId,
        name: root,
        folder: '',
        documents: 3,
        deletedBy: editor.name,
      }),
    ]);
    expect(await auditOf(a.id, 'document.delete')).toHaveLength(1);
  });

  it('POST /api/folders/delete while a document in it is open → 409 locked; nothing deleted', async () => {
    const { root, c } = await makeTree();
    await holdLock(c.id);
    const response = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toContain('is open for editing');
    expect(await visibleUnder(root)).toHaveLength(3);
  });

  it('POST /api/folders/delete as viewer → 403; signed out → 401; cross-site → 403; the top folder → 400', async () => {
    const { root } = await makeTree();
    expect((await filesApi.deleteFolder({ cookie: cookies.viewer, body: { path: root } })).status).toBe(403);
    expect((await filesApi.deleteFolder({ body: { path: root } })).status).toBe(401);
    expect(
      (await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root }, headers: CROSS_SITE })).status,
    ).toBe(403);
    expect((await filesApi.deleteFolder({ cookie: cookies.admin, body: { path: '' } })).status).toBe(400);
    expect(await visibleUnder(root)).toHaveLength(3);
  });
});
