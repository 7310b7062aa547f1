import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { fetchSearch, insertDocument, search, uniqueTag } from './fixtures';

let editor: PublicUser;
let editorCookie: string;
let viewerCookie: string;

beforeAll(async () => {
  editor = await makeUser('editor');
  editorCookie = await sessionCookie(editor);
  viewerCookie = await sessionCookie(await makeUser('viewer'));
});

const names = (body: { results: { name: string }[] }) => body.results.map((result) => result.name);

describe('GET /api/documents/search: who may search', () => {
  it('GET /api/documents/search without a session → 401', async () => {
    const response = await fetchSearch({ q: 'anything' });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
  });

  it('GET /api/documents/search?q= as viewer → 200 with matches from every folder, their folder, no-store', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `Plan ${tag}.docx`, folder: `${tag}-a/Deep/Er` });
    await insertDocument({ name: `${tag} budget.xlsx`, folder: '' });
    await insertDocument({ name: `Other.docx`, folder: `${tag}-b` });
    const response = await fetchSearch({ q: tag }, viewerCookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Awaited<ReturnType<typeof search>>;
    expect(body.total).toBe(2);
    expect(body.isTotalCapped).toBe(false);
    expect(body.results.map((result) => [result.name, result.folder]).sort()).toEqual([
      [`Plan ${tag}.docx`, `${tag}-a/Deep/Er`],
      [`${tag} budget.xlsx`, ''],
    ]);
    expect(body.results[0]).toMatchObject({ size: 1234, version: 1, extension: expect.any(String) });
  });
});

describe('GET /api/documents/search: matching', () => {
  it('GET /api/documents/search?q= → substring, case- and accent-insensitive', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `Résumé ÉTÉ ${tag}.odt` });
    await insertDocument({ name: `Straße ${tag}.txt` });
    await insertDocument({ name: `resume-ete ${tag}.txt` });
    expect(names(await search({ q: `resume ete ${tag}` }, editorCookie))).toEqual([`Résumé ÉTÉ ${tag}.odt`]);
    expect(names(await search({ q: `RÉSUMÉ été ${tag}` }, editorCookie))).toEqual([`Résumé ÉTÉ ${tag}.odt`]);
    expect(names(await search({ q: `SUMÉ ete ${tag.toUpperCase()}` }, editorCookie))).toEqual([
      `Résumé ÉTÉ ${tag}.odt`,
    ]);
    expect(names(await search({ q: `strasse ${tag}` }, editorCookie))).toEqual([`Straße ${tag}.txt`]);
    expect(names(await search({ q: `nothing-like-${tag}` }, editorCookie))).toEqual([]);
  });

  it('GET /api/documents/search?q=100% and ?q=a_b → LIKE wildcards match only themselves', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} 100% done.txt` });
    await insertDocument({ name: `${tag} 1000 done.txt` });
    await insertDocument({ name: `${tag} a_b.txt` });
    await insertDocument({ name: `${tag} axb.txt` });
    await insertDocument({ name: `${tag} c\\d.txt` });
    await insertDocument({ name: `${tag} cd.txt` });
    expect(names(await search({ q: `${tag} 100%` }, editorCookie))).toEqual([`${tag} 100% done.txt`]);
    expect(names(await search({ q: `${tag} a_b` }, editorCookie))).toEqual([`${tag} a_b.txt`]);
    expect(names(await search({ q: `${tag} c\\d` }, editorCookie))).toEqual([`${tag} c\\d.txt`]);
    expect(names(await search({ q: `%${tag}` }, editorCookie))).toEqual([]);
  });

  it('GET /api/documents/search?q= → an upload is found at once, and a renamed document by its new name only', async () => {
    const tag = uniqueTag();
    const uploaded = await addDocument(uniqueFolder('search'), `Draft ${tag}.docx`, 'draft');
    expect(names(await search({ q: `draft ${tag}` }, editorCookie))).toEqual([`Draft ${tag}.docx`]);
    await sql('UPDATE "Document" SET name = $1 WHERE id = $2::uuid', [`Final ${tag}.docx`, uploaded.id]);
    expect(names(await search({ q: `draft ${tag}` }, editorCookie))).toEqual([]);
    expect(names(await search({ q: `FINAL ${tag}` }, editorCookie))).toEqual([`Final ${tag}.docx`]);
  });

  it('GET /api/documents/search?q= → deleted and missing documents are left out', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} kept.txt` });
    await insertDocument({ name: `${tag} deleted.txt`, isDeleted: true });
    await insertDocument({ name: `${tag} missing.txt`, isMissing: true });
    const body = await search({ q: tag }, editorCookie);
    expect(names(body)).toEqual([`${tag} kept.txt`]);
    expect(body.total).toBe(1);
  });

  it('GET /api/documents/search?q= → exact name first, then names starting with it, then the closest', async () => {
    const tag = uniqueTag();
    const now = Date.now();
    // The newest are the weakest matches: relevance, not date, orders them.
    await insertDocument({ name: `old notes about ${tag} and much more text.txt`, lastModifiedAt: new Date(now) });
    await insertDocument({ name: `x ${tag}.txt`, lastModifiedAt: new Date(now - 1000) });
    await insertDocument({ name: `${tag} report.txt`, lastModifiedAt: new Date(now - 2000) });
    await insertDocument({ name: `${tag}`, lastModifiedAt: new Date(now - 3000) });
    expect(names(await search({ q: tag }, editorCookie))).toEqual([
      tag,
      `${tag} report.txt`,
      `x ${tag}.txt`,
      `old notes about ${tag} and much more text.txt`,
    ]);
    expect(names(await search({ q: tag, sort: 'modified' }, editorCookie))).toEqual([
      `old notes about ${tag} and much more text.txt`,
      `x ${tag}.txt`,
      `${tag} report.txt`,
      tag,
    ]);
  });

  it('GET /api/documents/search?q= → among other matches, the query as a whole word beats a part of a longer word', async () => {
    const tag = uniqueTag();
    // The second name is shorter, and newer: only similarity puts the first one ahead.
    await insertDocument({ name: `a ${tag} b.txt`, lastModifiedAt: new Date(Date.now() - 60_000) });
    await insertDocument({ name: `ab${tag}b.txt` });
    expect(names(await search({ q: tag }, editorCookie))).toEqual([`a ${tag} b.txt`, `ab${tag}b.txt`]);
  });
});

