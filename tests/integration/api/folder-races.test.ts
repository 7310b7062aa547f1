import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { copyDocument } from '@/lib/documents/copy';
import { claimFolders } from '@/lib/documents/folder-lease';
import { relocateDocument, trashDocument } from '@/lib/documents/relocate';
import { validateTarget } from '@/lib/documents/write';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { auditOf, errorOf, filesApi, rowOf } from '../../support/files-api';
import { makeUser, sessionCookie } from '../../support/session';

// Folder operations and trash restores at the same time: two operations on one folder (or on a
// folder and one above or below it) never interleave (409 folder_busy for the second, 404 once
// the first is done), each per-document step acts only on documents still where it found them,
// and the answers and the audit count what happened.

let admin: PublicUser;
const cookies = { admin: '', editor: '' };

beforeAll(async () => {
  const [a, editor] = await Promise.all([makeUser('admin'), makeUser('editor')]);
  admin = a;
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
});

type Answer = { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } };

const answer = async (response: Response): Promise<Answer> => ({
  status: response.status,
  body: (await response.json()) as Answer['body'],
});

/** A folder of `count` documents n0.txt … at the top, plus one in a subfolder. */
const filledFolder = async (label: string, count: number) => {
  const root = uniqueFolder(label);
  for (let i = 0; i < count - 1; i++) await addDocument(root, `n${i}.txt`, `n${i}`);
  await addDocument(`${root}/sub`, 'deep.txt', 'deep');

  return root;
};

const newFolder = async (parent: string, name: string) => {
  const response = await filesApi.createFolder({ cookie: cookies.admin, body: { parent, name } });
  expect(response.status).toBe(201);

  return ((await response.json()) as { path: string }).path;
};

/** Visible documents per folder tree root (the first path segment below `parents`). */
const visibleUnder = async (folder: string) =>
  db.document.count({
    where: { deletedAt: null, missingSince: null, OR: [{ folder }, { folder: { startsWith: `${folder}/` } }] },
  });

const folderEvents = (action: string, key: string, value: string) =>
  db.auditEvent.findMany({ where: { action, details: { path: [key], equals: value } }, select: { details: true } });

/** The loser of two concurrent operations on one folder: refused while the other runs, 404 once it is done. */
const expectRefused = (loser: Answer) => {
  expect([409, 404]).toContain(loser.status);
  expect(loser.body.error?.code).toBe(loser.status === 409 ? 'folder_busy' : 'not_found');
};

const split = (answers: Answer[]) => {
  const ok = answers.filter((a) => a.status === 200);
  expect(ok).toHaveLength(1);

  return { winner: ok[0]!, loser: answers.find((a) => a !== ok[0])!, winnerIndex: answers.indexOf(ok[0]!) };
};

