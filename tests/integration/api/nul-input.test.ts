import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import type { PublicUser } from '@/lib/users/users';
import { makeUser, sessionCookie } from '../../support/session';
import { usersApi } from '../../support/users-api';

// Postgres text cannot hold U+0000: any client text carrying it must be a 400, never a 500.
let admin: PublicUser;
let adminCookie: string;
beforeAll(async () => {
  admin = await makeUser('admin');
  adminCookie = await sessionCookie(admin);
});

describe('U+0000 in client text', () => {
  it('POST /api/admin/users with a name containing U+0000 → 400, nobody added', async () => {
    const email = `nul-${randomUUID()}@test.example`;
    const response = await usersApi.add({
      cookie: adminCookie,
      body: { email, name: 'Ann\u0000Lee', role: 'viewer' },
    });
    expect(response.status).toBe(400);
    expect(await db.user.count({ where: { email } })).toBe(0);
  });
});
