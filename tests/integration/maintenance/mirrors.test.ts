import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { downloadDocument } from '@/lib/api/documents/download';
import { db } from '@/lib/db';
import {
  COMMIT_TX_OPTIONS,
  lockDocumentRow,
  mirrorsSettled,
  replaceContentLocked,
  stageContent,
} from '@/lib/documents/content';
import { runJanitor, startJanitor } from '@/lib/documents/janitor';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { documentKey } from '@/lib/storage/keys';
import { copyObject, deleteObject, headObject } from '@/lib/storage/objects';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';
import {
  auditEvents,
  bytesOf,
  embeddedBucketDir,
  exists,
  objectFile,
  patterned,
  stageOrphanBlob,
  setPrivatePrefix,
} from './helpers';

// The mirror rule (lib/documents/mirror.ts): every read serves the committed blob; a visible
// object torn or left by our own interrupted commit is repaired from it; one another tool wrote
// is adopted as a version, never overwritten. Reads here (GetFile through the WOPI listener,
// Download through downloadDocument) run in this process on purpose: the tests tear objects and
// interrupt commits under a private S3_PREFIX and compare both reads right after, with this
// process's own mirror state (mirrorsSettled); the Download route over HTTP: api/versions.test.ts.

setPrivatePrefix('mirrors');
const isEmbedded = embeddedBucketDir() !== null;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let folder: string;
let userId: string;

beforeEach(async () => {
  folder = uniqueFolder('m');
  userId = (await makeUser('editor')).id;
});

const served = async (id: string) => {
  const token = await tokenFor(id, userId);
  const got = await wopi.getFile(id, { token });
  const download = await downloadDocument(id);

  return {
    getFile: { status: got.status, sha: sha(Buffer.from(await got.arrayBuffer())) },
    download: { status: download.status, sha: sha(Buffer.from(await download.arrayBuffer())) },
  };
};

/** The state a commit killed while the store rewrote the visible object leaves on s3rver. */
const tearMirror = async (key: string, bytes: Buffer) => writeFile(objectFile(key), bytes);

