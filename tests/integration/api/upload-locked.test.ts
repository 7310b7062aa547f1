import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { holdLock } from '../../support/files-api';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { apiRequest } from '../../support/users-api';
import { tokenFor, wopi } from '../../support/wopi';

// "Replace" on a document open in an editor: the pre-upload check says so before any byte is
// sent, and the upload itself is still refused with 409 locked (nothing replaced).
const check = async (cookie: string, folder: string, name: string) =>
  apiRequest(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, { cookie, method: 'GET' });

const replace = async (cookie: string, folder: string, name: string, body: string) =>
  apiRequest(`/api/admin/documents?${new URLSearchParams({ folder, name, onConflict: 'replace' }).toString()}`, {
    cookie,
    body: new Blob([body]),
  });

describe('GET /api/admin/documents?folder=&name= on a document open for editing', () => {
  it('GET /api/admin/documents for a document an editor has locked → 200 {exists, suggestion, locked: true}', async () => {
    const admin = await makeUser('admin');
    const cookie = await sessionCookie(admin);
    const folder = uniqueFolder('locked-check');
    const doc = await addDocument(folder, 'Plan.docx', 'original', admin.id);
    const lock = await wopi.override(doc.id, 'LOCK', {
      token: await tokenFor(doc.id, admin.id),
      headers: { 'X-WOPI-Lock': `lock-${randomUUID()}` },
    });
    expect(lock.status).toBe(200);

    const response = await check(cookie, folder, 'Plan.docx');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ exists: true, suggestion: 'Plan (1).docx', locked: true });

    const upload = await replace(cookie, folder, 'Plan.docx', 'replacement');
    expect(upload.status).toBe(409);
    expect((await upload.json()).error).toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/open for editing/),
    });
    expect(await db.document.findUniqueOrThrow({ where: { id: doc.id }, select: { version: true } })).toEqual({
      version: doc.version,
    });
  });

  it('GET /api/admin/documents for a document whose lock has expired → locked: false', async () => {
    const admin = await makeUser('admin');
    const cookie = await sessionCookie(admin);
    const folder = uniqueFolder('expired-check');
    const doc = await addDocument(folder, 'Old.docx', 'original', admin.id);
    await holdLock(doc.id, 'stale', new Date(Date.now() - 1000));

    expect(await (await check(cookie, folder, 'Old.docx')).json()).toEqual({
      exists: true,
      suggestion: 'Old (1).docx',
      locked: false,
    });
  });
});
