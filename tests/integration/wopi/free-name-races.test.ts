import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { CLI_FILE_ACTOR, copyDocumentTo, moveDocument, renameDocument } from '@/lib/documents/file-actions';
import { commitUnderFreeName, FREE_NAME_ATTEMPTS, freeName, uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

// Requests racing for one name each get a distinct free one ("name (n)"), never a 5xx, never an
// overwrite: the name is picked, the commit refuses it when someone else took it meanwhile, and
// the next try spreads over the free names instead of all racers queueing for the same next one.

const isDistinct = (names: string[]) => new Set(names).size === names.length;

const visibleNames = async (folder: string) =>
  (await db.document.findMany({ where: { folder, deletedAt: null }, select: { name: true } })).map((d) => d.name);

describe('WOPI RENAME_FILE racing for one name', () => {
  it('POST RENAME_FILE × 32 at once with one RequestedName → 32 × 200 with distinct names', async () => {
    const folder = uniqueFolder('rename-race');
    const user = await makeUser('editor');
    const docs = [];
    for (let i = 0; i < 32; i++) docs.push(await addDocument(folder, `doc ${i}.docx`, `bytes ${i}`, user.id));
    const tokens = await Promise.all(docs.map((doc) => tokenFor(doc.id, user.id)));

    const responses = await Promise.all(
      docs.map((doc, i) =>
        wopi.override(doc.id, 'RENAME_FILE', { token: tokens[i]!, headers: { 'X-WOPI-RequestedName': 'same0' } }),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(docs.map(() => 200));
    const names = await Promise.all(responses.map(async (r) => ((await r.json()) as { Name: string }).Name));
    expect(isDistinct(names)).toBe(true);
    for (const name of names) expect(name).toMatch(/^same0( \(\d+\))?$/);
    expect(names).toContain('same0');
    await mirrorsSettled();
    const stored = await visibleNames(folder);
    expect(stored.sort()).toEqual(names.map((name) => `${name}.docx`).sort());
  });

  it('POST RENAME_FILE × 16 at once, each locked with its own lock → 16 × 200 with distinct names', async () => {
    const folder = uniqueFolder('rename-race-locked');
    const user = await makeUser('editor');
    const docs = [];
    for (let i = 0; i < 16; i++) docs.push(await addDocument(folder, `doc ${i}.docx`, `bytes ${i}`, user.id));
    const tokens = await Promise.all(docs.map((doc) => tokenFor(doc.id, user.id)));
    for (const [i, doc] of docs.entries()) {
      const locked = await wopi.override(doc.id, 'LOCK', {
        token: tokens[i]!,
        headers: { 'X-WOPI-Lock': `lock-${i}` },
      });
      expect(locked.status).toBe(200);
    }

    const responses = await Promise.all(
      docs.map((doc, i) =>
        wopi.override(doc.id, 'RENAME_FILE', {
          token: tokens[i]!,
          headers: { 'X-WOPI-Lock': `lock-${i}`, 'X-WOPI-RequestedName': 'same0' },
        }),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(docs.map(() => 200));
    const names = await Promise.all(responses.map(async (r) => ((await r.json()) as { Name: string }).Name));
    expect(isDistinct(names)).toBe(true);
  });
});

describe('WOPI PUT_RELATIVE in suggested mode racing for one name', () => {
  it('POST PUT_RELATIVE × 12 at once with X-WOPI-SuggestedTarget: dup.docx → 12 × 200 with distinct names, each with its own bytes', async () => {
    const folder = uniqueFolder('put-relative-race');
    const user = await makeUser('editor');
    const source = await addDocument(folder, 'source.docx', 'source bytes', user.id);
    const token = await tokenFor(source.id, user.id);

    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        wopi.override(source.id, 'PUT_RELATIVE', {
          token,
          headers: { 'X-WOPI-SuggestedTarget': 'dup.docx' },
          body: `copy ${i}`,
        }),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const names = await Promise.all(responses.map(async (r) => ((await r.json()) as { Name: string }).Name));
    expect(isDistinct(names)).toBe(true);
    for (const name of names) expect(name).toMatch(/^dup( \(\d+\))?\.docx$/);
    const rows = await db.document.findMany({
      where: { folder, name: { in: names } },
      select: { name: true, size: true, extension: true },
    });
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row.extension).toBe('docx');
    // Every body landed whole in its own document (no body read twice, none lost).
    expect(rows.map((row) => Number(row.size)).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => Buffer.byteLength(`copy ${i}`)).sort(),
    );
  });
});

describe('WOPI PUT_RELATIVE suggestions that are an extension only once cleaned', () => {
  const arrange = async () => {
    const folder = uniqueFolder('suggest-clean');
    const user = await makeUser('editor');
    const source = await addDocument(folder, 'Quarterly.docx', 'source bytes', user.id);

    return { folder, source, token: await tokenFor(source.id, user.id) };
  };
  const saveAs = async (id: string, token: string, suggested: string) => {
    const response = await wopi.override(id, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-SuggestedTarget': suggested },
      body: 'saved as',
    });
    expect(response.status).toBe(200);

    return ((await response.json()) as { Name: string }).Name;
  };

  it('POST PUT_RELATIVE with X-WOPI-SuggestedTarget "+/v8-.docx" (a BOM, then .docx) → Quarterly (1).docx, extension docx', async () => {
    const { folder, source, token } = await arrange();
    const name = await saveAs(source.id, token, '+/v8-.docx');
    expect(name).toBe('Quarterly (1).docx');
    const row = await db.document.findFirst({ where: { folder, name }, select: { extension: true } });
    expect(row?.extension).toBe('docx');
  });

  it('POST PUT_RELATIVE with X-WOPI-SuggestedTarget "+IAs-.pdf" (a zero-width space, then .pdf) → Quarterly.pdf', async () => {
    const { folder, source, token } = await arrange();
    const name = await saveAs(source.id, token, '+IAs-.pdf');
    expect(name).toBe('Quarterly.pdf');
    const row = await db.document.findFirst({ where: { folder, name }, select: { extension: true } });
    expect(row?.extension).toBe('pdf');
  });

  it('POST PUT_RELATIVE with X-WOPI-SuggestedTarget "+IAs-." (dots only once cleaned) → the source\'s name, made free', async () => {
    const { source, token } = await arrange();
    expect(await saveAs(source.id, token, '+IAs-.')).toBe('Quarterly (1).docx');
  });
});

/** `count` uploads of "a.docx" into `folder` at once, each with onConflict rename and bytes of its own. */
const uploadsAtOnce = (folder: string, count: number) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      uploadDocument({
        folder,
        name: 'a.docx',
        body: Readable.from([Buffer.from(`upload ${i}`)]),
        userId: null,
        onConflict: 'rename',
        maxBytes: env.MAX_UPLOAD_BYTES,
      }),
    ),
  );

