import { describe, expect, it } from 'vitest';
import { db, sql } from '@/lib/db';
import { CLI_FILE_ACTOR } from '@/lib/documents/file-actions';
import { deleteFolder } from '@/lib/documents/folder-actions';
import { claimFolders } from '@/lib/documents/folder-lease';
import { emptyTrash, listTrash, purgeTrashEntry } from '@/lib/documents/trash';
import { DomainError } from '@/lib/errors';
import { addDocument, uniqueFolder } from '../../support/documents';
import { portalFetch } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';
import { setPrivatePrefix } from '../maintenance/helpers';

// A folder delete fills its trash entry document by document while holding a lease on the folder
// (lib/documents/folder-lease.ts). Delete forever and Empty trash must not take that entry from
// under it (they would destroy documents trashed after the admin chose, and the delete would fail
// on its vanished TrashBatch row); a holder whose lease may have lapsed stops; a cursor Postgres
// cannot hold is the client's error.

// Empty trash purges the whole trash: this file works under its own S3_PREFIX.
setPrivatePrefix('trash-leases');

const actor = CLI_FILE_ACTOR;

/** The DomainError `promise` rejects with (fails the test if it resolves or throws something else). */
const domainErrorOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);

  return error as DomainError;
};

/** Starts deleting a folder of `count` documents and pauses it after its first document. */
const pausedDelete = async (count: number) => {
  const folder = uniqueFolder('paused-delete');
  for (let i = 0; i < count; i++) await addDocument(folder, `d${i}.txt`, `d${i}`);
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let paused!: () => void;
  const isPaused = new Promise<void>((resolve) => (paused = resolve));
  const running = deleteFolder({
    path: folder,
    actor,
    onProgress: async (done) => {
      if (done !== 1) return;
      paused();
      await resumed;
    },
  });
  await isPaused;
  const batch = await db.trashBatch.findFirstOrThrow({ where: { path: folder }, orderBy: { deletedAt: 'desc' } });

  return { folder, batch, running, resume };
};

describe('trash vs a folder delete still running', () => {
  it('purgeTrashEntry (POST /api/trash/:id/purge) of the entry a delete is still filling → 409 folder_busy, nothing purged; the delete finishes whole', async () => {
    const { batch, running, resume } = await pausedDelete(4);
    const refusal = await domainErrorOf(purgeTrashEntry({ id: batch.id, actor }));
    expect(refusal.code).toBe('folder_busy');
    expect(await db.document.count({ where: { trashBatchId: batch.id } })).toBe(1);
    resume();
    expect((await running).documents).toBe(4);
    expect(await db.document.count({ where: { trashBatchId: batch.id, deletedAt: { not: null } } })).toBe(4);
    // Once it is done, the purge takes the whole entry.
    expect(await purgeTrashEntry({ id: batch.id, actor })).toEqual({ id: batch.id, documents: 4 });
    expect(await db.trashBatch.count({ where: { id: batch.id } })).toBe(0);
  });

  it('emptyTrash (POST /api/trash/empty) while a folder delete runs → the running entry and its documents stay, reported as left (folder_busy); the delete finishes whole', async () => {
    const loose = await addDocument(uniqueFolder('loose'), 'gone-for-good.txt');
    const { id: looseId } = loose;
    await db.document.update({ where: { id: looseId }, data: { deletedAt: new Date() } });
    const { batch, running, resume } = await pausedDelete(3);
    const emptied = await emptyTrash({ actor });
    expect(emptied.documents).toBeGreaterThanOrEqual(1);
    // Said, not skipped silently: the entry, its one document so far, and why.
    expect(emptied.isComplete).toBe(false);
    expect(emptied.left).toEqual([
      { kind: 'folder', id: batch.id, name: batch.path, folder: '', documents: 1, reason: 'folder_busy' },
    ]);
    expect(emptied.leftCount).toBe(1);
    expect(await db.document.count({ where: { id: looseId } })).toBe(0);
    expect(await db.trashBatch.count({ where: { id: batch.id } })).toBe(1);
    expect(await db.document.count({ where: { trashBatchId: batch.id, deletedAt: { not: null } } })).toBe(1);
    resume();
    expect((await running).documents).toBe(3);
    expect(await db.document.count({ where: { trashBatchId: batch.id, deletedAt: { not: null } } })).toBe(3);
    // The next Empty trash takes it.
    expect(await emptyTrash({ actor })).toMatchObject({ documents: 3, folders: 1, isComplete: true, left: [] });
    expect(await db.trashBatch.count({ where: { id: batch.id } })).toBe(0);
    expect(await db.document.count({ where: { trashBatchId: batch.id } })).toBe(0);
  });
});

