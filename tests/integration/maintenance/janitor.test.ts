import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { janitorLockKey, runJanitor } from '@/lib/documents/janitor';
import { restoreVersion } from '@/lib/documents/versions';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';
import { auditEvents, exists, stageOrphanBlob, setPrivatePrefix } from './helpers';

// The janitor (lib/documents/janitor.ts) against real Postgres and S3, on this file's own
// S3_PREFIX so it never touches what other test files do meanwhile.

setPrivatePrefix('janitor');

let folder: string;
let userId: string;

beforeEach(async () => {
  folder = uniqueFolder('j');
  userId = (await makeUser('editor')).id;
});

const DAY = 24 * 3600 * 1000;

const replaceWith = (name: string, body: string) =>
  uploadDocument({
    folder,
    name,
    body: Readable.from([Buffer.from(body)]),
    userId,
    onConflict: 'replace',
    maxBytes: env.MAX_UPLOAD_BYTES,
  });

const keysOf = async (documentId: string) => {
  const row = await db.document.findUniqueOrThrow({ where: { id: documentId }, include: { versions: true } });

  return [...new Set([row.contentKey, ...row.versions.map((version) => version.key)])];
};

describe('staged blobs', () => {
  it('a blob staged by a crashed save (no row) → kept within STAGING_GRACE_SECONDS, removed after it (janitor.blob_removed with its size)', async () => {
    const since = new Date();
    const blob = await stageOrphanBlob('x'.repeat(1234));

    const within = await runJanitor();
    expect(within.blobs).toMatchObject({ removed: 0 });
    expect(within.blobs.unreferenced).toBeGreaterThanOrEqual(1);
    expect(await exists(blob)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await runJanitor({ settings: { stagingGraceSeconds: 1 } });
    expect(after.blobs).toMatchObject({ removed: 1, bytes: 1234, keys: [blob] });
    expect(await exists(blob)).toBe(false);
    expect(await auditEvents('janitor.blob_removed', since)).toMatchObject([
      { details: { count: 1, bytes: 1234, keys: [blob] } },
    ]);
  });

  it('committed blobs and every version’s blob stay, however old', async () => {
    const doc = await addDocument(folder, 'Kept.txt', 'v1', userId);
    await replaceWith('Kept.txt', 'v2');
    const report = await runJanitor({ settings: { stagingGraceSeconds: 0 } });
    expect(report.blobs.removed).toBe(0);
    for (const key of await keysOf(doc.id)) expect(await exists(key)).toBe(true);
  });

  it('maintenance run with dryRun → reports the blob it would remove, removes nothing, records nothing', async () => {
    const since = new Date();
    const blob = await stageOrphanBlob('dry run');
    const report = await runJanitor({ dryRun: true, settings: { stagingGraceSeconds: 0 } });
    expect(report).toMatchObject({ dryRun: true, skipped: false, blobs: { removed: 1, bytes: 7, keys: [blob] } });
    expect(await exists(blob)).toBe(true);
    expect(await auditEvents('janitor.blob_removed', since)).toEqual([]);
    await runJanitor({ settings: { stagingGraceSeconds: 0 } });
  });
});

describe('trash', () => {
  it('POST DeleteFile, then TRASH_RETENTION_DAYS pass → row, versions and every blob gone from the bucket; janitor.trash_purged with the bytes; younger trash kept', async () => {
    const since = new Date();
    const old = await addDocument(folder, 'Old.docx', 'first bytes', userId);
    await replaceWith('Old.docx', 'second, longer bytes');
    const young = await addDocument(folder, 'Young.docx', 'young', userId);
    for (const id of [old.id, young.id]) {
      const deleted = await wopi.override(id, 'DELETE', { token: await tokenFor(id, userId) });
      expect(deleted.status).toBe(200);
    }
    const oldKeys = await keysOf(old.id);
    expect(oldKeys).toHaveLength(2);
    await db.document.update({ where: { id: old.id }, data: { deletedAt: new Date(Date.now() - 31 * DAY) } });
    await db.document.update({ where: { id: young.id }, data: { deletedAt: new Date(Date.now() - 29 * DAY) } });

    const report = await runJanitor();
    expect(report.trash).toMatchObject({
      purged: 1,
      bytes: 11 + 20,
      documents: [{ id: old.id, name: 'Old.docx', folder }],
    });
    expect(await db.document.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.documentVersion.count({ where: { documentId: old.id } })).toBe(0);
    for (const key of oldKeys) expect(await exists(key)).toBe(false);
    expect(await db.document.findUnique({ where: { id: young.id } })).not.toBeNull();
    for (const key of await keysOf(young.id)) expect(await exists(key)).toBe(true);
    expect(await auditEvents('janitor.trash_purged', since)).toMatchObject([
      { documentId: old.id, details: { documentId: old.id, name: 'Old.docx', versions: 2, objects: 2, bytes: 31 } },
    ]);
  });
});

describe('locks and token uses', () => {
  it('lock rows past expiry and WopiTokenUse rows older than any token → removed; live ones kept', async () => {
    const since = new Date();
    const expired = await addDocument(folder, 'Expired.docx', 'a', userId);
    const live = await addDocument(folder, 'Live.docx', 'b', userId);
    const released = await addDocument(folder, 'Released.docx', 'c', userId);
    await db.lock.createMany({
      data: [
        { documentId: expired.id, lockId: 'old', expiresAt: new Date(Date.now() - 60_000) },
        { documentId: live.id, lockId: 'live', expiresAt: new Date(Date.now() + 30 * 60_000) },
        // What WOPI UNLOCK leaves (UNLOCKED_AT): no expired lock, kept for the next LOCK.
        { documentId: released.id, lockId: 'released', expiresAt: new Date(0) },
      ],
    });
    const oldUse = `old-${randomUUID()}`;
    const recentUse = `recent-${randomUUID()}`;
    await db.wopiTokenUse.createMany({
      data: [
        { tokenId: oldUse, documentId: live.id, userId, firstUsedAt: new Date(Date.now() - 8 * DAY) },
        { tokenId: recentUse, documentId: live.id, userId, firstUsedAt: new Date(Date.now() - 3600_000) },
      ],
    });

    const report = await runJanitor();
    expect(report.locks.removed).toBe(1);
    expect(report.tokenUses.removed).toBeGreaterThanOrEqual(1);
    expect(await db.lock.findUnique({ where: { documentId: expired.id } })).toBeNull();
    expect(await db.lock.findUnique({ where: { documentId: live.id } })).not.toBeNull();
    expect(await db.lock.findUnique({ where: { documentId: released.id } })).not.toBeNull();
    expect(await db.wopiTokenUse.findUnique({ where: { tokenId: oldUse } })).toBeNull();
    expect(await db.wopiTokenUse.findUnique({ where: { tokenId: recentUse } })).not.toBeNull();
    expect(await auditEvents('janitor.locks_removed', since)).toMatchObject([
      { details: { count: 1, documentIds: [expired.id] } },
    ]);
  });
});

describe('version retention', () => {
  it('VERSIONS_KEEP=2 → the current and the newest versions stay, older rows and their blobs go; a blob a restored version shares stays', async () => {
    const since = new Date();
    const doc = await addDocument(folder, 'Many.txt', 'v1', userId);
    for (const body of ['v2', 'v3', 'v4 bytes']) await replaceWith('Many.txt', body);
    // v5 restores v1: it shares v1's blob.
    await restoreVersion({ documentId: doc.id, version: 1, userId });
    const before = await db.documentVersion.findMany({ where: { documentId: doc.id }, orderBy: { version: 'asc' } });
    expect(before.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expect(before[4]!.key).toBe(before[0]!.key);

    expect((await runJanitor()).versions.pruned).toBe(0);
    const report = await runJanitor({ settings: { versionsKeep: 2 } });
    expect(report.versions).toMatchObject({ pruned: 3, documents: 1, bytes: 2 + 2 });
    const after = await db.documentVersion.findMany({ where: { documentId: doc.id }, orderBy: { version: 'asc' } });
    expect(after.map((v) => v.version)).toEqual([4, 5]);
    expect(await exists(before[0]!.key)).toBe(true);
    expect(await exists(before[1]!.key)).toBe(false);
    expect(await exists(before[2]!.key)).toBe(false);
    const row = await db.document.findUniqueOrThrow({ where: { id: doc.id } });
    expect(row.version).toBe(5);
    const got = await wopi.getFile(doc.id, { token: await tokenFor(doc.id, userId) });
    expect(await got.text()).toBe('v1');
    expect(await auditEvents('janitor.version_pruned', since)).toMatchObject([
      { documentId: doc.id, details: { versions: [3, 2, 1], keep: 2, objects: 2, bytes: 4 } },
    ]);
  });
});

describe('one janitor at a time', () => {
  it('another instance holds the janitor lock → maintenance run reports skipped; two runs at once → at most one runs', async () => {
    const blob = await stageOrphanBlob('held');
    const other = new pg.Client(poolConfigFromUrl(env.DATABASE_URL!));
    await other.connect();
    const key = janitorLockKey();
    try {
      await other.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      const skipped = await runJanitor({ settings: { stagingGraceSeconds: 0 } });
      expect(skipped.skipped).toBe('another janitor is running');
      expect(await exists(blob)).toBe(true);
    } finally {
      await other.end();
    }
    const both = await Promise.all([
      runJanitor({ settings: { stagingGraceSeconds: 0 } }),
      runJanitor({ settings: { stagingGraceSeconds: 0 } }),
    ]);
    expect(both.filter((report) => report.skipped === false).length).toBeGreaterThanOrEqual(1);
    expect(both.reduce((sum, report) => sum + report.blobs.removed, 0)).toBe(1);
    expect(await exists(blob)).toBe(false);
  });
});
