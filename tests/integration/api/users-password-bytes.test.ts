import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { hashPassword } from '@/lib/users/passwords';
import type { PublicUser } from '@/lib/users/users';
import { makeUser, sessionCookie } from '../../support/session';
import { authorize, usersApi } from '../../support/users-api';

// bcrypt reads only a password's first 72 bytes: every place a password is set refuses more
// (400 invalid_password, counted in UTF-8 bytes), and a sign-in with more simply fails.
const PASSWORD = 'correct horse battery';
const GERMAN = { 'accept-language': 'de-DE,de;q=0.9' };
const A72 = 'a'.repeat(72);
// 37 characters, 74 bytes: under any character limit, over the byte limit.
const UMLAUTS = 'ä'.repeat(37);

let adminCookie: string;

beforeAll(async () => {
  adminCookie = await sessionCookie(await makeUser('admin'));
});

const newEmail = () => `bytes-${randomUUID()}@test.example`;
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;
const hashOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).passwordHash;

describe('POST /api/admin/users with a typed password over 72 bytes', () => {
  it.each([
    ['"a" × 100', 'a'.repeat(100), 100],
    ['"a" × 73', 'a'.repeat(73), 73],
    ['"ä" × 37 (37 characters, 74 bytes)', UMLAUTS, 74],
    ['"密" × 25 (25 characters, 75 bytes)', '密'.repeat(25), 75],
  ])(
    'POST /api/admin/users {password: %s} → 400 invalid_password naming 72 bytes; nobody created',
    async (_l, password, bytes) => {
      const email = newEmail();
      const response = await usersApi.add({ cookie: adminCookie, body: { email, role: 'viewer', password } });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'invalid_password',
        message: `The password must be at most 72 bytes (UTF-8: letters such as ä take 2, Chinese characters 3); this one is ${bytes}.`,
        field: 'password',
        rule: 'too_long',
        bound: 72,
        unit: 'bytes',
      });
      expect(await db.user.count({ where: { email } })).toBe(0);
    },
  );

  it('POST /api/admin/users {password: "ä" × 37} in German → "Passwort: höchstens 72 Bytes …"', async () => {
    const response = await usersApi.add({
      cookie: adminCookie,
      body: { email: newEmail(), role: 'viewer', password: UMLAUTS },
      headers: GERMAN,
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe(
      'Passwort: höchstens 72 Bytes (UTF-8: ä, ö, ü und ß zählen doppelt, chinesische Zeichen dreifach).',
    );
  });

  it('POST /api/admin/users {password: "a" × 72} → 201; "a" × 72 + "DIFFERENT" does not sign in, "a" × 72 does', async () => {
    const email = newEmail();
    const response = await usersApi.add({ cookie: adminCookie, body: { email, role: 'viewer', password: A72 } });
    expect(response.status).toBe(201);
    expect(await authorize(email, `${A72}DIFFERENT`)).toBeNull();
    expect(await authorize(email, 'a'.repeat(71))).toBeNull();
    expect(await authorize(email, A72)).toMatchObject({ email });
  });

  it('POST /api/admin/users {password: "ä" × 36} (72 bytes) → 201 and it signs in', async () => {
    const email = newEmail();
    const response = await usersApi.add({
      cookie: adminCookie,
      body: { email, role: 'viewer', password: 'ä'.repeat(36) },
    });
    expect(response.status).toBe(201);
    expect(await authorize(email, 'ä'.repeat(36))).toMatchObject({ email });
  });
});

describe('sign-in with a password over 72 bytes', () => {
  it('POST /api/auth/callback/credentials for an account hashed from "a" × 100 before the rule → "a" × 100 and "a" × 72 + "DIFFERENT" refused', async () => {
    const user = await makeUser('viewer');
    // What the portal stored before: bcrypt of a 100-byte password (it used its first 72).
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword('a'.repeat(100)) } });
    expect(await authorize(user.email, 'a'.repeat(100))).toBeNull();
    expect(await authorize(user.email, `${A72}DIFFERENT`)).toBeNull();
  });
});

describe('POST /api/admin/users/:id/password and POST /api/account/password over 72 bytes', () => {
  let viewer: PublicUser;

  beforeAll(async () => {
    viewer = await makeUser('viewer');
  });

  it('POST /api/admin/users/:id/password {password: "a" × 100} → 400 invalid_password; the password is unchanged', async () => {
    const before = await hashOf(viewer.id);
    const response = await usersApi.password(viewer.id, { cookie: adminCookie, body: { password: 'a'.repeat(100) } });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_password', message: /at most 72 bytes/ });
    expect(await hashOf(viewer.id)).toBe(before);
    expect(await authorize(viewer.email, PASSWORD)).not.toBeNull();
  });

  it('POST /api/account/password {newPassword: "ü" × 40} (80 bytes) → 400 invalid_password (German: Neues Passwort …); unchanged', async () => {
    const before = await hashOf(viewer.id);
    const response = await usersApi.changeOwn({
      cookie: await sessionCookie(viewer),
      body: { currentPassword: PASSWORD, newPassword: 'ü'.repeat(40) },
      headers: GERMAN,
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: 'invalid_password',
      message:
        'Neues Passwort: höchstens 72 Bytes (UTF-8: ä, ö, ü und ß zählen doppelt, chinesische Zeichen dreifach).',
    });
    expect(await hashOf(viewer.id)).toBe(before);
  });

  it('POST /api/account/password with a current password over 72 bytes → 400 wrong_password (it cannot be right)', async () => {
    const user = await makeUser('editor');
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword('b'.repeat(90)) } });
    const response = await usersApi.changeOwn({
      cookie: await sessionCookie(user),
      body: { currentPassword: 'b'.repeat(90), newPassword: 'a short new one' },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('wrong_password');
  });
});
