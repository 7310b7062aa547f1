import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURES_PER_WINDOW } from '@/lib/auth/sign-in';
import { db } from '@/lib/db';
import { prismaUserPort } from '@/lib/server/wopi-user-port';
import { verifyCredentials, type PublicUser } from '@/lib/users/users';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser, sessionCookie } from '../../support/session';
import { auditAbout, authorize, cookieOf, sessionCookieAt, usersApi } from '../../support/users-api';
import { tokenFor, wopi } from '../../support/wopi';

// What disabling, a password reset and a password change do to sign-in, sessions (JWT cookies,
// re-checked against the user row on every request) and WOPI access tokens.
const PASSWORD = 'correct horse battery';

let admin: PublicUser;
let adminCookie: string;

beforeAll(async () => {
  admin = await makeUser('admin');
  adminCookie = await sessionCookie(admin);
});

const disable = async (id: string) => expect((await usersApi.disable(id, { cookie: adminCookie })).status).toBe(200);
const enable = async (id: string) => expect((await usersApi.enable(id, { cookie: adminCookie })).status).toBe(200);

describe('a disabled user', () => {
  it('POST /api/auth/callback/credentials for a disabled user with the right password → refused like a wrong password', async () => {
    const editor = await makeUser('editor');
    expect(await authorize(editor.email, PASSWORD)).toMatchObject({ id: editor.id });
    await disable(editor.id);
    expect(await authorize(editor.email, PASSWORD)).toBeNull();
    expect(await authorize(editor.email, 'a wrong password')).toBeNull();
    expect(await authorize(`nobody-${randomUUID()}@test.example`, PASSWORD)).toBeNull();
  });

  it('a disabled user’s session cookie → 401 on every API route, also for an admin', async () => {
    const other = await makeUser('admin');
    const cookie = await sessionCookie(other);
    expect((await usersApi.list({ cookie })).status).toBe(200);
    await disable(other.id);
    expect((await usersApi.list({ cookie })).status).toBe(401);
    const change = await usersApi.changeOwn({
      cookie,
      body: { currentPassword: PASSWORD, newPassword: 'x'.repeat(12) },
    });
    expect(change.status).toBe(401);
    expect(await verifyCredentials(other.email, PASSWORD)).toBeNull();
  });

  it('GET /wopi/files/:id with a token of a user disabled afterwards → 401; enabled again → 200', async () => {
    const editor = await makeUser('editor');
    const doc = await addDocument(uniqueFolder('disabled'), 'a.docx', 'x', editor.id);
    const token = await tokenFor(doc.id, editor.id);
    expect((await wopi.checkFileInfo(doc.id, { token })).status).toBe(200);

    await disable(editor.id);
    expect((await wopi.checkFileInfo(doc.id, { token })).status).toBe(401);
    expect((await wopi.getFile(doc.id, { token })).status).toBe(401);
    expect((await wopi.putFile(doc.id, { token, body: 'overwritten' })).status).toBe(401);
    expect(await prismaUserPort.get(editor.id)).toBeNull();

    await enable(editor.id);
    expect((await wopi.checkFileInfo(doc.id, { token })).status).toBe(200);
    expect(await prismaUserPort.get(editor.id)).toMatchObject({ id: editor.id });
  });

  it('POST /wopi/files/:id LOCK with a token of a disabled user → 401, no lock taken', async () => {
    const editor = await makeUser('editor');
    const doc = await addDocument(uniqueFolder('disabled-lock'), 'a.docx', 'x', editor.id);
    const token = await tokenFor(doc.id, editor.id);
    await disable(editor.id);
    const response = await wopi.override(doc.id, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'l1' } });
    expect(response.status).toBe(401);
    expect(await db.lock.count({ where: { documentId: doc.id, expiresAt: { gt: new Date() } } })).toBe(0);
  });

  it('POST /api/admin/users/:id/enable → signs in again; sessions from before the disabling stay refused', async () => {
    const viewer = await makeUser('viewer');
    const oldCookie = await sessionCookieAt(viewer, Date.now() - 1000);
    await disable(viewer.id);
    await enable(viewer.id);
    expect(await authorize(viewer.email, PASSWORD)).toMatchObject({ id: viewer.id });
    const body = { currentPassword: PASSWORD, newPassword: PASSWORD };
    expect((await usersApi.changeOwn({ cookie: oldCookie, body })).status).toBe(401);
    const newCookie = await sessionCookieAt(viewer, Date.now() + 1000);
    expect((await usersApi.changeOwn({ cookie: newCookie, body })).status).toBe(200);
  });
});

