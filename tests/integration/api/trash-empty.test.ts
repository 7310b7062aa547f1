import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { purgeTrash } from '@/lib/documents/retention';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { filesApi } from '../../support/files-api';
import { portalOfThisFile } from '../../support/captured-portal';
import { makeUser, sessionCookie } from '../../support/session';
import { setPrivatePrefix } from '../maintenance/helpers';

// POST /api/trash/empty purges the whole trash: this file works under its own S3_PREFIX, so it
// never purges what other test files (in parallel, same bucket and database) put in the trash.
// Its own production portal on that prefix.
portalOfThisFile('trash-empty', { S3_PREFIX: setPrivatePrefix('trash-empty') });

let admin: PublicUser;
const cookies = { admin: '', editor: '', viewer: '' };

beforeAll(async () => {
  const [a, editor, viewer] = await Promise.all([makeUser('admin'), makeUser('editor'), makeUser('viewer')]);
  admin = a;
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

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

describe('POST /api/trash/empty (admins)', () => {
  it('POST /api/trash/empty as editor or viewer → 403; signed out → 401; cross-site → 403; as admin → 200 and the trash is empty', async () => {
    const doc = await deletedDocument(uniqueFolder('empty'), 'Last.docx');
    const { batchId } = await deletedFolder();
    expect((await filesApi.emptyTrash({ cookie: cookies.editor })).status).toBe(403);
    expect((await filesApi.emptyTrash({ cookie: cookies.viewer })).status).toBe(403);
    expect((await filesApi.emptyTrash({})).status).toBe(401);
    expect((await filesApi.emptyTrash({ cookie: cookies.admin, headers: CROSS_SITE })).status).toBe(403);
    expect(await db.document.findUnique({ where: { id: doc.id } })).not.toBeNull();
    const response = await filesApi.emptyTrash({ cookie: cookies.admin });
    expect(response.status).toBe(200);
    const left = (await entries()).map((entry) => entry.id);
    expect(left).not.toContain(doc.id);
    expect(left).not.toContain(batchId);
    expect(await db.document.findUnique({ where: { id: doc.id } })).toBeNull();
    expect(await db.auditEvent.count({ where: { action: 'trash.emptied', userId: admin.id } })).toBe(1);
  });

  it('POST /api/trash/empty after only GET /api/trash?limit=2 was shown → 200; entries past that page go too', async () => {
    const folder = uniqueFolder('unseen');
    const ids: string[] = [];
    for (const name of ['a.docx', 'b.docx', 'c.docx', 'd.docx', 'e.docx'])
      ids.push((await deletedDocument(folder, name)).id);
    const { batchId } = await deletedFolder();
    const page = (await (await filesApi.listTrash({ cookie: cookies.viewer, query: '?limit=2' })).json()) as {
      entries: Entry[];
      nextCursor: string | null;
    };
    expect(page.nextCursor).not.toBeNull();
    expect(page.entries.map((entry) => entry.id)).not.toContain(ids[0]);
    expect((await filesApi.emptyTrash({ cookie: cookies.admin })).status).toBe(200);
    const left = (await entries()).map((entry) => entry.id);
    for (const id of [...ids, batchId]) expect(left).not.toContain(id);
    expect(await db.document.count({ where: { id: { in: ids } } })).toBe(0);
  });

  it('the janitor purging the trash past retention also removes the deleted folders it emptied', async () => {
    const { batchId } = await deletedFolder();
    expect(await db.trashBatch.findUnique({ where: { id: batchId } })).not.toBeNull();
    await purgeTrash({ before: new Date(Date.now() + 60_000), dryRun: false });
    expect(await db.trashBatch.findUnique({ where: { id: batchId } })).toBeNull();
    expect(await db.document.count({ where: { trashBatchId: batchId } })).toBe(0);
  });
});