describe('portal upload with onConflict rename racing for one name', () => {
  it('16 uploads at once of a.docx with onConflict rename → 16 new documents with distinct names, none replaced', async () => {
    const folder = uniqueFolder('upload-race');
    await addDocument(folder, 'a.docx', 'first');

    const results = await uploadsAtOnce(folder, 16);

    expect(results.every((r) => !r.replaced)).toBe(true);
    expect(isDistinct(results.map((r) => r.id))).toBe(true);
    expect(isDistinct(results.map((r) => r.name))).toBe(true);
    expect((await visibleNames(folder)).length).toBe(17);
    const first = await db.document.findFirst({ where: { folder, name: 'a.docx' }, select: { size: true } });
    expect(Number(first?.size)).toBe(Buffer.byteLength('first'));
  });

  it('uploads at once of a free name with onConflict rename → one keeps the name, the others get "a (n).docx", none replaced', async () => {
    const folder = uniqueFolder('upload-race-free');

    const results = await uploadsAtOnce(folder, 8);

    expect(results.every((r) => !r.replaced)).toBe(true);
    expect(isDistinct(results.map((r) => r.name))).toBe(true);
    expect(results.map((r) => r.name)).toContain('a.docx');
  });
});

describe('portal upload with onConflict replace racing to create one name', () => {
  it('8 uploads at once of a new name with onConflict replace → one creates it, the others each add a version; none refused', async () => {
    const folder = uniqueFolder('upload-replace-race');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        uploadDocument({
          folder,
          name: 'new.docx',
          body: Readable.from([Buffer.from(`replace ${i}`)]),
          userId: null,
          onConflict: 'replace',
          maxBytes: env.MAX_UPLOAD_BYTES,
        }),
      ),
    );
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.filter((result) => !result.replaced)).toHaveLength(1);
    const doc = await db.document.findFirstOrThrow({ where: { folder, name: 'new.docx' }, select: { version: true } });
    expect(doc.version).toBe(8);
  });
});