describe('uploads into a folder while it is being deleted', () => {
  it('POST /api/admin/documents into the folder (or below it) a delete is working on → 409 folder_busy, nothing saved; after the delete → 201', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const { folder, running, resume } = await pausedDelete(3);
    const upload = (into: string, name: string, onConflict = 'fail') =>
      portalFetch(
        `/api/admin/documents?folder=${encodeURIComponent(into)}&name=${encodeURIComponent(name)}&onConflict=${onConflict}`,
        { cookie, body: new TextEncoder().encode('late bytes'), headers: { 'content-type': 'text/plain' } },
      );
    for (const [into, name, mode] of [
      [folder, 'during.txt', 'fail'],
      [folder, 'd2.txt', 'replace'],
      [`${folder}/sub`, 'deeper.txt', 'fail'],
    ] as const) {
      const response = await upload(into, name, mode);
      expect(response.status, `${into}/${name}`).toBe(409);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('folder_busy');
    }
    expect(await db.document.count({ where: { folder, name: 'during.txt' } })).toBe(0);
    expect(await db.document.count({ where: { folder: `${folder}/sub` } })).toBe(0);
    resume();
    expect((await running).documents).toBe(3);
    expect(await db.document.count({ where: { folder, deletedAt: null } })).toBe(0);
    expect((await upload(folder, 'after.txt')).status).toBe(201);
  });
});

describe('folder lease that may have lapsed', () => {
  it('rows taken over by another claim after they lapsed → the next renewal notices; assertHeld → 503 database_unavailable', async () => {
    const folder = uniqueFolder('lapsed');
    const lease = await claimFolders([folder], 'folder.move', { leaseMs: 1_200 });
    try {
      expect(() => lease.assertHeld()).not.toThrow();
      // What another instance's claim does to rows that lapsed: deletes them.
      await sql(`DELETE FROM "FolderLease" WHERE holder = $1::uuid`, [lease.holder]);
      // Renewals run every 400 ms here; one of them finds no row.
      await expect
        .poll(
          () => {
            try {
              lease.assertHeld();

              return 'held';
            } catch (error) {
              return error instanceof DomainError ? error.code : String(error);
            }
          },
          { timeout: 3_000, interval: 100 },
        )
        .toBe('database_unavailable');
    } finally {
      await lease.release();
    }
  });

  it('a lease renewed on time stays held past its first expiry', async () => {
    const lease = await claimFolders([uniqueFolder('renewed')], 'folder.move', { leaseMs: 1_200 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(() => lease.assertHeld()).not.toThrow();
      const { rows } = await sql<{ live: boolean }>(
        `SELECT "expiresAt" > now() AS live FROM "FolderLease" WHERE holder = $1::uuid`,
        [lease.holder],
      );
      expect(rows).toEqual([{ live: true }]);
    } finally {
      await lease.release();
    }
  });
});

describe('trash cursor', () => {
  it('listTrash (GET /api/trash) with a cursor in 5000 BC or 20000 AD → 400 invalid_cursor (Postgres cannot hold the date)', async () => {
    const cursor = Buffer.from(
      JSON.stringify(['-005000-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']),
    ).toString('base64url');
    expect((await domainErrorOf(listTrash({ cursor }))).code).toBe('invalid_cursor');
    const far = Buffer.from(
      JSON.stringify(['+020000-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']),
    ).toString('base64url');
    expect((await domainErrorOf(listTrash({ cursor: far }))).code).toBe('invalid_cursor');
  });
});
