import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { uploadDocument } from '@/lib/documents/write';
import { env } from '@/lib/env';
import { encodeUtf7Name } from '@/lib/wopi/utf7';
import { addDocument, uniqueFolder } from '../../support/documents';
import { portalOrigin } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';
import { tokenFor, wopi } from '../../support/wopi';

// Names are what they look like, wherever a name enters: the upload API, the domain (CLI and
// New document go through uploadDocument), WOPI RenameFile and PutRelativeFile.

const upload = async (rawQuery: string, cookie: string) =>
  apiRequest(`/api/admin/documents?${rawQuery}`, {
    cookie,
    headers: { 'Sec-Fetch-Site': 'same-origin', Origin: portalOrigin() },
    body: new Blob(['bytes']),
  });

describe('deceptive names are refused where a name enters', () => {
  it('POST /api/admin/documents?name=rtl%E2%80%AExcod.exe (shows as "rtlexe.docx") → 400 invalid_name naming U+202E', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const response = await upload(`folder=${uniqueFolder('rtl')}&name=rtl%E2%80%AExcod.exe`, cookie);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_name', message: expect.stringContaining('U+202E') },
    });
  });

  it('POST /api/admin/documents?name=%ED%A0%80.docx (a lone surrogate in UTF-8) → 400, never silently U+FFFD', async () => {
    const cookie = await sessionCookie(await makeUser('admin'));
    const response = await upload(`folder=${uniqueFolder('sur')}&name=a%ED%A0%80.docx`, cookie);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('not valid text') } });
  });

  it('uploadDocument with a zero-width space (CLI, New document) → invalid_name', async () => {
    await expect(
      uploadDocument({
        folder: uniqueFolder('zw'),
        name: 'in\u200bvisible.docx',
        body: Readable.from([Buffer.from('x')]),
        userId: null,
        onConflict: 'fail',
        maxBytes: env.MAX_UPLOAD_BYTES,
      }),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_name' });
  });

  it('an NFD name ("Re\\u0301sume\\u0301.docx") is stored in NFC, and the NFC spelling then clashes with it', async () => {
    const folder = uniqueFolder('nfc');
    const created = await addDocument(folder, 'Re\u0301sume\u0301.docx', 'one');
    expect(created.name).toBe('Résumé.docx');
    await expect(addDocument(folder, 'Résumé.docx', 'two')).rejects.toMatchObject({ code: 'name_conflict' });
  });

  it('POST RENAME_FILE to UTF-7 "rtl<U+202E>xcod" → 400 + X-WOPI-InvalidFileNameError; PUT_RELATIVE relative → 400; suggested → 200 without it', async () => {
    const user = await makeUser('editor');
    const doc = await addDocument(uniqueFolder('wopi-rtl'), 'Plan.docx', 'plan', user.id);
    const token = await tokenFor(doc.id, user.id);
    const renamed = await wopi.override(doc.id, 'RENAME_FILE', {
      token,
      headers: { 'X-WOPI-RequestedName': encodeUtf7Name('rtl\u202excod') },
    });
    expect(renamed.status).toBe(400);
    expect(renamed.headers.get('X-WOPI-InvalidFileNameError')).toContain('U+202E');
    const relative = await wopi.override(doc.id, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-RelativeTarget': encodeUtf7Name('rtl\u202excod.exe') },
      body: 'x',
    });
    expect(relative.status).toBe(400);
    const suggested = await wopi.override(doc.id, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-SuggestedTarget': encodeUtf7Name('rtl\u202excod.exe') },
      body: 'x',
    });
    expect(suggested.status).toBe(200);
    expect(((await suggested.json()) as { Name: string }).Name).toBe('rtlxcod.exe');
  });
});
