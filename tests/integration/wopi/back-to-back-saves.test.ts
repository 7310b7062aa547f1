import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey, folderPrefix } from '@/lib/storage/keys';
import { headObject, listPage } from '@/lib/storage/objects';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

let folder: string;
let docId: string;
let token: string;
const lock = { 'X-WOPI-Lock': 'L1' };

beforeEach(async () => {
  folder = uniqueFolder('burst');
  const userId = (await makeUser('editor')).id;
  docId = (await addDocument(folder, 'Report.docx', 'first bytes', userId)).id;
  token = await tokenFor(docId, userId);
});

const storageVersions = () =>
  db.documentVersion.findMany({ where: { documentId: docId, details: { equals: { via: 'storage' } } } });

describe('back-to-back PutFiles', () => {
  it('50 saves sent without a pause → no {"via":"storage"} version', async () => {
    expect((await wopi.override(docId, 'LOCK', { token, headers: lock })).status).toBe(200);
    for (let round = 0; round < 50; round++) {
      const save = await wopi.putFile(docId, { token, headers: lock, body: `save ${round} `.repeat(200 + round) });
      expect(save.status).toBe(200);
    }
    await mirrorsSettled();
    expect(await storageVersions()).toEqual([]);
  });

  it('50 saves while CheckFileInfo, GetFile and folder listings run without a pause → no {"via":"storage"} version', async () => {
    expect((await wopi.override(docId, 'LOCK', { token, headers: lock })).status).toBe(200);
    let isSaving = true;
    const readers = [
      async () => (await wopi.checkFileInfo(docId, { token })).arrayBuffer(),
      async () => (await wopi.getFile(docId, { token })).arrayBuffer(),
      async () => reconcileFolder(folder, { force: true }),
      async () => listPage({ prefix: folderPrefix(folder), delimiter: '/' }),
      async () => headObject(documentKey({ folder, name: 'Report.docx' })),
      async () => headObject(documentKey({ folder, name: 'Report.docx' })),
    ].map(async (read) => {
      while (isSaving) await read();
    });
    try {
      for (let round = 0; round < 50; round++) {
        const save = await wopi.putFile(docId, { token, headers: lock, body: `save ${round} `.repeat(200 + round) });
        expect(save.status).toBe(200);
      }
    } finally {
      isSaving = false;
      await Promise.all(readers);
    }
    await mirrorsSettled();
    expect(await storageVersions()).toEqual([]);
  });
});