describe('commitUnderFreeName', () => {
  it(`a name taken at every commit → ${FREE_NAME_ATTEMPTS} tries under distinct names, then the last refusal`, async () => {
    const folder = uniqueFolder('free-name-exhausted');
    await addDocument(folder, 'x.docx');
    const tried: string[] = [];

    const { outcome } = await commitUnderFreeName({
      folder,
      name: 'x.docx',
      commit: (name) => {
        tried.push(name);

        return Promise.resolve({ ok: false as const, reason: 'exists' as const });
      },
      isTaken: (result) => !result.ok,
    });

    expect(outcome).toEqual({ ok: false, reason: 'exists' });
    expect(tried).toHaveLength(FREE_NAME_ATTEMPTS);
    expect(isDistinct(tried)).toBe(true);
    expect(tried[0]).toBe('x (1).docx');
    // The last one leaves the (n < 1000) sequence for a random n.
    expect(Number(/\((\d+)\)\.docx$/.exec(tried.at(-1)!)?.[1])).toBeGreaterThanOrEqual(1000);
  });

  it('the first try uses `first` when given (a name whose only holder may be replaced)', async () => {
    const folder = uniqueFolder('free-name-first');
    await addDocument(folder, 'x.docx');
    const { name } = await commitUnderFreeName({
      folder,
      name: 'x.docx',
      first: 'x.docx',
      commit: () => Promise.resolve({ ok: true as const }),
      isTaken: () => false,
    });
    expect(name).toBe('x.docx');
  });

  it('freeName asked to skip more free names than the first 1,000 hold → the last free one, not a 409', async () => {
    const folder = uniqueFolder('free-name-skip');
    await addDocument(folder, 'x.docx');
    expect(await freeName(folder, 'x.docx', { skip: 5000 })).toBe('x (999).docx');
  });
});

describe('portal and CLI rename, move and copy with onConflict rename racing for one name', () => {
  const actor = CLI_FILE_ACTOR;

  it('16 renames at once to one name with onConflict rename → 16 distinct names', async () => {
    const folder = uniqueFolder('portal-rename-race');
    const docs = [];
    for (let i = 0; i < 16; i++) docs.push(await addDocument(folder, `doc ${i}.docx`));
    const results = await Promise.all(
      docs.map((doc) => renameDocument({ id: doc.id, name: 'same.docx', actor, onConflict: 'rename' })),
    );
    expect(isDistinct(results.map((r) => r.name))).toBe(true);
    for (const { name } of results) expect(name).toMatch(/^same( \(\d+\))?\.docx$/);
  });

  it('16 moves at once of documents named alike into one folder with onConflict rename → 16 distinct names there', async () => {
    const to = uniqueFolder('portal-move-race');
    await addDocument(to, 'm.docx');
    const docs = [];
    for (let i = 0; i < 16; i++) docs.push(await addDocument(`${to}-from-${i}`, 'm.docx'));
    const results = await Promise.all(
      docs.map((doc) => moveDocument({ id: doc.id, folder: to, actor, onConflict: 'rename' })),
    );
    expect(isDistinct(results.map((r) => r.name))).toBe(true);
    expect((await visibleNames(to)).length).toBe(17);
  });

  it('16 copies at once into one folder with onConflict rename → 16 new documents with distinct names', async () => {
    const folder = uniqueFolder('portal-copy-race');
    const source = await addDocument(folder, 'c.docx');
    const results = await Promise.all(
      Array.from({ length: 16 }, () => copyDocumentTo({ id: source.id, folder, actor, onConflict: 'rename' })),
    );
    expect(isDistinct(results.map((r) => r.id))).toBe(true);
    expect(isDistinct(results.map((r) => r.name))).toBe(true);
    expect((await visibleNames(folder)).length).toBe(17);
  });
});
