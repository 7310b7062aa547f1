import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { listFolder } from '@/lib/documents/queries';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey, internalKey } from '@/lib/storage/keys';
import { deleteObject } from '@/lib/storage/objects';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';

describe('reconcileFolder (bucket ↔ database)', () => {
  it('objects another tool put into the bucket appear as documents, subfolders as folders', async () => {
    const folder = uniqueFolder();
    await putExternalObject(documentKey({ folder, name: 'From elsewhere.docx' }), 'external bytes');
    await putExternalObject(documentKey({ folder: `${folder}/Nested`, name: 'deep.txt' }), 'deep');
    const report = await reconcileFolder(folder);
    expect(report).toMatchObject({ skipped: false, added: 1, folders: 1 });
    const listing = await listFolder({ folder });
    expect(listing.documents).toMatchObject([
      { name: 'From elsewhere.docx', size: 14, extension: 'docx', lastModifiedBy: null },
    ]);
    expect(listing.folders).toEqual([{ path: `${folder}/Nested`, name: 'Nested' }]);
    const row = await db.document.findFirstOrThrow({ where: { folder } });
    expect(row.sha256).toBeNull();
  });

  it('documents the portal stored are left as they are (same etag: no new version)', async () => {
    const folder = uniqueFolder();
    const created = await addDocument(folder, 'mine.docx', 'mine');
    const report = await reconcileFolder(folder);
    expect(report).toMatchObject({ added: 0, changed: 0, missing: 0 });
    const row = await db.document.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.version).toBe(1);
    expect(row.sha256).toBe(created.sha256);
  });

  it('an object changed by another tool → new size, version + 1, hash cleared', async () => {
    const folder = uniqueFolder();
    const created = await addDocument(folder, 'doc.txt', 'one');
    await putExternalObject(documentKey({ folder, name: 'doc.txt' }), 'changed elsewhere');
    expect(await reconcileFolder(folder)).toMatchObject({ changed: 1 });
    const row = await db.document.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ size: 17n, version: 2, sha256: null, lastModifiedById: null });
  });

  it('an object that vanished → row hidden (missingSince), kept; it comes back with the object', async () => {
    const folder = uniqueFolder();
    const created = await addDocument(folder, 'gone.txt', 'bytes');
    await deleteObject(documentKey({ folder, name: 'gone.txt' }));
    expect(await reconcileFolder(folder)).toMatchObject({ missing: 1 });
    expect((await listFolder({ folder })).documents).toEqual([]);
    expect((await db.document.findUniqueOrThrow({ where: { id: created.id } })).missingSince).not.toBeNull();

    await putExternalObject(documentKey({ folder, name: 'gone.txt' }), 'back again');
    await reconcileFolder(folder);
    const row = await db.document.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.missingSince).toBeNull();
    expect(row.id).toBe(created.id);
  });

  it('the portal’s own area (.wopi/) and keys with unusable names are never listed', async () => {
    await putExternalObject(internalKey('versions', 'x', '1'), 'internal');
    const folder = uniqueFolder();
    await putExternalObject(documentKey({ folder, name: 'ok.txt' }), 'ok');
    await putExternalObject(`${folder}/bad:name.txt`, 'bad');
    await reconcileFolder('');
    await reconcileFolder(folder);
    expect((await listFolder({ folder: '' })).folders.map((f) => f.name)).not.toContain('.wopi');
    expect((await listFolder({ folder })).documents.map((doc) => doc.name)).toEqual(['ok.txt']);
  });

  it('more than one ListObjectsV2 page (1000 keys) is walked page by page', async () => {
    const folder = uniqueFolder('many');
    const keys = Array.from({ length: 1100 }, (_, index) => documentKey({ folder, name: `n-${index}.txt` }));
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => putExternalObject(key, 'x')));
    }
    expect(await reconcileFolder(folder)).toMatchObject({ added: 1100, missing: 0 });
    expect((await listFolder({ folder })).total).toBe(1100);
    expect(await reconcileFolder(folder, { force: true })).toMatchObject({ added: 0, changed: 0, missing: 0 });
  });
});