describe('GET /api/documents/search: filters', () => {
  it('GET /api/documents/search?type=<kind> and ?type=<extension> → only those extensions', async () => {
    const tag = uniqueTag();
    for (const extension of ['docx', 'odt', 'xlsx', 'pptx', 'pdf', 'png', 'txt'])
      await insertDocument({ name: `${tag}.${extension}` });
    await insertDocument({ name: `${tag} UPPER.PDF` });
    const sorted = async (type: string) => names(await search({ q: tag, type }, editorCookie)).sort();
    expect(await sorted('documents')).toEqual([`${tag}.docx`, `${tag}.odt`]);
    expect(await sorted('spreadsheets')).toEqual([`${tag}.xlsx`]);
    expect(await sorted('presentations')).toEqual([`${tag}.pptx`]);
    expect(await sorted('pdfs')).toEqual([`${tag} UPPER.PDF`, `${tag}.pdf`]);
    expect(await sorted('images')).toEqual([`${tag}.png`]);
    expect(await sorted('.TXT')).toEqual([`${tag}.txt`]);
    expect(await sorted('odt')).toEqual([`${tag}.odt`]);
  });

  it('GET /api/documents/search?modifiedBy=<user id> → documents that user modified last', async () => {
    const tag = uniqueTag();
    const other = await makeUser('editor');
    await insertDocument({ name: `${tag} mine.txt`, lastModifiedById: editor.id });
    await insertDocument({ name: `${tag} theirs.txt`, lastModifiedById: other.id });
    await insertDocument({ name: `${tag} outside.txt` });
    const body = await search({ q: tag, modifiedBy: editor.id }, editorCookie);
    expect(names(body)).toEqual([`${tag} mine.txt`]);
    expect(body.results[0]!.lastModifiedBy).toBe(editor.name);
    // Without a name: every document of that user (other tests' too), this one among them.
    const byUserOnly = await search({ modifiedBy: other.id }, editorCookie);
    expect(names(byUserOnly)).toEqual([`${tag} theirs.txt`]);
  });

  it('GET /api/documents/search?from=&to=&tz= → calendar days in that time zone, both included', async () => {
    const tag = uniqueTag();
    // 23:30 UTC on 10 March is already 11 March in Berlin (UTC+1).
    await insertDocument({ name: `${tag} late.txt`, lastModifiedAt: new Date('2026-03-10T23:30:00Z') });
    await insertDocument({ name: `${tag} noon.txt`, lastModifiedAt: new Date('2026-03-10T12:00:00Z') });
    await insertDocument({ name: `${tag} next.txt`, lastModifiedAt: new Date('2026-03-12T00:30:00Z') });
    const inZone = async (tz: string, from: string, to: string) =>
      names(await search({ q: tag, tz, from, to, sort: 'modified' }, editorCookie));
    expect(await inZone('UTC', '2026-03-10', '2026-03-10')).toEqual([`${tag} late.txt`, `${tag} noon.txt`]);
    expect(await inZone('Europe/Berlin', '2026-03-11', '2026-03-11')).toEqual([`${tag} late.txt`]);
    expect(await inZone('Europe/Berlin', '2026-03-11', '2026-03-12')).toEqual([`${tag} next.txt`, `${tag} late.txt`]);
    expect(names(await search({ q: tag, from: '2026-03-11', sort: 'modified' }, editorCookie))).toEqual([
      `${tag} next.txt`,
    ]);
    expect(names(await search({ q: tag, to: '2026-03-10', sort: 'modified' }, editorCookie))).toEqual([
      `${tag} late.txt`,
      `${tag} noon.txt`,
    ]);
  });

  it('GET /api/documents/search?tz= missing → the tz cookie (the browser zone) counts', async () => {
    const tag = uniqueTag();
    await insertDocument({ name: `${tag} late.txt`, lastModifiedAt: new Date('2026-03-10T23:30:00Z') });
    const response = await fetchSearch({ q: tag, from: '2026-03-11' }, `${editorCookie}; tz=Europe%2FBerlin`);
    expect(names((await response.json()) as { results: { name: string }[] })).toEqual([`${tag} late.txt`]);
  });
});