describe('mirror repair', () => {
  it.skipIf(!isEmbedded)(
    'GET GetFile + portal Download while the visible object is torn (row ETag, 393,216 of 2 MiB) → 200 committed bytes; maintenance run → repaired, same version, document.mirror_repaired',
    async () => {
      const since = new Date();
      const committed = patterned(2 * 1024 * 1024, 1);
      const doc = await addDocument(folder, 'Report.docx', committed, userId);
      const key = documentKey({ folder, name: 'Report.docx' });
      const row = await db.document.findUniqueOrThrow({ where: { id: doc.id } });
      await tearMirror(key, patterned(393_216, 2));
      expect(await headObject(key)).toMatchObject({ size: 393_216, etag: row.etag });

      const ok = { status: 200, sha: sha(committed) };
      expect(await served(doc.id)).toEqual({ getFile: ok, download: ok });

      const report = await runJanitor();
      expect(report.mirrors).toMatchObject({ repaired: 1, adopted: 0 });
      expect(report.mirrors.documents).toEqual([{ id: doc.id, key, verdict: 'torn', action: 'repaired' }]);
      expect(sha(await bytesOf(key))).toBe(sha(committed));
      expect(await db.document.findUniqueOrThrow({ where: { id: doc.id } })).toMatchObject({
        version: 1,
        contentKey: row.contentKey,
      });
      expect(await served(doc.id)).toEqual({ getFile: ok, download: ok });
      expect(await auditEvents('document.mirror_repaired', since)).toMatchObject([
        {
          documentId: doc.id,
          details: { reason: 'torn', via: 'janitor', mirrorSize: 393_216, committedSize: 2097152 },
        },
      ]);
    },
  );

  it.skipIf(!isEmbedded)(
    'visible object holding a same-size staged blob’s bytes under the row’s ETag (copy done, ETag not yet rewritten) → maintenance run compares SHA-256 and repairs it',
    async () => {
      const committed = patterned(100_000, 7);
      const doc = await addDocument(folder, 'Same size.docx', committed, userId);
      const key = documentKey({ folder, name: 'Same size.docx' });
      const next = patterned(100_000, 8);
      await stageOrphanBlob(next);
      await tearMirror(key, next);
      const row = await db.document.findUniqueOrThrow({ where: { id: doc.id } });
      expect(await headObject(key)).toMatchObject({ size: 100_000, etag: row.etag });

      const report = await runJanitor();
      expect(report.mirrors.documents).toEqual([{ id: doc.id, key, verdict: 'torn', action: 'repaired' }]);
      expect(sha(await bytesOf(key))).toBe(sha(committed));
      expect((await runJanitor()).mirrors).toMatchObject({ repaired: 0, adopted: 0 });
    },
  );

  it.skipIf(!isEmbedded)(
    'documents reconcile meeting a torn visible object → {"repaired":1,"changed":0}, committed bytes back at the key',
    async () => {
      const committed = patterned(300_000, 3);
      const doc = await addDocument(folder, 'Sheet.xlsx', committed, userId);
      const key = documentKey({ folder, name: 'Sheet.xlsx' });
      await tearMirror(key, patterned(4096, 4));

      expect(await reconcileFolder(folder, { force: true })).toMatchObject({ repaired: 1, changed: 0, missing: 0 });
      expect(sha(await bytesOf(key))).toBe(sha(committed));
      expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
    },
  );

  it.skipIf(!isEmbedded)(
    'web server start (startJanitor, JANITOR_INTERVAL_SECONDS=0) → the torn visible object is repaired in the background; nothing is removed',
    async () => {
      const committed = patterned(700_000, 5);
      const doc = await addDocument(folder, 'Start.docx', committed, userId);
      const key = documentKey({ folder, name: 'Start.docx' });
      await tearMirror(key, patterned(65_536, 6));
      const orphan = await stageOrphanBlob('left by a crash');

      const janitor = startJanitor({ intervalSeconds: 0 });
      try {
        await expect.poll(async () => (await headObject(key))?.size, { timeout: 10_000 }).toBe(700_000);
      } finally {
        await janitor.stop();
      }
      expect(sha(await bytesOf(key))).toBe(sha(committed));
      expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
      expect(await exists(orphan)).toBe(true);
    },
  );

  it('visible object = a staged blob never committed (copy landed, commit did not) → maintenance run repairs it, no version added; the blob goes after the grace', async () => {
    const committed = Buffer.from('committed bytes of version 1');
    const doc = await addDocument(folder, 'Notes.txt', committed, userId);
    const key = documentKey({ folder, name: 'Notes.txt' });
    const staged = await stageOrphanBlob('bytes of a save that never committed');
    await copyObject(staged, key);

    const report = await runJanitor();
    expect(report.mirrors.documents).toEqual([{ id: doc.id, key, verdict: 'uncommitted', action: 'repaired' }]);
    expect((await bytesOf(key)).toString()).toBe(committed.toString());
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
    expect(await served(doc.id)).toMatchObject({ getFile: { sha: sha(committed) }, download: { sha: sha(committed) } });
    expect(await exists(staged)).toBe(true);

    expect((await runJanitor({ settings: { stagingGraceSeconds: 0 } })).blobs.keys).toContain(staged);
    expect(await exists(staged)).toBe(false);
  });

  it('visible object replaced by another tool → maintenance run adopts it as version 2 {"via":"storage"}; the object is not overwritten', async () => {
    const doc = await addDocument(folder, 'Plan.docx', 'portal bytes', userId);
    const key = documentKey({ folder, name: 'Plan.docx' });
    // A staged blob of the same size is around (another save in flight): still the other tool's bytes.
    await stageOrphanBlob('X'.repeat('written by another tool'.length));
    await putExternalObject(key, 'written by another tool');

    const report = await runJanitor();
    expect(report.mirrors).toMatchObject({ repaired: 0, adopted: 1 });
    expect((await bytesOf(key)).toString()).toBe('written by another tool');
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row.version).toBe(2);
    expect(row.versions.map((v) => [v.version, v.details])).toEqual(
      expect.arrayContaining([
        [1, null],
        [2, { via: 'storage' }],
      ]),
    );
    expect(await served(doc.id)).toMatchObject({ getFile: { sha: sha(Buffer.from('written by another tool')) } });
  });

  it('visible object deleted by another tool → not rewritten by maintenance run (reconciliation marks the row missing)', async () => {
    const doc = await addDocument(folder, 'Gone.txt', 'bytes', userId);
    const key = documentKey({ folder, name: 'Gone.txt' });
    await deleteObject(key);

    expect((await runJanitor()).mirrors.repaired).toBe(0);
    expect(await exists(key)).toBe(false);
    expect(await reconcileFolder(folder, { force: true })).toMatchObject({ missing: 1 });
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).missingSince).not.toBeNull();
  });
});

