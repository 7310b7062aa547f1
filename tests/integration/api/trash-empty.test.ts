import { beforeAll, describe, expect, it } from 'vitest';
import { db, getPool } from '@/lib/db';
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

/** What POST /api/trash/empty answers: what went, and each entry it left with the reason. */
type Emptied = {
  documents: number;
  folders: number;
  isComplete: boolean;
  left: { kind: string; id: string; name: string; folder: string; documents: number; reason: string }[];
  leftCount: number;
};

/**
 * Runs `body` while another Postgres transaction holds the rows of `documentIds` FOR UPDATE (what a
 * restore, a purge or a commit holds while it works on a document: lockDocumentRow in
 * lib/documents/content.ts), then ends that transaction.
 */
const whileDocumentsHeld = async <T>(documentIds: string[], body: () => Promise<T>) => {
  const holder = await getPool().connect();
  try {
    await holder.query('BEGIN');
    const held = await holder.query(`SELECT id FROM "Document" WHERE id = ANY ($1::uuid[]) FOR UPDATE`, [documentIds]);
    expect(held.rowCount).toBe(documentIds.length);

    return await body();
  } finally {
    await holder.query('ROLLBACK').catch(() => {});
    holder.release();
  }
};

describe('POST /api/trash/empty (admins)', () => {
  it("POST /api/trash/empty while one trashed document's row is held → 200 {documents: 2, left: [it, reason busy], isComplete: false}; the others are gone; after release a retry purges it", async () => {
    const folder = uniqueFolder('held');
    const [free1, held, free2] = [
      await deletedDocument(folder, 'Free one.docx'),
      await deletedDocument(folder, 'Held.docx'),
      await deletedDocument(folder, 'Free two.docx'),
    ];
    const started = Date.now();
    const emptied = await whileDocumentsHeld([held.id], async () => {
      const response = await filesApi.emptyTrash({ cookie: cookies.admin });
      expect(response.status).toBe(200);

      return (await response.json()) as Emptied;
    });
    // It does not wait for the row (DB_QUERY_TIMEOUT_MS would make it a 503).
    expect(Date.now() - started).toBeLessThan(4000);
    expect(emptied).toMatchObject({ documents: 2, folders: 0, isComplete: false, leftCount: 1 });
    expect(emptied.left).toEqual([
      { kind: 'document', id: held.id, name: 'Held.docx', folder, documents: 1, reason: 'busy' },
    ]);
    expect(await db.document.count({ where: { id: { in: [free1.id, free2.id] } } })).toBe(0);
    // (The list shows other test files' entries too: their S3_PREFIX, which this Empty trash leaves alone.)
    const listed = (await entries()).map((entry) => entry.id);
    expect(listed).toContain(held.id);
    expect(listed).not.toContain(free1.id);
    expect(listed).not.toContain(free2.id);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'trash.emptied', userId: admin.id },
      orderBy: { at: 'desc' },
    });
    expect(audit.details).toMatchObject({ documents: 2, folders: 0, left: 1 });

    const retry = await filesApi.emptyTrash({ cookie: cookies.admin });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ documents: 1, folders: 0, isComplete: true, left: [], leftCount: 0 });
    expect(await db.document.count({ where: { id: held.id } })).toBe(0);
    expect((await entries()).map((entry) => entry.id)).not.toContain(held.id);
  });

  it('POST /api/trash/empty while a document of a deleted folder is held → the folder entry is left (reason busy, 1 document), its other documents go; the retry takes the entry', async () => {
    const { root, batchId } = await deletedFolder();
    const inside = await db.document.findMany({ where: { trashBatchId: batchId }, orderBy: { name: 'asc' } });
    expect(inside.map((doc) => doc.name)).toEqual(['a.docx', 'b.docx']);
    const emptied = await whileDocumentsHeld(
      [inside[0]!.id],
      async () => (await (await filesApi.emptyTrash({ cookie: cookies.admin })).json()) as Emptied,
    );
    expect(emptied).toMatchObject({ documents: 1, folders: 0, isComplete: false, leftCount: 1 });
    expect(emptied.left).toEqual([
      { kind: 'folder', id: batchId, name: root, folder: '', documents: 1, reason: 'busy' },
    ]);
    expect(await db.document.count({ where: { id: inside[1]!.id } })).toBe(0);
    expect((await entries()).find((entry) => entry.id === batchId)).toMatchObject({ kind: 'folder', documents: 1 });

    const retry = (await (await filesApi.emptyTrash({ cookie: cookies.admin })).json()) as Emptied;
    expect(retry).toEqual({ documents: 1, folders: 1, isComplete: true, left: [], leftCount: 0 });
    expect(await db.trashBatch.count({ where: { id: batchId } })).toBe(0);
  });

  it("POST /api/trash/:id/purge while the document's row is held → 409 trash_entry_busy at once (not a 503 after the wait), the entry stays; after release → 200", async () => {
    const held = await deletedDocument(uniqueFolder('purge-held'), 'Held alone.docx');
    const started = Date.now();
    const refused = await whileDocumentsHeld([held.id], async () => {
      const response = await filesApi.purge(held.id, { cookie: cookies.admin });

      return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
    });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'trash_entry_busy', name: 'Held alone.docx', purged: 0, left: 1 });
    expect(refused.body.error.message).toBe(
      '"Held alone.docx" is in use by another operation, so 1 document stays in the trash. Try again in a moment.',
    );
    expect((await entries()).some((entry) => entry.id === held.id)).toBe(true);

    const purged = await filesApi.purge(held.id, { cookie: cookies.admin });
    expect(purged.status).toBe(200);
    expect(await purged.json()).toEqual({ id: held.id, documents: 1 });
    expect(await db.document.count({ where: { id: held.id } })).toBe(0);
  });

  it('POST /api/trash/:id/purge of a deleted folder with one document held → 409 {purged: 1, left: 1}; the other goes, the entry stays with 1; the retry → 200', async () => {
    const { root, batchId } = await deletedFolder();
    const inside = await db.document.findMany({ where: { trashBatchId: batchId }, orderBy: { name: 'asc' } });
    const refused = await whileDocumentsHeld([inside[0]!.id], async () => {
      const response = await filesApi.purge(batchId, { cookie: cookies.admin });

      return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'trash_entry_busy', name: root, purged: 1, left: 1 });
    expect(await db.document.count({ where: { id: inside[1]!.id } })).toBe(0);
    expect((await entries()).find((entry) => entry.id === batchId)).toMatchObject({ kind: 'folder', documents: 1 });

    const retry = await filesApi.purge(batchId, { cookie: cookies.admin });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ id: batchId, documents: 1 });
    expect(await db.trashBatch.count({ where: { id: batchId } })).toBe(0);
  });

  it('POST /api/trash/empty as editor or viewer → 403; signed out → 401; cross-site → 403; as admin → 200 and the trash is empty', async () => {
    const doc = await deletedDocument(uniqueFolder('empty'), 'Last.docx');
    const { batchId } = await deletedFolder();
    expect((await filesApi.emptyTrash({ cookie: cookies.editor })).status).toBe(403);
    expect((await filesApi.emptyTrash({ cookie: cookies.viewer })).status).toBe(403);
    expect((await filesApi.emptyTrash({})).status).toBe(401);
    expect((await filesApi.emptyTrash({ cookie: cookies.admin, headers: CROSS_SITE })).status).toBe(403);
    expect(await db.document.findUnique({ where: { id: doc.id } })).not.toBeNull();
    const emptiedBefore = await db.auditEvent.count({ where: { action: 'trash.emptied', userId: admin.id } });
    const response = await filesApi.emptyTrash({ cookie: cookies.admin });
    expect(response.status).toBe(200);
    const left = (await entries()).map((entry) => entry.id);
    expect(left).not.toContain(doc.id);
    expect(left).not.toContain(batchId);
    expect(await db.document.findUnique({ where: { id: doc.id } })).toBeNull();
    expect(await db.auditEvent.count({ where: { action: 'trash.emptied', userId: admin.id } })).toBe(emptiedBefore + 1);
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