describe('two folder operations on one folder at once', () => {
  it('POST /api/folders/move and POST /api/folders/delete of one folder at once → one acts on all of it, the other 409 folder_busy (or 404 after it); nothing moved is trashed', async () => {
    const root = await filledFolder('race-md', 12);
    const target = await newFolder('', uniqueFolder('ui'));
    const answers = await Promise.all([
      filesApi.moveFolder({ cookie: cookies.admin, body: { path: root, to: target } }).then(answer),
      filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } }).then(answer),
    ]);
    const { winner, loser, winnerIndex } = split(answers);
    expectRefused(loser);
    expect(winner.body.documents).toBe(12);
    if (winnerIndex === 0) {
      expect(await visibleUnder(`${target}/${root.split('/').at(-1)}`)).toBe(12);
      expect(await db.trashBatch.count({ where: { path: root } })).toBe(0);
      expect(await folderEvents('folder.move', 'from', root)).toEqual([
        { details: expect.objectContaining({ documents: 12, skipped: 0 }) },
      ]);
    } else {
      expect(await visibleUnder(target)).toBe(0);
      const batch = await db.trashBatch.findFirstOrThrow({ where: { path: root }, include: { documents: true } });
      expect(batch.documents).toHaveLength(12);
    }
    expect(await visibleUnder(root)).toBe(0);
  });

  it('POST /api/folders/rename and POST /api/folders/move of one folder at once → all documents end in one place, the other name empty; the audit says where they went', async () => {
    const root = await filledFolder('race-rm', 12);
    const target = await newFolder('', uniqueFolder('ui'));
    const answers = await Promise.all([
      filesApi.renameFolder({ cookie: cookies.admin, body: { path: root, name: `${root}-A` } }).then(answer),
      filesApi.moveFolder({ cookie: cookies.editor, body: { path: root, to: target } }).then(answer),
    ]);
    const { winner, loser } = split(answers);
    expectRefused(loser);
    expect(winner.body.documents).toBe(12);
    const renamed = await visibleUnder(`${root}-A`);
    const moved = await visibleUnder(`${target}/${root}`);
    expect([renamed, moved].sort()).toEqual([0, 12]);
    expect(await visibleUnder(root)).toBe(0);
    // Every document's move event names the place it really went.
    const events = await db.auditEvent.findMany({
      where: { action: 'document.move', details: { path: ['from'], string_starts_with: root } },
      select: { details: true },
    });
    expect(events).toHaveLength(12);
    const to = winner.body.path as string;
    for (const { details } of events) expect((details as { to: string }).to.startsWith(to)).toBe(true);
  });

  it('two POST /api/folders/rename of one folder to two names at once → all documents under one of them', async () => {
    const root = await filledFolder('race-rr', 12);
    const answers = await Promise.all([
      filesApi.renameFolder({ cookie: cookies.admin, body: { path: root, name: `${root}-A` } }).then(answer),
      filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: `${root}-B` } }).then(answer),
    ]);
    const { winner, loser } = split(answers);
    expectRefused(loser);
    expect(winner.body.documents).toBe(12);
    expect([await visibleUnder(`${root}-A`), await visibleUnder(`${root}-B`)].sort()).toEqual([0, 12]);
  });

  it('two POST /api/folders/delete of one folder at once → one trash entry with every document (it comes back whole)', async () => {
    const root = await filledFolder('race-dd', 8);
    const answers = await Promise.all([
      filesApi.deleteFolder({ cookie: cookies.admin, body: { path: root } }).then(answer),
      filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } }).then(answer),
    ]);
    const { winner, loser } = split(answers);
    expectRefused(loser);
    expect(winner.body.documents).toBe(8);
    const batches = await db.trashBatch.findMany({ where: { path: root }, include: { documents: true } });
    expect(batches).toHaveLength(1);
    expect(batches[0]!.documents).toHaveLength(8);
    expect(await folderEvents('folder.delete', 'path', root)).toHaveLength(1);
  });
});

