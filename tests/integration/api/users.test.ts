import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { verifyCredentials, type PublicUser } from '@/lib/users/users';
import { makeUser, sessionCookie } from '../../support/session';
import { auditAbout, usersApi } from '../../support/users-api';

// /api/admin/users/**: every action as an admin, every refusal for other roles, bad input and
// cross-site requests. The last-admin rule has its own database: users-last-admin.test.ts.
const PASSWORD = 'correct horse battery';
const newEmail = (label = 'user') => `${label}-${randomUUID()}@test.example`;

let admin: PublicUser;
let adminCookie: string;

beforeAll(async () => {
  admin = await makeUser('admin');
  adminCookie = await sessionCookie(admin);
});

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

const stateOf = (id: string) =>
  db.user.findUniqueOrThrow({ where: { id }, select: { role: true, disabledAt: true, passwordHash: true } });

describe('GET /api/admin/users', () => {
  it('GET /api/admin/users as admin → 200 with email, name, role, createdAt, disabledAt; no password hashes', async () => {
    const viewer = await makeUser('viewer');
    const response = await usersApi.list({ cookie: adminCookie });
    expect(response.status).toBe(200);
    const { users } = (await response.json()) as { users: Record<string, unknown>[] };
    const row = users.find((user) => user.id === viewer.id);
    expect(row).toEqual({
      id: viewer.id,
      email: viewer.email,
      name: viewer.name,
      role: 'viewer',
      createdAt: viewer.createdAt.toISOString(),
      disabledAt: null,
    });
    expect(JSON.stringify(users)).not.toMatch(/passwordHash|\$2[aby]\$/);
  });
});