describe('GET /api/documents/search: pages', () => {
  it('GET /api/documents/search?page=2 → the next 50; past 1000 matches the total is capped', async () => {
    const tag = uniqueTag();
    await sql(
      `INSERT INTO "Document" (id, key, "contentKey", name, folder, extension, size, "lastModifiedAt", "updatedAt")
       SELECT gen_random_uuid(), $1 || '/' || n || '.txt', $1 || '/' || n || '.txt', $1 || ' ' || lpad(n::text, 4, '0') || '.txt',
              $1, 'txt', 1, now() - n * interval '1 second', now()
         FROM generate_series(1, 1001) n`,
      [tag],
    );
    const first = await search({ q: tag, sort: 'modified' }, editorCookie);
    expect(first).toMatchObject({ total: 1000, isTotalCapped: true, page: 1, pageSize: 50, pageCount: 20 });
    expect(first.results).toHaveLength(50);
    expect(first.results[0]!.name).toBe(`${tag} 0001.txt`);
    const second = await search({ q: tag, sort: 'modified', page: '2' }, editorCookie);
    expect(second.results[0]!.name).toBe(`${tag} 0051.txt`);
    const last = await search({ q: tag, sort: 'modified', page: '20' }, editorCookie);
    expect(last.results.at(-1)!.name).toBe(`${tag} 1000.txt`);
    const few = await search({ q: `${tag} 000` }, editorCookie);
    expect(few).toMatchObject({ total: 9, isTotalCapped: false, pageCount: 1 });
  });
});

describe('GET /api/documents/search: bad input → 400 invalid_search', () => {
  it.each([
    ['', 'Give a name to search for (q) or a filter.'],
    ['q=%20%20', 'Give a name to search for (q) or a filter.'],
    [`q=${'x'.repeat(201)}`, 'Search: at most 200 characters.'],
    ['q=a&type=spread sheets', 'Type: a kind'],
    ['q=a&modifiedBy=ann', 'Modified by: a user id.'],
    ['q=a&from=2026-02-30', 'From: use a date as YYYY-MM-DD.'],
    ['q=a&to=yesterday', 'To: use a date as YYYY-MM-DD.'],
    ['q=a&from=2026-03-02&to=2026-03-01', 'The start date is after the end date.'],
    ['q=a&sort=size', 'Sort: relevance or modified.'],
    ['q=a&page=0', 'Page: a number from 1 to 20'],
    ['q=a&page=21', 'Page: a number from 1 to 20'],
    ['q=a&page=two', 'Page: a number from 1 to 20'],
  ])('GET /api/documents/search?%s → 400', async (query, message) => {
    const response = await fetchSearch(query, editorCookie);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_search');
    expect(error.message).toContain(message);
  });
});
