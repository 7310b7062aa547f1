import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db';
import { holdLock } from '../../support/files-api';
import { commitSaveStatement, stageContent } from '@/lib/documents/content';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';

/**
 * PutFile's commit in one SQL statement (lib/documents/content.ts commitSaveStatement): every
 * outcome the transaction path has, decided under the same row and lock-row locks, and `slow`
 * (nothing changed) whenever a storage change would have to be adopted first.
 */
let userId: string;
let folder: string;
beforeEach(async () => {
  userId = (await makeUser('editor')).id;
  folder = uniqueFolder('commit');
});

const stage = (text: string) => stageContent({ body: Readable.from([Buffer.from(text)]), maxBytes: 1024 * 1024 });

const setup = async (text = 'one', lockId: string | null = 'L', name = 'Doc.docx') => {
  const doc = await addDocument(folder, name, text, userId);
  if (lockId) await holdLock(doc.id, lockId, new Date(Date.now() + 60_000));
  const row = await db.document.findUniqueOrThrow({ where: { id: doc.id } });
  const visibleEtag = (await headObject(row.key))?.etag ?? null;

  return { doc, row, visibleEtag };
};

const save = async (
  documentId: string,
  text: string,
  options: Partial<Parameters<typeof commitSaveStatement>[0]> & { visibleEtag: string | null },
) => {
  const staged = await stage(text);

  return commitSaveStatement({ documentId, ...staged, lockId: 'L', userId, now: new Date(), ...options });
};

describe('commitSaveStatement (PutFile in one statement)', () => {
  it('matching lock → written: Version + 1, LastModifiedTime later, version row with the save flags, mirror pending', async () => {
    const { doc, row, visibleEtag } = await setup();
    const outcome = await save(doc.id, 'two', { visibleEtag, details: { via: 'wopi', isAutosave: true } });

    expect(outcome).toMatchObject({ outcome: 'written', version: 2 });
    const after = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(after.version).toBe(2);
    expect(after.lastModifiedAt.getTime()).toBeGreaterThan(row.lastModifiedAt.getTime());
    expect(after.mirrorPendingSince).not.toBeNull();
    expect(after.size).toBe(3n);
    expect(after.versions.find((v) => v.version === 2)).toMatchObject({
      key: after.contentKey,
      createdById: userId,
      details: { via: 'wopi', isAutosave: true },
    });
  });

  it('another lock → lock with the current one; no lock on a non-empty document → lock ""; nothing changed', async () => {
    const { doc, visibleEtag } = await setup();
    expect(await save(doc.id, 'x', { visibleEtag, lockId: 'other' })).toEqual({ outcome: 'lock', current: 'L' });
    const unlocked = await setup('bytes', null, 'Unlocked.docx');
    expect(await save(unlocked.doc.id, 'x', { visibleEtag: unlocked.visibleEtag, lockId: null })).toEqual({
      outcome: 'lock',
      current: '',
    });
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
  });

  it('unlocked 0-byte document, no lock id → written (first save of a new document)', async () => {
    const { doc, visibleEtag } = await setup('', null);
    expect(await save(doc.id, 'first', { visibleEtag, lockId: null })).toMatchObject({
      outcome: 'written',
      version: 2,
    });
  });

  it('X-COOL-WOPI-Timestamp other than LastModifiedTime (or not canonical ISO) → stale with the current time; exact → written', async () => {
    const { doc, row, visibleEtag } = await setup();
    const stale = await save(doc.id, 'x', { visibleEtag, ifLastModified: '2020-01-01T00:00:00.000Z' });
    expect(stale).toEqual({ outcome: 'stale', lastModifiedAt: row.lastModifiedAt });
    expect(await save(doc.id, 'x', { visibleEtag, ifLastModified: 'garbage' })).toMatchObject({ outcome: 'stale' });
    const isoWithoutMs = row.lastModifiedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (isoWithoutMs !== row.lastModifiedAt.toISOString())
      expect(await save(doc.id, 'x', { visibleEtag, ifLastModified: isoWithoutMs })).toMatchObject({
        outcome: 'stale',
      });
    expect(await save(doc.id, 'x', { visibleEtag, ifLastModified: row.lastModifiedAt.toISOString() })).toMatchObject({
      outcome: 'written',
    });
  });

  it('identical bytes with isIdenticalSkipped → unchanged, same Version; without → written', async () => {
    const { doc, visibleEtag } = await setup('same');
    expect(await save(doc.id, 'same', { visibleEtag, isIdenticalSkipped: true })).toMatchObject({
      outcome: 'unchanged',
      version: 1,
    });
    expect(await save(doc.id, 'same', { visibleEtag })).toMatchObject({ outcome: 'written', version: 2 });
  });

  it('visible object changed by another tool (ETag not the row’s) → slow, nothing changed', async () => {
    const { doc } = await setup();
    await putExternalObject(documentKey({ folder, name: 'Doc.docx' }), 'other tool');
    const visibleEtag = (await headObject(documentKey({ folder, name: 'Doc.docx' })))!.etag!;
    expect(await save(doc.id, 'x', { visibleEtag })).toEqual({ outcome: 'slow' });
    expect((await db.document.findUniqueOrThrow({ where: { id: doc.id } })).version).toBe(1);
  });

  it('content only at the visible key (an object another tool made, no version row) → slow', async () => {
    const { doc, row, visibleEtag } = await setup();
    await db.document.update({ where: { id: doc.id }, data: { contentKey: row.key } });
    expect(await save(doc.id, 'x', { visibleEtag })).toEqual({ outcome: 'slow' });
  });

  it('deleted document → gone; unknown id → gone', async () => {
    const { doc, visibleEtag } = await setup();
    await db.document.update({ where: { id: doc.id }, data: { deletedAt: new Date() } });
    expect(await save(doc.id, 'x', { visibleEtag })).toEqual({ outcome: 'gone' });
    expect(await save('00000000-0000-4000-8000-000000000000', 'x', { visibleEtag })).toEqual({ outcome: 'gone' });
  });

  it('20 saves at once under one lock → Versions 2…21, each once; the row names the last one’s blob', async () => {
    const { doc, visibleEtag } = await setup();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => save(doc.id, `save ${i}`, { visibleEtag })),
    );
    const versions = outcomes.map((o) => (o.outcome === 'written' ? o.version : -1)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const after = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect(after.version).toBe(21);
    expect(after.versions.find((v) => v.version === 21)!.key).toBe(after.contentKey);
  });

  it('a commit statement reaching Postgres after its deadline (queued behind a stall) → throws database_unavailable and changes nothing', async () => {
    const { doc, row, visibleEtag } = await setup();
    const staged = await stage('late bytes');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 60_000);
    const error = await commitSaveStatement({
      documentId: doc.id,
      ...staged,
      lockId: 'L',
      userId,
      now: new Date(),
      visibleEtag,
    })
      .then(
        () => null,
        (e: unknown) => e,
      )
      .finally(() => vi.useRealTimers());
    expect(error).toMatchObject({ code: 'database_unavailable' });
    const after = await db.document.findUniqueOrThrow({ where: { id: doc.id }, include: { versions: true } });
    expect({ version: after.version, contentKey: after.contentKey, pending: after.mirrorPendingSince }).toEqual({
      version: row.version,
      contentKey: row.contentKey,
      pending: row.mirrorPendingSince,
    });
    expect(after.versions.some((v) => v.key === staged.blobKey)).toBe(false);
  });
});
