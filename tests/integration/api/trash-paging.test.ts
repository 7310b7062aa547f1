import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { filesApi } from '../../support/files-api';
import { makeUser, sessionCookie } from '../../support/session';

// GET /api/trash pages the trash newest first with an opaque keyset cursor.
// Other test files add to the same trash meanwhile, so each test follows its own entries only.

const cookies = { admin: '', editor: '', viewer: '' };
let editor: PublicUser;

beforeAll(async () => {
  const [admin, e, viewer] = await Promise.all([makeUser('admin'), makeUser('editor'), makeUser('viewer')]);
  editor = e;
  cookies.admin = await sessionCookie(admin);
  cookies.editor = await sessionCookie(editor);
  cookies.viewer = await sessionCookie(viewer);
});

type Entry = { kind: string; id: string; name: string; deletedAt: string; documents: number };
type Page = { entries: Entry[]; nextCursor: string | null; total: number };

const getPage = async (query: string, cookie = cookies.viewer) => {
  const response = await filesApi.listTrash({ cookie, query });

  return { status: response.status, body: (await response.json()) as Page & { error?: { code: string } } };
};

const deletedDocument = async (folder: string, name: string) => {
  const doc = await addDocument(folder, name, name);
  expect((await filesApi.deleteDocument(doc.id, { cookie: cookies.editor })).status).toBe(200);

  return doc.id;
};

const deletedFolder = async () => {
  const root = uniqueFolder('paged-folder');
  await addDocument(root, 'a.docx', 'A');
  await addDocument(`${root}/sub`, 'b.docx', 'B');
  const response = await filesApi.deleteFolder({ cookie: cookies.editor, body: { path: root } });
  expect(response.status).toBe(200);

  return ((await response.json()) as { batchId: string }).batchId;
};

/** Follows nextCursor with `limit` until `stopAt` was seen; `between` runs after each page. */
const pageThrough = async (limit: number, stopAt: string, between?: (page: number) => Promise<void>) => {
  const seen: Entry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page++) {
    const { status, body } = await getPage(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(status).toBe(200);
    expect(body.entries.length).toBeLessThanOrEqual(limit);
    seen.push(...body.entries);
    if (seen.some((entry) => entry.id === stopAt) || !body.nextCursor) return seen;
    expect(body.entries).toHaveLength(limit);
    cursor = body.nextCursor;
    await between?.(page);
  }
  throw new Error('paged 500 times without reaching the oldest entry of this test');
};

const isNewestFirst = (entries: Entry[]) =>
  entries.every((entry, index) => {
    const next = entries[index + 1];
    if (!next) return true;
    const [a, b] = [Date.parse(entry.deletedAt), Date.parse(next.deletedAt)];

    return a > b || (a === b && entry.id > next.id);
  });