/**
 * What a process killed after a commit but before its visible-object copy leaves: the row names
 * the new blob and is pending, the visible object still holds the previous bytes. (The commit
 * itself is the production one; only the background copy it schedules never runs.)
 */
const commitWithoutMirrorCopy = async (id: string, bytes: Buffer) => {
  const { blobKey, stored } = await stageContent({ body: Readable.from([bytes]), maxBytes: 64 * 1024 * 1024 });
  await db.$transaction(async (tx) => {
    const row = await lockDocumentRow(tx, { id });
    await replaceContentLocked(tx, row!, { blobKey, stored, userId, now: new Date() });
  }, COMMIT_TX_OPTIONS);

  return blobKey;
};

describe('visible-object copies after the commit (mirrorPendingSince)', () => {
  it('POST PutFile → 200 once committed; the visible object follows in the background; no version {"via":"storage"} appears', async () => {
    const doc = await addDocument(folder, 'Saved.docx', 'version one', userId);
    const key = documentKey({ folder, name: 'Saved.docx' });
    const token = await tokenFor(doc.id, userId);
    const lock = { 'X-WOPI-Lock': 'L1' };
    expect((await wopi.override(doc.id, 'LOCK', { token, headers: lock })).status).toBe(200);
    expect((await wopi.putFile(doc.id, { token, headers: lock, body: 'version two' })).status).toBe(200);
    await mirrorsSettled();

    expect((await bytesOf(key)).toString()).toBe('version two');
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row).toMatchObject({ version: 2, mirrorPendingSince: null, etag: (await headObject(key))!.etag });
    expect(row.versions.map((v) => v.details)).not.toContainEqual({ via: 'storage' });
  });

  it('server killed after the commit, before the copy (row pending, visible object = previous bytes) → GetFile, Download and CheckFileInfo serve the committed bytes and adopt nothing; maintenance run copies them (mirrors.pending 1)', async () => {
    const since = new Date();
    const doc = await addDocument(folder, 'Crash.docx', patterned(300_000, 1), userId);
    const key = documentKey({ folder, name: 'Crash.docx' });
    const committed = patterned(310_000, 2);
    await commitWithoutMirrorCopy(doc.id, committed);
    expect(sha(await bytesOf(key))).toBe(sha(patterned(300_000, 1)));

    const ok = { status: 200, sha: sha(committed) };
    expect(await served(doc.id)).toEqual({ getFile: ok, download: ok });
    const info = await wopi.checkFileInfo(doc.id, { token: await tokenFor(doc.id, userId) });
    expect(await info.json()).toMatchObject({ Size: 310_000, Version: '2' });
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(2);

    const report = await runJanitor();
    expect(report.mirrors).toMatchObject({ pending: 1, repaired: 1, adopted: 0 });
    expect(report.mirrors.documents).toEqual([{ id: doc.id, key, verdict: 'pending', action: 'repaired' }]);
    expect(sha(await bytesOf(key))).toBe(sha(committed));
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id } });
    expect(row).toMatchObject({ version: 2, mirrorPendingSince: null, etag: (await headObject(key))!.etag });
    expect(await auditEvents('document.mirror_repaired', since)).toMatchObject([
      { documentId: doc.id, details: { reason: 'pending', via: 'janitor' } },
    ]);
    expect((await runJanitor()).mirrors).toMatchObject({ pending: 0, repaired: 0, adopted: 0 });
  });

  it.skipIf(!isEmbedded)(
    'server killed mid-copy (row pending, visible object torn: 393,216 bytes under the previous ETag) → reads serve the committed 2 MiB; POST PutFile with X-COOL-WOPI-Timestamp → 200 (not 1010), its bytes land at the key, nothing adopted',
    async () => {
      const doc = await addDocument(folder, 'Torn.docx', patterned(1024 * 1024, 3), userId);
      const key = documentKey({ folder, name: 'Torn.docx' });
      const committed = patterned(2 * 1024 * 1024, 4);
      await commitWithoutMirrorCopy(doc.id, committed);
      await tearMirror(key, committed.subarray(0, 393_216));

      const ok = { status: 200, sha: sha(committed) };
      expect(await served(doc.id)).toEqual({ getFile: ok, download: ok });
      expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(2);
      const token = await tokenFor(doc.id, userId);
      const info = (await (await wopi.checkFileInfo(doc.id, { token })).json()) as { LastModifiedTime: string };
      const save = { 'X-WOPI-Lock': 'T1', 'X-COOL-WOPI-Timestamp': info.LastModifiedTime };
      expect((await wopi.override(doc.id, 'LOCK', { token, headers: save })).status).toBe(200);
      expect((await wopi.putFile(doc.id, { token, headers: save, body: 'three' })).status).toBe(200);
      await mirrorsSettled();

      expect((await bytesOf(key)).toString()).toBe('three');
      const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
      expect(row).toMatchObject({ version: 3, mirrorPendingSince: null });
      expect(row.versions.map((v) => v.details)).not.toContainEqual({ via: 'storage' });
      expect((await runJanitor()).mirrors).toMatchObject({ pending: 0, repaired: 0, adopted: 0 });
    },
  );

  it('copy landed, its bookkeeping did not (row pending, visible object = the committed bytes) → a read adopts nothing; maintenance run only records the ETag', async () => {
    const doc = await addDocument(folder, 'Landed.docx', 'first', userId);
    const key = documentKey({ folder, name: 'Landed.docx' });
    const blobKey = await commitWithoutMirrorCopy(doc.id, Buffer.from('second, committed'));
    await copyObject(blobKey, key);

    expect(await served(doc.id)).toMatchObject({ getFile: { sha: sha(Buffer.from('second, committed')) } });
    expect((await runJanitor()).mirrors).toMatchObject({ pending: 1, repaired: 1, adopted: 0 });
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row).toMatchObject({ version: 2, mirrorPendingSince: null, etag: (await headObject(key))!.etag });
    expect(row.versions).toHaveLength(2);
  });

  it('a copy of version 2 landed but its bookkeeping failed (a timeout), then version 3 committed → the stale copy is ours: maintenance run copies version 3 over it, nothing adopted', async () => {
    const doc = await addDocument(folder, 'Timeout.docx', 'one', userId);
    const key = documentKey({ folder, name: 'Timeout.docx' });
    const second = await commitWithoutMirrorCopy(doc.id, Buffer.from('two, copied but never recorded'));
    await copyObject(second, key);
    await commitWithoutMirrorCopy(doc.id, Buffer.from('three, the current one'));

    const token = await tokenFor(doc.id, userId);
    expect(await (await wopi.getFile(doc.id, { token })).text()).toBe('three, the current one');
    expect((await runJanitor()).mirrors).toMatchObject({ pending: 1, repaired: 1, adopted: 0 });
    expect((await bytesOf(key)).toString()).toBe('three, the current one');
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row.version).toBe(3);
    expect(row.versions.map((v) => v.details)).not.toContainEqual({ via: 'storage' });
  });

  it('another tool writes the visible object while the copy is pending → adopted as version 3 {"via":"storage"}, never overwritten; version 2 kept', async () => {
    const doc = await addDocument(folder, 'Race.docx', 'one', userId);
    const key = documentKey({ folder, name: 'Race.docx' });
    await commitWithoutMirrorCopy(doc.id, Buffer.from('two, from the editor'));
    await putExternalObject(key, 'three, from another tool');

    expect((await runJanitor()).mirrors).toMatchObject({ pending: 1, adopted: 1 });
    expect((await bytesOf(key)).toString()).toBe('three, from another tool');
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(row).toMatchObject({ version: 3, mirrorPendingSince: null });
    expect(row.versions.map((v) => [v.version, v.details])).toEqual(
      expect.arrayContaining([
        [2, null],
        [3, { via: 'storage' }],
      ]),
    );
    expect(await served(doc.id)).toMatchObject({ getFile: { sha: sha(Buffer.from('three, from another tool')) } });
  });

  it('documents reconcile while a new document’s first copy is pending (no visible object yet) → the row is not marked missing', async () => {
    const doc = await addDocument(folder, 'New.docx', 'new', userId);
    const key = documentKey({ folder, name: 'New.docx' });
    await deleteObject(key);
    await db.document.update({ where: { id: doc.id }, data: { mirrorPendingSince: new Date(), etag: null } });

    expect(await reconcileFolder(folder, { force: true })).toMatchObject({ missing: 0 });
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).missingSince).toBeNull();
    expect((await runJanitor()).mirrors).toMatchObject({ pending: 1, repaired: 1 });
    expect((await bytesOf(key)).toString()).toBe('new');
  });
});