describe('POST /api/admin/users/:id/password ends the user’s sessions', () => {
  it('POST /api/admin/users/:id/password → the user’s existing session → 401; one signed in afterwards → 200', async () => {
    const other = await makeUser('admin');
    const before = await sessionCookieAt(other, Date.now() - 1000);
    const legacy = await sessionCookie(other); // issued before sessions carried signedInAt
    expect((await usersApi.list({ cookie: before })).status).toBe(200);
    expect((await usersApi.list({ cookie: legacy })).status).toBe(200);

    expect((await usersApi.password(other.id, { cookie: adminCookie, body: {} })).status).toBe(200);
    expect((await usersApi.list({ cookie: before })).status).toBe(401);
    expect((await usersApi.list({ cookie: legacy })).status).toBe(401);
    expect((await usersApi.list({ cookie: await sessionCookieAt(other, Date.now() + 1000) })).status).toBe(200);
  });
});

describe('POST /api/account/password', () => {
  const change = (cookie: string, currentPassword: string, newPassword: string, headers?: Record<string, string>) =>
    usersApi.changeOwn({ cookie, body: { currentPassword, newPassword }, headers });

  it('POST /api/account/password with the right current password → 200 + a renewed session cookie; other sessions → 401', async () => {
    const editor = await makeUser('editor');
    const thisSession = await sessionCookieAt(editor, Date.now() - 2000);
    const otherSession = await sessionCookieAt(editor, Date.now() - 1000);
    const response = await change(thisSession, PASSWORD, 'a brand new secret');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^next-auth\.session-token=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);

    const renewed = cookieOf(response);
    expect((await change(renewed, 'a brand new secret', 'a brand new secret')).status).toBe(200);
    expect((await change(thisSession, 'a brand new secret', 'x'.repeat(10))).status).toBe(401);
    expect((await change(otherSession, 'a brand new secret', 'x'.repeat(10))).status).toBe(401);

    expect(await verifyCredentials(editor.email, PASSWORD)).toBeNull();
    expect(await verifyCredentials(editor.email, 'a brand new secret')).toMatchObject({ id: editor.id });
    const events = await auditAbout(editor.id, 'user.password_changed');
    expect(events[0]).toMatchObject({ outcome: 'success', userId: editor.id });
    expect(JSON.stringify(events)).not.toContain('a brand new secret');
  });

  it('POST /api/account/password as a viewer → 200 (every role changes its own password)', async () => {
    const viewer = await makeUser('viewer');
    const response = await change(await sessionCookie(viewer), PASSWORD, 'viewer secret 2');
    expect(response.status).toBe(200);
  });

  it('POST /api/account/password with a wrong current password → 400 wrong_password, password unchanged', async () => {
    const editor = await makeUser('editor');
    const response = await change(await sessionCookie(editor), 'not my password', 'a brand new secret');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'wrong_password', message: 'The current password is not correct.' },
    });
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await verifyCredentials(editor.email, PASSWORD)).not.toBeNull();
  });

  it.each([
    ['a 7-character new password', { currentPassword: PASSWORD, newPassword: 'seven77' }, 'at least 8 characters'],
    ['no current password', { newPassword: 'long enough password' }, 'Enter your current password.'],
    ['an empty body', {}, 'Enter your current password.'],
  ])('POST /api/account/password with %s → 400 with the reason', async (_label, body, reason) => {
    const editor = await makeUser('editor');
    const response = await usersApi.changeOwn({ cookie: await sessionCookie(editor), body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(reason);
    expect(await verifyCredentials(editor.email, PASSWORD)).not.toBeNull();
  });

  it('POST /api/account/password after 10 wrong current passwords → 429 too_many_attempts, even with the right one', async () => {
    const editor = await makeUser('editor');
    const cookie = await sessionCookie(editor);
    for (let i = 0; i < ACCOUNT_FAILURES_PER_WINDOW; i++)
      expect((await change(cookie, `wrong ${i}`, 'a brand new secret')).status).toBe(400);
    const refused = await change(cookie, PASSWORD, 'a brand new secret');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
    expect(await verifyCredentials(editor.email, PASSWORD)).not.toBeNull();
  });

  it('POST /api/account/password without a session → 401', async () => {
    expect((await change('', PASSWORD, 'a brand new secret')).status).toBe(401);
  });

  it.each([
    ['Origin: https://evil.example', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('POST /api/account/password with %s → 403 cross_site_request, password unchanged', async (_label, headers) => {
    const editor = await makeUser('editor');
    const response = await change(await sessionCookie(editor), PASSWORD, 'chosen by the attacker', headers);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross_site_request');
    expect(await verifyCredentials(editor.email, PASSWORD)).not.toBeNull();
    expect(await db.user.count({ where: { id: editor.id, sessionsValidAfter: null } })).toBe(1);
  });
});