describe('a folder another operation holds (lease)', () => {
  it('rename, move, copy and delete of a held folder, of one below it and of one above it → 409 folder_busy before any work; free again once released', async () => {
    const parent = uniqueFolder('held');
    const root = `${parent}/inner`;
    await addDocument(`${root}/deeper`, 'a.txt', 'A');
    const target = await newFolder('', uniqueFolder('dest'));
    const lease = await claimFolders([root], 'test');
    try {
      const refused = [
        await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: 'other' } }),
        await filesApi.moveFolder({ cookie: cookies.editor, body: { path: `${root}/deeper`, to: target } }),
        await filesApi.copyFolder({ cookie: cookies.editor, body: { path: root, to: target } }),
        await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: parent } }),
      ];
      for (const response of refused) {
        expect(response.status).toBe(409);
        const error = await errorOf(response);
        expect(error.code).toBe('folder_busy');
        expect(error.message).toMatch(
          /Another operation is changing the folder ".+"; try again when it has finished\./,
        );
      }
      expect(await visibleUnder(root)).toBe(1);
      expect(await db.folder.findUnique({ where: { path: `${target}/inner` } })).toBeNull();
      expect(await db.trashBatch.count({ where: { path: parent } })).toBe(0);
      // A folder next to it, whose name merely starts the same, is not held.
      const sibling = await newFolder(parent, 'inner2');
      expect((await filesApi.renameFolder({ cookie: cookies.editor, body: { path: sibling, name: 'x' } })).status).toBe(
        200,
      );
    } finally {
      await lease.release();
    }
    expect((await filesApi.moveFolder({ cookie: cookies.editor, body: { path: root, to: target } })).status).toBe(200);
    expect(await visibleUnder(`${target}/inner`)).toBe(1);
  });

  it('single documents in a held folder: rename, move, copy into, delete, restore into and a new folder in it → 409 folder_busy; nothing changed', async () => {
    const root = uniqueFolder('held-doc');
    const doc = await addDocument(root, 'a.txt', 'A');
    const trashed = await addDocument(root, 't.txt', 'T');
    expect((await filesApi.deleteDocument(trashed.id, { cookie: cookies.editor })).status).toBe(200);
    const elsewhere = await addDocument(uniqueFolder('free'), 'b.txt', 'B');
    const lease = await claimFolders([root], 'test');
    try {
      const refused = [
        await filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'z.txt' } }),
        await filesApi.moveDocument(doc.id, { cookie: cookies.editor, body: { folder: '' } }),
        await filesApi.deleteDocument(doc.id, { cookie: cookies.editor }),
        await filesApi.copyDocument(elsewhere.id, { cookie: cookies.editor, body: { folder: root } }),
        await filesApi.restore(trashed.id, { cookie: cookies.editor, body: {} }),
        await filesApi.createFolder({ cookie: cookies.editor, body: { parent: root, name: 'new' } }),
      ];
      for (const response of refused) expect((await errorOf(response)).code).toBe('folder_busy');
      expect(refused.map((r) => r.status)).toEqual([409, 409, 409, 409, 409, 409]);
      expect(await rowOf(doc.id)).toMatchObject({ folder: root, name: 'a.txt', deletedAt: null });
      expect((await rowOf(trashed.id)).deletedAt).not.toBeNull();
      expect(await db.folder.findUnique({ where: { path: `${root}/new` } })).toBeNull();
    } finally {
      await lease.release();
    }
  });

  it('a lease whose process died (expired, not renewed) holds nothing: the folder can be renamed', async () => {
    const root = uniqueFolder('lapsed');
    await addDocument(root, 'a.txt');
    const lease = await claimFolders([root], 'test');
    await db.folderLease.updateMany({ where: { holder: lease.holder }, data: { expiresAt: new Date(Date.now() - 1) } });
    const response = await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: `${root}-x` } });
    expect(response.status).toBe(200);
    await lease.release();
    expect(await db.folderLease.count({ where: { holder: lease.holder } })).toBe(0);
  });

  it('a folder operation leaves no lease behind, also when refused', async () => {
    const root = await filledFolder('no-lease', 2);
    const taken = await newFolder('', uniqueFolder('taken'));
    const conflict = await filesApi.renameFolder({ cookie: cookies.editor, body: { path: root, name: taken } });
    expect(conflict.status).toBe(409);
    expect((await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } })).status).toBe(200);
    expect(await db.folderLease.count({ where: { path: { in: [root, taken] } } })).toBe(0);
  });
});

describe('each per-document step acts only where it found the document', () => {
  it('relocate, trash and copy with an expected place the document has left → gone; the document stays where it is now', async () => {
    const folder = uniqueFolder('expect');
    const doc = await addDocument(folder, 'now.txt', 'N');
    const stale = { folder, name: 'before.txt' };
    const moved = await relocateDocument({
      id: doc.id,
      to: validateTarget({ folder: uniqueFolder('x'), name: 'now.txt' }),
      userId: null,
      expected: stale,
    });
    expect(moved).toMatchObject({ ok: false, reason: 'gone' });
    expect(await trashDocument({ id: doc.id, userId: null, expected: stale })).toMatchObject({
      ok: false,
      reason: 'gone',
    });
    expect(
      await copyDocument({ id: doc.id, to: { folder, name: 'copy.txt' }, userId: null, expected: stale }),
    ).toMatchObject({ ok: false, reason: 'gone' });
    expect(await rowOf(doc.id)).toMatchObject({ folder, name: 'now.txt', deletedAt: null });
    expect(await db.document.count({ where: { folder, name: 'copy.txt' } })).toBe(0);
    expect(await trashDocument({ id: doc.id, userId: null, expected: { folder, name: 'now.txt' } })).toMatchObject({
      ok: true,
    });
  });
});

