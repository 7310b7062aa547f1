import { Readable } from 'node:stream';
import utf7 from 'utf7';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { reconcileFolder } from '@/lib/documents/reconcile';
import { restoreDocument } from '@/lib/documents/trash';
import { listVersions } from '@/lib/documents/versions';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { encodeUtf7Name } from '@/lib/wopi/utf7';
import { downloadContent } from '../../support/files-api';
import { putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { encodeLikeGlibc } from '../../support/utf7-editors';
import { bytesOf, tokenFor, wopi } from '../../support/wopi';

// Every legal name through every operation, for documents the portal made and for objects
// another tool put into the bucket, on the S3 endpoint the environment names (embedded s3rver
// by default: its CopyObject decoded the copy source with decodeURI, patches/s3rver+3.7.1.patch).

const NAMES = [
  'R&D plan.docx',
  'Issue #42.docx',
  'C++ notes.docx',
  'a,b=c@d$e;f.docx',
  '100% sure.docx',
  "It's (final) [v2] {x} ~!.docx",
  'Résumé – été ✓ €.docx',
  '報告書 2024.docx',
  'Tiếng Việt.docx',
  'Հաշիվ.docx',
  'ქართული.docx',
  'تقرير.docx',
  'דוח.docx',
  '∑ ≤ ∞.docx',
  'emoji 😀.docx',
];

const lock = { 'X-WOPI-Lock': 'names-lock' };

const exercise = async ({ id, name, folder, userId }: { id: string; name: string; folder: string; userId: string }) => {
  const token = await tokenFor(id, userId);
  const info = (await (await wopi.checkFileInfo(id, { token })).json()) as { BaseFileName: string; Version: string };
  expect(info.BaseFileName).toBe(name);
  const original = await bytesOf(await wopi.getFile(id, { token }));
  expect((await wopi.override(id, 'LOCK', { token, headers: lock })).status).toBe(200);
  expect((await wopi.override(id, 'REFRESH_LOCK', { token, headers: lock })).status).toBe(200);
  expect((await wopi.override(id, 'GET_LOCK', { token })).headers.get('X-WOPI-Lock')).toBe('names-lock');
  const put = await wopi.putFile(id, { token, headers: lock, body: `saved ${name}` });
  expect(put.status).toBe(200);
  // The previous version is kept, with its bytes.
  const versions = await listVersions(id);
  expect(versions.map((v) => v.version)).toEqual([Number(info.Version) + 1, Number(info.Version)]);
  expect((await bytesOf(await wopi.getFile(id, { token }))).toString()).toBe(`saved ${name}`);
  await mirrorsSettled(); // the visible object follows the commit in the background
  expect((await headObject(documentKey({ folder, name })))?.size).toBe(Buffer.byteLength(`saved ${name}`));

  // Save As next to it, with the name in UTF-7 as every editor sends it.
  const copyName = `copy of ${name}`;
  const saved = await wopi.override(id, 'PUT_RELATIVE', {
    token,
    headers: { 'X-WOPI-RelativeTarget': encodeUtf7Name(copyName) },
    body: 'copy bytes',
  });
  expect(saved.status).toBe(200);
  expect(((await saved.json()) as { Name: string }).Name).toBe(copyName);

  // Rename (without the extension, as the spec sends it) and back.
  const renamed = await wopi.override(id, 'RENAME_FILE', {
    token,
    headers: { ...lock, 'X-WOPI-RequestedName': encodeUtf7Name(`renamed ${name.replace(/\.docx$/, '')}`) },
  });
  expect(renamed.status).toBe(200);
  expect(((await renamed.json()) as { Name: string }).Name).toBe(`renamed ${name.replace(/\.docx$/, '')}`);
  expect(await headObject(documentKey({ folder, name }))).toBeNull();

  expect((await wopi.override(id, 'UNLOCK', { token, headers: lock })).status).toBe(200);
  const download = await downloadContent(id);
  expect(download.headers.get('Content-Disposition')).toContain(encodeURIComponent(`renamed ${name}`));
  expect(Buffer.from(await download.arrayBuffer()).toString()).toBe(`saved ${name}`);

  expect((await wopi.override(id, 'DELETE', { token })).status).toBe(200);
  expect((await wopi.checkFileInfo(id, { token })).status).toBe(404);
  const restored = await restoreDocument(id);
  expect(restored.name).toBe(`renamed ${name}`);
  expect((await bytesOf(await wopi.getFile(id, { token }))).toString()).toBe(`saved ${name}`);
  expect(original.length).toBeGreaterThan(0);
};

describe('every legal name through every operation', () => {
  for (const name of NAMES) {
    it(`portal document "${name}": upload, CheckFileInfo, GetFile, lock family, PutFile (previous kept), PUT_RELATIVE, RENAME_FILE, download, DELETE, restore`, async () => {
      const user = await makeUser('editor');
      const folder = uniqueFolder('names');
      const uploaded = await uploadDocument({
        folder,
        name,
        body: Readable.from([Buffer.from(`first ${name}`)]),
        userId: user.id,
        onConflict: 'fail',
        maxBytes: env.MAX_UPLOAD_BYTES,
      });
      await exercise({ id: uploaded.id, name, folder, userId: user.id });
    });

    it(`object another tool put in the bucket as "${name}": the same operations`, async () => {
      const user = await makeUser('editor');
      const folder = uniqueFolder('ext-names');
      await putExternalObject(documentKey({ folder, name }), `external ${name}`);
      await reconcileFolder(folder, { force: true });
      const row = await db.document.findFirstOrThrow({ where: { folder, name } });
      await exercise({ id: row.id, name, folder, userId: user.id });
    });
  }
});

describe('one name-length rule (UTF-8 bytes per key segment), never a 5xx or a half-written object', () => {
  const setup = async () => {
    const user = await makeUser('editor');
    const folder = uniqueFolder('long');
    const doc = await uploadDocument({
      folder,
      name: 'Short.docx',
      body: Readable.from([Buffer.from('short')]),
      userId: user.id,
      onConflict: 'fail',
      maxBytes: env.MAX_UPLOAD_BYTES,
    });
    const token = await tokenFor(doc.id, user.id);

    return { folder, id: doc.id, token };
  };

  it('GET CheckFileInfo → FileNameMaxLength (76 for ".docx": (233 bytes − 5) / 3) characters of any script fit in RENAME_FILE; more than 228 bytes → 400 + X-WOPI-InvalidFileNameError', async () => {
    const { id, token } = await setup();
    const { FileNameMaxLength } = (await (await wopi.checkFileInfo(id, { token })).json()) as {
      FileNameMaxLength: number;
    };
    expect(FileNameMaxLength).toBe(Math.floor((233 - '.docx'.length) / 3));
    for (const char of ['a', 'é', '文', '€']) {
      const fits = await wopi.override(id, 'RENAME_FILE', {
        token,
        headers: { 'X-WOPI-RequestedName': encodeUtf7Name(char.repeat(FileNameMaxLength)) },
      });
      expect(fits.status).toBe(200);
    }
    expect(
      (await wopi.override(id, 'RENAME_FILE', { token, headers: { 'X-WOPI-RequestedName': 'a'.repeat(228) } })).status,
    ).toBe(200);
    for (const length of [229, 240, 255]) {
      const tooLong = await wopi.override(id, 'RENAME_FILE', {
        token,
        headers: { 'X-WOPI-RequestedName': 'b'.repeat(length) },
      });
      expect(tooLong.status).toBe(400);
      expect(tooLong.headers.get('X-WOPI-InvalidFileNameError')).toMatch(/too long/);
    }
  });

  it('POST PUT_RELATIVE suggested "240 × a.pdf" and "80 CJK.pdf" → 200 with a shortened name, never 5xx', async () => {
    const { folder, id, token } = await setup();
    for (const suggested of [`${'a'.repeat(240)}.pdf`, encodeUtf7Name(`${'文'.repeat(80)}.pdf`)]) {
      const response = await wopi.override(id, 'PUT_RELATIVE', {
        token,
        headers: { 'X-WOPI-SuggestedTarget': suggested },
        body: 'pdf',
      });
      expect(response.status).toBe(200);
      const { Name } = (await response.json()) as { Name: string };
      expect(Name.endsWith('.pdf')).toBe(true);
      expect(Buffer.byteLength(Name)).toBeLessThanOrEqual(233);
      await mirrorsSettled();
      expect((await headObject(documentKey({ folder, name: Name })))?.size).toBe(3);
    }
  });

  it.each(['.', '..', '../../..', 'sub/..'])(
    "POST PUT_RELATIVE suggested %j (no extension in it) → 200, the new document keeps the source's name and extension",
    async (suggested) => {
      const { id, token } = await setup();
      const response = await wopi.override(id, 'PUT_RELATIVE', {
        token,
        headers: { 'X-WOPI-SuggestedTarget': suggested },
        body: 'copy',
      });
      expect(response.status).toBe(200);
      const { Name } = (await response.json()) as { Name: string };
      expect(Name).toMatch(/^Short( \(\d+\))?\.docx$/);
    },
  );

  it('POST PUT_RELATIVE relative "240 × a.pdf" → 400 + a legal X-WOPI-ValidRelativeTarget', async () => {
    const { id, token } = await setup();
    const response = await wopi.override(id, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-RelativeTarget': `${'a'.repeat(240)}.pdf` },
      body: 'pdf',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('X-WOPI-ValidRelativeTarget')).toBe(`${'a'.repeat(229)}.pdf`);
  });

  it('upload of a 234-byte name → a clear 400; the bucket and /api/health stay healthy', async () => {
    const { folder } = await setup();
    await expect(
      uploadDocument({
        folder,
        name: `${'x'.repeat(229)}.docx`,
        body: Readable.from([Buffer.from('x')]),
        userId: null,
        onConflict: 'fail',
        maxBytes: env.MAX_UPLOAD_BYTES,
      }),
    ).rejects.toThrow(/too long: 234 bytes/);
    const { checkHealth } = await import('@/lib/health');
    expect(await checkHealth()).toMatchObject({ healthy: true });
  });
});

describe('the name table round-trips in each editor’s UTF-7 through PUT_RELATIVE (both modes), RENAME_FILE and BaseFileName', () => {
  const EDITORS = [
    // Collabora: glibc iconv (CollaboraOnline/online wsd/wopi/WopiStorage.cpp, common/CharacterConverter.hpp).
    { editor: 'collabora', encode: encodeLikeGlibc, headers: { 'User-Agent': 'COOLWSD HTTP Agent 24.04.9' } },
    // ONLYOFFICE: npm utf7.encode (ONLYOFFICE/server DocService/sources/wopiClient.js).
    { editor: 'onlyoffice', encode: (name: string) => utf7.encode(name), headers: { 'User-Agent': 'Node.js/6.13' } },
  ] as const;

  for (const { editor, encode, headers } of EDITORS) {
    for (const name of NAMES) {
      it(`${editor}: "${name}" → PUT_RELATIVE relative and suggested, RENAME_FILE → exact names`, async () => {
        const user = await makeUser('editor');
        const folder = uniqueFolder(`utf7-${editor}`);
        const source = await uploadDocument({
          folder,
          name: 'Source.docx',
          body: Readable.from([Buffer.from('source')]),
          userId: user.id,
          onConflict: 'fail',
          maxBytes: env.MAX_UPLOAD_BYTES,
        });
        const token = await tokenFor(source.id, user.id, undefined, editor, editor);
        const relative = await wopi.override(source.id, 'PUT_RELATIVE', {
          token,
          headers: { ...headers, 'X-WOPI-RelativeTarget': encode(name) },
          body: 'relative',
        });
        expect(relative.status).toBe(200);
        expect(((await relative.json()) as { Name: string }).Name).toBe(name);
        const suggestedName = `s ${name}`;
        const suggested = await wopi.override(source.id, 'PUT_RELATIVE', {
          token,
          headers: { ...headers, 'X-WOPI-SuggestedTarget': encode(suggestedName) },
          body: 'suggested',
        });
        expect(suggested.status).toBe(200);
        expect(((await suggested.json()) as { Name: string }).Name).toBe(suggestedName);
        const base = `r ${name.replace(/\.docx$/, '')}`;
        const renamed = await wopi.override(source.id, 'RENAME_FILE', {
          token,
          headers: { ...headers, 'X-WOPI-RequestedName': encode(base) },
        });
        expect(renamed.status).toBe(200);
        expect(((await renamed.json()) as { Name: string }).Name).toBe(base);
        const info = (await (await wopi.checkFileInfo(source.id, { token })).json()) as { BaseFileName: string };
        expect(info.BaseFileName).toBe(`${base}.docx`);
      });
    }
  }
});