describe('GET /api/trash (pages)', () => {
  it('GET /api/trash?limit=2 → 2 entries and a nextCursor; following it lists documents and folders each once, newest first, to the last page', async () => {
    const folder = uniqueFolder('paged');
    const oldest = await deletedDocument(folder, 'one.docx');
    const batch = await deletedFolder();
    const mine = [
      oldest,
      batch,
      await deletedDocument(folder, 'two.docx'),
      await deletedDocument(folder, 'three.docx'),
    ];
    mine.push(await deletedDocument(folder, 'four.docx'));

    const first = await getPage('?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.body.total).toBeGreaterThanOrEqual(mine.length);

    const seen = await pageThrough(2, oldest);
    expect(new Set(seen.map((entry) => entry.id)).size).toBe(seen.length);
    expect(isNewestFirst(seen)).toBe(true);
    const ours = seen.filter((entry) => mine.includes(entry.id));
    expect(ours.map((entry) => entry.id)).toEqual([...mine].reverse());
    expect(ours.find((entry) => entry.id === batch)).toMatchObject({ kind: 'folder', documents: 2 });
  });

  it('GET /api/trash?cursor=… after deletes and a restore between page loads → no entry twice, none skipped; the new ones are on a fresh first page', async () => {
    const folder = uniqueFolder('moving');
    const mine: string[] = [];
    for (const name of ['a.docx', 'b.docx', 'c.docx']) mine.push(await deletedDocument(folder, name));
    mine.push(await deletedFolder());
    for (const name of ['d.docx', 'e.docx', 'f.docx']) mine.push(await deletedDocument(folder, name));
    // Newest first: f, e, d, folder, c, b, a. Restore "b" (not shown yet) after the first page.
    const restored = mine[1]!;
    const added: string[] = [];
    const seen = await pageThrough(2, mine[0]!, async (page) => {
      added.push(await deletedDocument(folder, `new-${page}.docx`));
      if (page === 0) expect((await filesApi.restore(restored, { cookie: cookies.editor })).status).toBe(200);
    });
    const ids = seen.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => mine.includes(id))).toEqual([...mine].reverse().filter((id) => id !== restored));
    expect(ids.some((id) => added.includes(id))).toBe(false);
    const fresh = (await getPage('?limit=200')).body.entries.map((entry) => entry.id);
    for (const id of added) expect(fresh).toContain(id);
  });

  it('GET /api/trash?cursor=(before every entry) → 200, no entries, nextCursor null; ?cursor=(after the newest) → the first page', async () => {
    const at = (iso: string) =>
      Buffer.from(JSON.stringify([iso, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    const beyond = await getPage(`?cursor=${at('1970-01-01T00:00:00.000Z')}`);
    expect(beyond.status).toBe(200);
    expect(beyond.body).toMatchObject({ entries: [], nextCursor: null });
    const id = await deletedDocument(uniqueFolder('future'), 'now.docx');
    const future = await getPage(`?limit=200&cursor=${at('2999-01-01T00:00:00.000Z')}`);
    expect(future.status).toBe(200);
    expect(future.body.entries.some((entry) => entry.id === id)).toBe(true);
  });

  it.each([
    ['not base64', '%25%25%25'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON object', Buffer.from('{"at":1}').toString('base64url')],
    [
      'a date that is not one',
      Buffer.from('["yesterday","00000000-0000-4000-8000-000000000000"]').toString('base64url'),
    ],
    ['an id that is not a uuid', Buffer.from('["2026-11-30T10:00:00.000Z","1; DROP TABLE x"]').toString('base64url')],
    ['too long', 'A'.repeat(300)],
    ['empty', ''],
  ])('GET /api/trash?cursor=(%s) → 400 invalid_cursor', async (_label, cursor) => {
    const { status, body } = await getPage(`?cursor=${cursor}`);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_cursor');
  });

  it.each(['0', '201', 'abc', '1.5', '-3', ''])('GET /api/trash?limit=%s → 400 invalid_limit', async (limit) => {
    const { status, body } = await getPage(`?limit=${limit}`);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_limit');
  });

  it('GET /api/trash?limit=200 as viewer → 200; signed out → 401', async () => {
    expect((await getPage('?limit=200', cookies.viewer)).status).toBe(200);
    expect((await filesApi.listTrash({ query: '?limit=2' })).status).toBe(401);
  });

  it('POST /api/trash/:id/restore on an entry past the first page: viewer → 403 and it stays; editor → 200', async () => {
    const id = await deletedDocument(uniqueFolder('later'), 'later.docx');
    await deletedDocument(uniqueFolder('later'), 'newer-1.docx');
    await deletedDocument(uniqueFolder('later'), 'newer-2.docx');
    expect((await getPage('?limit=2')).body.entries.some((entry) => entry.id === id)).toBe(false);
    expect((await filesApi.restore(id, { cookie: cookies.viewer })).status).toBe(403);
    expect((await pageThrough(200, id)).some((entry) => entry.id === id)).toBe(true);
    expect((await filesApi.restore(id, { cookie: cookies.editor })).status).toBe(200);
    expect((await pageThrough(200, id)).some((entry) => entry.id === id)).toBe(false);
  });
});