describe('restoring one deleted folder twice at once', () => {
  it('two POST /api/trash/:id/restore of one folder entry at once → one 200 with the whole count, the other 409 folder_busy or 404; never 500', async () => {
    const root = await filledFolder('race-rs', 6);
    const deleted = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
    const { batchId } = (await deleted.json()) as { batchId: string };
    const answers = await Promise.all([
      filesApi.restore(batchId, { cookie: cookies.admin, body: { onConflict: 'merge' } }).then(answer),
      filesApi.restore(batchId, { cookie: cookies.editor, body: { onConflict: 'merge' } }).then(answer),
    ]);
    const { winner, loser } = split(answers);
    expectRefused(loser);
    expect(winner.body).toMatchObject({ kind: 'folder', folder: root, documents: 6 });
    expect(await visibleUnder(root)).toBe(6);
    expect(await db.trashBatch.count({ where: { id: batchId } })).toBe(0);
    expect(await folderEvents('folder.restore', 'path', root)).toEqual([
      { details: expect.objectContaining({ documents: 6 }) },
    ]);
  });
});

describe('restoring and deleting forever one deleted folder at once', () => {
  it('POST /api/trash/:id/restore and /purge of one folder entry at once → one 200 with every document, the other 409 folder_busy (or 404 after it); never 500', async () => {
    const root = await filledFolder('race-rp', 6);
    const deleted = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
    const { batchId } = (await deleted.json()) as { batchId: string };
    const [restored, purged] = await Promise.all([
      filesApi.restore(batchId, { cookie: cookies.editor, body: { onConflict: 'merge' } }).then(answer),
      filesApi.purge(batchId, { cookie: cookies.admin }).then(answer),
    ]);
    // Both lease the entry's path: the second is refused while the first runs, and finds the
    // entry gone once it is done.
    const winners = [restored, purged].filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    const loser = [restored, purged].find((a) => a.status !== 200)!;
    expect([404, 409]).toContain(loser.status);
    if (loser.status === 409) expect(loser.body.error?.code).toBe('folder_busy');
    expect(winners[0]!.body.documents).toBe(6);
    expect(await visibleUnder(root)).toBe(restored.status === 200 ? 6 : 0);
    expect(await db.document.count({ where: { trashBatchId: batchId } })).toBe(0);
    expect(await db.trashBatch.count({ where: { id: batchId } })).toBe(0);
  });
});

describe('one deleted document restored twice, or restored and deleted forever, at once', () => {
  it('two POST /api/trash/:id/restore of one document at once → one 200, the other 404; it is back once', async () => {
    const doc = await addDocument(uniqueFolder('rr'), 'rr.txt');
    expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor })).status).toBe(200);
    const answers = await Promise.all(
      [cookies.admin, cookies.editor].map((cookie) =>
        filesApi.restore(doc.id, { cookie, body: { onConflict: 'rename' } }).then(answer),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404]);
    expect(await rowOf(doc.id)).toMatchObject({ name: 'rr.txt', deletedAt: null });
    expect(await auditOf(doc.id, 'document.restore')).toHaveLength(1);
  });

  it('POST /api/trash/:id/restore and /purge of one document at once → one 200, the other 404, never 500; one audit event of what happened', async () => {
    for (let round = 0; round < 3; round++) {
      const doc = await addDocument(uniqueFolder('rp'), 'rp.txt');
      expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor })).status).toBe(200);
      const [restored, purged] = await Promise.all([
        filesApi.restore(doc.id, { cookie: cookies.editor, body: {} }).then(answer),
        filesApi.purge(doc.id, { cookie: cookies.admin }).then(answer),
      ]);
      expect([restored.status, purged.status].sort()).toEqual([200, 404]);
      const row = await db.document.findUnique({ where: { id: doc.id } });
      if (restored.status === 200) {
        expect(row).toMatchObject({ deletedAt: null });
        expect(
          await db.auditEvent.count({
            where: { action: 'document.purge', details: { path: ['trashId'], equals: doc.id } },
          }),
        ).toBe(0);
      } else {
        expect(row).toBeNull();
        expect(await auditOf(doc.id, 'document.restore')).toHaveLength(0);
      }
    }
  });
});

