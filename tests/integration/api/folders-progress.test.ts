import { beforeAll, describe, expect, it } from 'vitest';
import { db, sql } from '@/lib/db';
import { claimFolders } from '@/lib/documents/folder-lease';
import { makeFolder, reconcileTree } from '@/lib/documents/folder-tree';
import { env } from '@/lib/env';
import { documentKey } from '@/lib/storage/keys';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { holdLock } from '../../support/files-api';
import { streamCall } from '../../support/portal-stream';
import { makeUser, sessionCookie } from '../../support/session';

// POST /api/folders/{move,copy,delete,rename} with Accept: application/x-ndjson stream progress
// events over real HTTP, then the result; refusals before any work stay JSON statuses; the work
// does not depend on the client staying connected.

const cookies = { editor: '', viewer: '' };
const NDJSON: Record<string, string> = { accept: 'application/x-ndjson' };

beforeAll(async () => {
  const [editor, viewer] = await Promise.all([makeUser('editor'), makeUser('viewer')]);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

type Event =
  | { type: 'progress'; done: number; total: number }
  | { type: 'result'; result: { path: string; documents: number; skipped: unknown[]; batchId?: string } }
  | { type: 'error'; error: { code: string; message: string } };

const eventsOf = (body: string) =>
  body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);

/** A folder of `count` documents put into the bucket (as another tool would) and taken in. */
const seedFolder = async (count: number, label = 'big') => {
  const folder = uniqueFolder(label);
  for (let start = 0; start < count; start += 50) {
    const names = Array.from({ length: Math.min(50, count - start) }, (_, i) => `doc ${start + i}.txt`);
    await Promise.all(
      names.map((name, i) => putExternalObject(documentKey({ folder: i % 2 ? `${folder}/sub` : folder, name }), name)),
    );
  }
  await reconcileTree(folder);
  expect(await visibleUnder(folder)).toBe(count);

  return folder;
};

const visibleUnder = async (folder: string) => {
  const { rows } = await sql<{ count: string }>(
    `SELECT count(*) AS count FROM "Document"
      WHERE (folder = $1 OR folder LIKE $1 || '/%') AND "deletedAt" IS NULL AND "missingSince" IS NULL
        AND key LIKE $2 || '%'`,
    [folder, env.S3_PREFIX],
  );

  return Number(rows[0]!.count);
};

const post = (path: string, body: unknown, { cookie = cookies.editor, headers = NDJSON } = {}) =>
  streamCall(path, { method: 'POST', cookie, body, headers });

describe('POST /api/folders/* with Accept: application/x-ndjson', () => {
  it('POST /api/folders/move (300 documents) → 200 NDJSON: progress 0 of 300 first, throttled, 300 of 300, then the result', async () => {
    const from = await seedFolder(300);
    const to = uniqueFolder('into');
    await makeFolder(to);
    const startedAt = Date.now();
    const response = await post('/api/folders/move', { path: from, to });
    const elapsed = Date.now() - startedAt;
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const events = eventsOf(response.body);
    expect(events[0]).toEqual({ type: 'progress', done: 0, total: 300 });
    expect(events.at(-2)).toEqual({ type: 'progress', done: 300, total: 300 });
    expect(events.at(-1)).toEqual({
      type: 'result',
      result: { path: `${to}/${from}`, documents: 300, skipped: [] },
    });
    const dones = events.flatMap((event) => (event.type === 'progress' ? [event.done] : []));
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    // At most one event per 100 ms, plus the first and the last.
    expect(dones.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(await visibleUnder(from)).toBe(0);
    expect(await visibleUnder(`${to}/${from}`)).toBe(300);
  });

  it('POST /api/folders/move, client disconnects after the first event → the folder still ends fully moved, audited once', async () => {
    const other = await seedFolder(150, 'closed-tab');
    const to = uniqueFolder('into');
    await makeFolder(to);
    const early = await streamCall('/api/folders/move', {
      method: 'POST',
      cookie: cookies.editor,
      body: { path: other, to },
      headers: NDJSON,
      onChunk: () => 'close',
    });
    expect(early.status).toBe(200);
    expect(early.closedEarly).toBe(true);
    expect(eventsOf(early.body)[0]).toEqual({ type: 'progress', done: 0, total: 150 });
    await expect.poll(() => visibleUnder(`${to}/${other}`), { timeout: 45_000, interval: 250 }).toBe(150);
    expect(await visibleUnder(other)).toBe(0);
    await expect
      .poll(
        () =>
          db.auditEvent.count({
            where: { action: 'folder.move', details: { path: ['from'], equals: other } },
          }),
        { timeout: 10_000 },
      )
      .toBe(1);
  });

  it('POST /api/folders/copy, /delete and /rename stream the same shape; their results as in plain JSON', async () => {
    const from = await seedFolder(6, 'shape');
    const copied = eventsOf((await post('/api/folders/copy', { path: from, to: '', name: `${from} copy` })).body);
    expect(copied[0]).toEqual({ type: 'progress', done: 0, total: 6 });
    expect(copied.at(-1)).toEqual({ type: 'result', result: { path: `${from} copy`, documents: 6, skipped: [] } });
    const renamed = eventsOf((await post('/api/folders/rename', { path: `${from} copy`, name: `${from} b` })).body);
    expect(renamed.at(-1)).toEqual({ type: 'result', result: { path: `${from} b`, documents: 6, skipped: [] } });
    const deleted = eventsOf((await post('/api/folders/delete', { path: `${from} b` })).body);
    expect(deleted[0]).toEqual({ type: 'progress', done: 0, total: 6 });
    expect(deleted.at(-1)).toMatchObject({
      type: 'result',
      result: { path: `${from} b`, documents: 6, batchId: expect.any(String) },
    });
    expect(await visibleUnder(`${from} b`)).toBe(0);
    expect(await visibleUnder(from)).toBe(6);
  });

  it('POST /api/folders/move without Accept: application/x-ndjson → the plain JSON answer, as before', async () => {
    const from = await seedFolder(3, 'plain');
    const to = uniqueFolder('into');
    await makeFolder(to);
    const response = await post('/api/folders/move', { path: from, to }, { headers: {} });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(JSON.parse(response.body)).toEqual({ path: `${to}/${from}`, documents: 3, skipped: [] });
  });

  it('refusals before any work stay JSON statuses with Accept: application/x-ndjson: viewer 403, locked 409, taken 409, busy 409, bad input 400, unknown folder or destination 404', async () => {
    const from = await seedFolder(2, 'refused');
    const expectJsonError = (response: Awaited<ReturnType<typeof post>>, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toContain('application/json');
      expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toBe(code);
    };
    expectJsonError(
      await post('/api/folders/move', { path: from, to: 'x' }, { cookie: cookies.viewer }),
      403,
      'forbidden',
    );
    expectJsonError(await post('/api/folders/delete', { path: from }, { cookie: cookies.viewer }), 403, 'forbidden');
    expectJsonError(await post('/api/folders/move', { to: 'x' }), 400, 'invalid_request');
    expectJsonError(await post('/api/folders/move', { path: from, to: `${from}/sub` }), 400, 'invalid_destination');
    expectJsonError(await post('/api/folders/move', { path: uniqueFolder('none'), to: '' }), 404, 'not_found');
    const taken = uniqueFolder('taken');
    await addDocument(taken, 'x.docx');
    expectJsonError(await post('/api/folders/rename', { path: from, name: taken }), 409, 'name_conflict');
    const locked = await addDocument(from, 'open.docx');
    await holdLock(locked.id);
    expectJsonError(await post('/api/folders/delete', { path: from }), 409, 'locked');
    await db.lock.delete({ where: { documentId: locked.id } });
    const lease = await claimFolders([from], 'test');
    try {
      expectJsonError(await post('/api/folders/delete', { path: from }), 409, 'folder_busy');
    } finally {
      await lease.release();
    }
    expectJsonError(await post('/api/folders/move', { path: from, to: uniqueFolder('nowhere') }), 404, 'not_found');
    expect(await visibleUnder(from)).toBe(3);
  });
});
