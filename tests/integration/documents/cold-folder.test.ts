import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { folderSyncsSettled, syncFolderForListing } from '@/lib/documents/listing-sync';
import { listFolder } from '@/lib/documents/queries';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey } from '@/lib/storage/keys';
import { deleteObject } from '@/lib/storage/objects';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';

const COLD_OBJECTS = 2500;

const nameAt = (index: number) => `doc-${String(index).padStart(5, '0')}.txt`;

/** `count` objects written straight into the bucket, 50 at a time. */
const seedBucket = async (folder: string, count: number) => {
  const keys = Array.from({ length: count }, (_, index) => documentKey({ folder, name: nameAt(index) }));
  for (let start = 0; start < keys.length; start += 50) {
    await Promise.all(keys.slice(start, start + 50).map((key) => putExternalObject(key, 'x')));
  }
};

/** What GET /?folder=F renders: the sync state, then the listing of the page. */
const visit = async (folder: string, options: { waitMs?: number; page?: number } = {}) => {
  const sync = await syncFolderForListing(folder, { waitMs: options.waitMs });
  const listing = await listFolder({ folder, page: options.page, pageSize: 200 });

  return { sync, listing };
};

const syncedAtOf = async (folder: string) =>
  (await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } }))?.syncedAt;

describe('GET / ?folder=… on a folder the portal has never listed (cold)', () => {
  it(`cold folder of ${COLD_OBJECTS.toLocaleString('en-US')} objects → all listed, each once, in name order`, async () => {
    const folder = uniqueFolder('cold');
    await seedBucket(folder, COLD_OBJECTS);
    const first = await visit(folder);
    expect(['synced', 'reading']).toContain(first.sync);
    await folderSyncsSettled();

    const pages = await Promise.all(
      Array.from({ length: COLD_OBJECTS / 200 + 1 }, (_, index) =>
        listFolder({ folder, page: index + 1, pageSize: 200 }),
      ),
    );
    const names = pages.flatMap((page) => page.documents.map((doc) => doc.name));
    expect(names).toEqual(Array.from({ length: COLD_OBJECTS }, (_, index) => nameAt(index)));
    expect(pages[0]!.total).toBe(COLD_OBJECTS);
    expect((await visit(folder)).sync).toBe('synced');
    const rows = await db.document.findMany({ where: { folder }, select: { version: true, lastSeenAt: true } });
    expect(rows.every((row) => row.version === 1 && row.lastSeenAt !== null)).toBe(true);
    // The claim ends as the start of the sync, not a lease in the future.
    expect((await syncedAtOf(folder))!.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('first visit with no time to wait → "reading" (the list says it may be incomplete), then every object', async () => {
    const folder = uniqueFolder('cold-bg');
    await seedBucket(folder, 1200);
    const first = await visit(folder, { waitMs: 0 });
    expect(first.sync).toBe('reading');
    expect(first.listing.total).toBeLessThanOrEqual(1200);
    await folderSyncsSettled();
    const later = await visit(folder, { waitMs: 0 });
    expect(later.sync).toBe('synced');
    expect(later.listing.total).toBe(1200);
    expect(await db.document.count({ where: { folder } })).toBe(1200);
  });

  it('while another instance reads the folder (its lease in Folder.syncedAt) → "reading", no second sync here', async () => {
    const folder = uniqueFolder('cold-elsewhere');
    await seedBucket(folder, 3);
    await db.folder.create({
      data: { path: folder, parent: '', name: folder, syncedAt: new Date(Date.now() + 30_000) },
    });
    const { sync, listing } = await visit(folder);
    expect(sync).toBe('reading');
    expect(listing.total).toBe(0);
    await folderSyncsSettled();
    expect(await db.document.count({ where: { folder } })).toBe(0);
    // The lease lapsed (that process died) and the interval passed: the next visit syncs.
    await db.folder.update({ where: { path: folder }, data: { syncedAt: new Date(Date.now() - 60_000) } });
    await visit(folder);
    await folderSyncsSettled();
    expect((await listFolder({ folder })).total).toBe(3);
  });

  it('cold folder whose rows exist → an object another tool changed becomes version 2, a removed one is hidden', async () => {
    const folder = uniqueFolder('cold-rows');
    const kept = await addDocument(folder, 'kept.txt', 'kept');
    const changed = await addDocument(folder, 'changed.txt', 'one');
    const removed = await addDocument(folder, 'removed.txt', 'gone soon');
    await putExternalObject(documentKey({ folder, name: 'changed.txt' }), 'changed elsewhere');
    await deleteObject(documentKey({ folder, name: 'removed.txt' }));
    await putExternalObject(documentKey({ folder, name: 'new.txt' }), 'new');
    expect(await syncedAtOf(folder)).toBeNull(); // uploads make the folder, they do not sync it

    await visit(folder);
    await folderSyncsSettled();
    const { listing } = await visit(folder);
    expect(listing.documents.map((doc) => doc.name)).toEqual(['changed.txt', 'kept.txt', 'new.txt']);
    const byId = async (id: string) => db.document.findUniqueOrThrow({ where: { id } });
    expect(await byId(changed.id)).toMatchObject({ version: 2, size: 17n, sha256: null });
    expect(await byId(kept.id)).toMatchObject({ version: 1, missingSince: null });
    expect((await byId(removed.id)).missingSince).not.toBeNull();
  });

  it('two syncs of one cold folder at once (two instances) → one runs, the other is skipped', async () => {
    const folder = uniqueFolder('cold-race');
    await seedBucket(folder, 20);
    const reports = await Promise.all([reconcileFolder(folder), reconcileFolder(folder)]);
    expect(reports.map((report) => report.skipped).sort()).toEqual([false, true]);
    expect(reports.find((report) => !report.skipped)).toMatchObject({ added: 20, missing: 0 });
    expect(await db.document.count({ where: { folder } })).toBe(20);
  });

  it('GET /?folder=Nowhere (nothing in the bucket or the portal) → empty, and no folder appears for anyone', async () => {
    const folder = uniqueFolder('nowhere');
    const { sync, listing } = await visit(folder);
    expect(sync).toBe('synced');
    expect(listing).toMatchObject({ total: 0, folders: [] });
    await folderSyncsSettled();
    expect(await db.folder.findUnique({ where: { path: folder } })).toBeNull();
    expect((await listFolder({ folder: '' })).folders.map((row) => row.path)).not.toContain(folder);
  });

  it('GET /?folder=a/b that only the bucket knows → listed, and a/b with its parent appear as folders', async () => {
    const parent = uniqueFolder('deep');
    const folder = `${parent}/inner`;
    await putExternalObject(documentKey({ folder, name: 'x.txt' }), 'x');
    await visit(folder);
    await folderSyncsSettled();
    expect((await listFolder({ folder })).documents.map((doc) => doc.name)).toEqual(['x.txt']);
    expect((await listFolder({ folder: parent })).folders).toEqual([{ path: folder, name: 'inner' }]);
  });
});