describe('POST /api/folders (creating one folder twice at once)', () => {
  it('POST /api/folders {parent, name} twice at once → one 201, the other 409 name_conflict; one folder.create event', async () => {
    const parent = await newFolder('', uniqueFolder('twice'));
    const answers = await Promise.all([
      filesApi.createFolder({ cookie: cookies.admin, body: { parent, name: 'F' } }).then(answer),
      filesApi.createFolder({ cookie: cookies.editor, body: { parent, name: 'F' } }).then(answer),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error?.code).toBe('name_conflict');
    expect(await folderEvents('folder.create', 'path', `${parent}/F`)).toHaveLength(1);
  });

  it('POST /api/folders {onConflict: "rename"} twice at once → 201 twice, "F" and "F (1)"', async () => {
    const parent = await newFolder('', uniqueFolder('twice'));
    const answers = await Promise.all(
      [cookies.admin, cookies.editor].map((cookie) =>
        filesApi.createFolder({ cookie, body: { parent, name: 'F', onConflict: 'rename' } }).then(answer),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers.map((a) => a.body.name).sort()).toEqual(['F', 'F (1)']);
  });
});

describe('paths that would grow too long', () => {
  const longTree = async (label: string, letter: string) => {
    let path = await newFolder('', uniqueFolder(label));
    for (let i = 0; i < 3; i++) path = await newFolder(path, letter.repeat(200));

    return path;
  };

  it('POST /api/folders/move and /copy whose result would pass the key length → 400 invalid_name (as a new folder says), nothing made at the destination', async () => {
    const source = await longTree('la', 'a');
    const top = source.split('/')[0]!;
    const doc = await addDocument(source, `${'d'.repeat(150)}.txt`, 'deep');
    const destination = await longTree('lb', 'b');
    // What a new folder that long is told.
    const created = await filesApi.createFolder({
      cookie: cookies.editor,
      body: { parent: destination, name: 'x'.repeat(450) },
    });
    const createError = await errorOf(created);
    for (const call of [filesApi.moveFolder, filesApi.copyFolder]) {
      const response = await call({ cookie: cookies.editor, body: { path: top, to: destination } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe(createError.code);
      expect(error.message).toMatch(/too long/);
    }
    expect(await db.folder.count({ where: { path: { startsWith: `${destination}/${top}` } } })).toBe(0);
    expect(await rowOf(doc.id)).toMatchObject({ folder: source, deletedAt: null });
  });
});

describe('destinations that do not exist', () => {
  it('POST /api/documents/:id/move and /copy to a folder that does not exist → 404 not_found, nothing created', async () => {
    const doc = await addDocument(uniqueFolder('dest'), 'a.txt');
    const nowhere = `${uniqueFolder('nope')}/Does/Not/Exist`;
    for (const call of [filesApi.moveDocument, filesApi.copyDocument]) {
      const response = await call(doc.id, { cookie: cookies.editor, body: { folder: nowhere } });
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toEqual({
        code: 'not_found',
        message: `The folder "${nowhere}" does not exist.`,
        what: 'folder_missing',
        path: nowhere,
      });
    }
    expect(await db.folder.count({ where: { path: { startsWith: nowhere.split('/')[0]! } } })).toBe(0);
  });

  it('POST /api/folders/move and /copy into a folder that does not exist → 404 not_found, nothing moved or created', async () => {
    const root = await filledFolder('dest-f', 2);
    const nowhere = uniqueFolder('nope');
    for (const call of [filesApi.moveFolder, filesApi.copyFolder]) {
      const response = await call({ cookie: cookies.editor, body: { path: root, to: nowhere } });
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe('not_found');
    }
    expect(await visibleUnder(root)).toBe(2);
    expect(await db.folder.count({ where: { path: { startsWith: nowhere } } })).toBe(0);
  });
});

describe('a delete racing a rename', () => {
  it('POST /api/documents/:id/delete at once with /rename → the answer and the audit name what went to the trash', async () => {
    for (let round = 0; round < 3; round++) {
      const doc = await addDocument(uniqueFolder('dr'), 'old.txt');
      const [renamed, deleted] = await Promise.all([
        filesApi.renameDocument(doc.id, { cookie: cookies.editor, body: { name: 'new.txt' } }),
        filesApi.deleteDocument(doc.id, { cookie: cookies.admin }),
      ]);
      expect(deleted.status).toBe(200);
      const row = await rowOf(doc.id);
      expect(row.deletedAt).not.toBeNull();
      expect(((await deleted.json()) as { name: string }).name).toBe(row.name);
      const [event] = await auditOf(doc.id, 'document.delete');
      expect(event!.details).toMatchObject({ name: row.name });
      expect([200, 404]).toContain(renamed.status);
    }
  });
});