describe('POST /api/admin/users', () => {
  it('POST /api/admin/users without a password → 201 with a generated password once; it signs in; user.created audited', async () => {
    const email = newEmail('Generated').toUpperCase();
    const response = await usersApi.add({ cookie: adminCookie, body: { email, name: 'Gen Erated', role: 'editor' } });
    expect(response.status).toBe(201);
    const { user, password } = (await response.json()) as { user: PublicUser; password: string };
    expect(user).toMatchObject({ email: email.toLowerCase(), name: 'Gen Erated', role: 'editor', disabledAt: null });
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
    expect(await verifyCredentials(email, password)).toMatchObject({ id: user.id });

    const events = await auditAbout(user.id, 'user.created');
    expect(events).toEqual([
      expect.objectContaining({
        outcome: 'success',
        userId: admin.id,
        details: expect.objectContaining({ role: 'editor', generatedPassword: true, via: 'portal' }),
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it('POST /api/admin/users twice → two different generated passwords', async () => {
    const first = await usersApi.add({ cookie: adminCookie, body: { email: newEmail(), role: 'viewer' } });
    const second = await usersApi.add({ cookie: adminCookie, body: { email: newEmail(), role: 'viewer' } });
    const [a, b] = (await Promise.all([first.json(), second.json()])) as { password: string }[];
    expect(a!.password).not.toBe(b!.password);
  });

  it('POST /api/admin/users with a typed password → 201 without a password in the answer; that password signs in', async () => {
    const email = newEmail();
    const response = await usersApi.add({ cookie: adminCookie, body: { email, role: 'viewer', password: PASSWORD } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { user: PublicUser; password?: string };
    expect(body.password).toBeUndefined();
    expect(body.user.name).toBe(email.split('@')[0]);
    expect(await verifyCredentials(email, PASSWORD)).toMatchObject({ id: body.user.id });
  });

  it.each([
    ['a 7-character password', { role: 'viewer', password: 'seven77' }, 'at least 8 characters', 'invalid_password'],
    ['a bad email', { email: 'not-an-email', role: 'viewer' }, 'valid email', 'invalid_user'],
    ['role "owner"', { role: 'owner' }, 'role must be one of admin, editor, viewer', 'invalid_user'],
    ['no role', {}, 'role must be one of', 'invalid_user'],
    ['a 101-character name', { role: 'viewer', name: 'n'.repeat(101) }, 'at most 100 characters', 'invalid_user'],
  ])('POST /api/admin/users with %s → 400 with the reason, nothing created', async (_label, fields, reason, code) => {
    const email = newEmail();
    const response = await usersApi.add({ cookie: adminCookie, body: { email, ...fields } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe(code);
    expect(error.message).toContain(reason);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it('POST /api/admin/users with an existing email in other case → 409 user_exists', async () => {
    const existing = await makeUser('viewer');
    const response = await usersApi.add({
      cookie: adminCookie,
      body: { email: existing.email.toUpperCase(), role: 'admin' },
    });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({ code: 'user_exists' });
    expect((await stateOf(existing.id)).role).toBe('viewer');
  });

  it('POST /api/admin/users with a malformed JSON body → 400, with text/plain → 415', async () => {
    const malformed = await usersApi.add({ cookie: adminCookie, body: '{"email":' });
    expect(malformed.status).toBe(400);
    const plain = await usersApi.add({
      cookie: adminCookie,
      body: JSON.stringify({ email: newEmail(), role: 'viewer' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status).toBe(415);
  });
});

describe('POST /api/admin/users/:id/role', () => {
  it('POST /api/admin/users/:id/role editor → viewer → 200; user.role_changed audited with from and to', async () => {
    const editor = await makeUser('editor');
    const response = await usersApi.role(editor.id, { cookie: adminCookie, body: { role: 'viewer' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: PublicUser }).user).toMatchObject({ id: editor.id, role: 'viewer' });
    expect((await stateOf(editor.id)).role).toBe('viewer');
    expect(await auditAbout(editor.id, 'user.role_changed')).toEqual([
      expect.objectContaining({ userId: admin.id, details: expect.objectContaining({ from: 'editor', to: 'viewer' }) }),
    ]);
  });

  it('POST /api/admin/users/:id/role with the role it has → 200, nothing audited', async () => {
    const viewer = await makeUser('viewer');
    const response = await usersApi.role(viewer.id, { cookie: adminCookie, body: { role: 'viewer' } });
    expect(response.status).toBe(200);
    expect(await auditAbout(viewer.id, 'user.role_changed')).toEqual([]);
  });

  it('POST /api/admin/users/:id/role: an admin demoted while others remain → 200, their next request is an editor’s', async () => {
    const other = await makeUser('admin');
    const response = await usersApi.role(other.id, { cookie: adminCookie, body: { role: 'editor' } });
    expect(response.status).toBe(200);
    const asDemoted = await usersApi.list({ cookie: await sessionCookie(other) });
    expect(asDemoted.status).toBe(403);
  });

  it('POST /api/admin/users/:id/role {role: "owner"} → 400, role unchanged', async () => {
    const editor = await makeUser('editor');
    const response = await usersApi.role(editor.id, { cookie: adminCookie, body: { role: 'owner' } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('role must be one of');
    expect((await stateOf(editor.id)).role).toBe('editor');
  });

  it.each([
    ['an unknown id', randomUUID()],
    ['a malformed id', 'not-a-uuid'],
  ])('POST /api/admin/users/:id/{role,disable,enable,password} for %s → 404', async (_label, id) => {
    for (const response of [
      await usersApi.role(id, { cookie: adminCookie, body: { role: 'viewer' } }),
      await usersApi.disable(id, { cookie: adminCookie }),
      await usersApi.enable(id, { cookie: adminCookie }),
      await usersApi.password(id, { cookie: adminCookie, body: {} }),
    ]) {
      expect(response.status).toBe(404);
      expect((await errorOf(response)).message).toBe('No such user.');
    }
  });
});

describe('POST /api/admin/users/:id/disable and /enable', () => {
  it('POST /api/admin/users/:id/disable → 200 disabledAt set; again → 200, audited once; /enable → 200 active', async () => {
    const editor = await makeUser('editor');
    const disabled = await usersApi.disable(editor.id, { cookie: adminCookie });
    expect(disabled.status).toBe(200);
    const { user } = (await disabled.json()) as { user: { disabledAt: string | null } };
    expect(user.disabledAt).not.toBeNull();
    expect((await usersApi.disable(editor.id, { cookie: adminCookie })).status).toBe(200);
    expect(await auditAbout(editor.id, 'user.disabled')).toHaveLength(1);

    const enabled = await usersApi.enable(editor.id, { cookie: adminCookie });
    expect(enabled.status).toBe(200);
    expect(((await enabled.json()) as { user: { disabledAt: string | null } }).user.disabledAt).toBeNull();
    expect((await stateOf(editor.id)).disabledAt).toBeNull();
    expect(await auditAbout(editor.id, 'user.enabled')).toEqual([
      expect.objectContaining({ userId: admin.id, outcome: 'success' }),
    ]);
  });

  it('POST /api/admin/users/:id/disable for another admin while others remain → 200', async () => {
    const other = await makeUser('admin');
    expect((await usersApi.disable(other.id, { cookie: adminCookie })).status).toBe(200);
  });
});

describe('POST /api/admin/users/:id/password', () => {
  it('POST /api/admin/users/:id/password {} → 200 with a generated password; the old one stops working; audited', async () => {
    const viewer = await makeUser('viewer');
    const response = await usersApi.password(viewer.id, { cookie: adminCookie, body: {} });
    expect(response.status).toBe(200);
    const { password } = (await response.json()) as { password: string };
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
    expect(await verifyCredentials(viewer.email, PASSWORD)).toBeNull();
    expect(await verifyCredentials(viewer.email, password)).toMatchObject({ id: viewer.id });
    const events = await auditAbout(viewer.id, 'user.password_reset');
    expect(events).toEqual([
      expect.objectContaining({ userId: admin.id, details: expect.objectContaining({ generatedPassword: true }) }),
    ]);
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it('POST /api/admin/users/:id/password {password} → 200 without a password in the answer; that one signs in', async () => {
    const viewer = await makeUser('viewer');
    const response = await usersApi.password(viewer.id, {
      cookie: adminCookie,
      body: { password: 'typed by the admin' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { password?: string }).password).toBeUndefined();
    expect(await verifyCredentials(viewer.email, 'typed by the admin')).not.toBeNull();
  });

  it('POST /api/admin/users/:id/password {password: "short"} → 400 "at least 8 characters", unchanged', async () => {
    const viewer = await makeUser('viewer');
    const before = (await stateOf(viewer.id)).passwordHash;
    const response = await usersApi.password(viewer.id, { cookie: adminCookie, body: { password: 'short' } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('at least 8 characters');
    expect((await stateOf(viewer.id)).passwordHash).toBe(before);
  });
});

describe('refusals: only admins, only from this site', () => {
  const routes = [
    ['GET /api/admin/users', (cookie: string) => usersApi.list({ cookie })],
    [
      'POST /api/admin/users',
      (cookie: string, _id: string, email: string) => usersApi.add({ cookie, body: { email, role: 'admin' } }),
    ],
    [
      'POST /api/admin/users/:id/role',
      (cookie: string, id: string) => usersApi.role(id, { cookie, body: { role: 'admin' } }),
    ],
    ['POST /api/admin/users/:id/disable', (cookie: string, id: string) => usersApi.disable(id, { cookie })],
    ['POST /api/admin/users/:id/enable', (cookie: string, id: string) => usersApi.enable(id, { cookie })],
    ['POST /api/admin/users/:id/password', (cookie: string, id: string) => usersApi.password(id, { cookie, body: {} })],
  ] as const;
  const cases = routes.flatMap(([name, call]) =>
    (['viewer', 'editor'] as const).map((role) => [name, role, call] as const),
  );

  it.each(cases)('%s as %s → 403 forbidden, nothing changed', async (_name, role, call) => {
    const caller = await makeUser(role);
    const target = await makeUser('viewer');
    await db.user.update({ where: { id: target.id }, data: { disabledAt: new Date() } });
    const before = await stateOf(target.id);
    const email = newEmail();
    const response = await call(await sessionCookie(caller), target.id, email);
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({ code: 'forbidden', message: 'Only administrators can do this.' });
    expect(await stateOf(target.id)).toEqual(before);
    expect((await stateOf(caller.id)).role).toBe(role);
    expect(await db.user.count({ where: { email } })).toBe(0);
    expect(await auditAbout(target.id)).toEqual([]);
  });

  it.each(routes)('%s without a session → 401', async (_name, call) => {
    const target = await makeUser('viewer');
    const response = await call('', target.id, newEmail());
    expect(response.status).toBe(401);
  });

  it.each([
    ['Origin: https://evil.example', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another port)', { 'sec-fetch-site': 'same-site' }],
  ])('POST /api/admin/users/** with %s → 403 cross_site_request, nothing changed', async (_label, headers) => {
    const target = await makeUser('editor');
    const before = await stateOf(target.id);
    const email = newEmail();
    const responses = [
      await usersApi.add({ cookie: adminCookie, body: { email, role: 'admin' }, headers }),
      await usersApi.role(target.id, { cookie: adminCookie, body: { role: 'admin' }, headers }),
      await usersApi.disable(target.id, { cookie: adminCookie, headers }),
      await usersApi.enable(target.id, { cookie: adminCookie, headers }),
      await usersApi.password(target.id, { cookie: adminCookie, body: {}, headers }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe('cross_site_request');
    }
    expect(await stateOf(target.id)).toEqual(before);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it('POST /api/admin/users/:id/role with Sec-Fetch-Site: same-origin (our own page) → 200', async () => {
    const target = await makeUser('viewer');
    const response = await usersApi.role(target.id, {
      cookie: adminCookie,
      body: { role: 'editor' },
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(response.status).toBe(200);
  });
});
