import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { db, disconnectDb } from '@/lib/db';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { migrateDatabase, PROJECT_ROOT } from '@/lib/embedded/migrate';
import { env, setRuntimeEnv } from '@/lib/env';
import { disableUser, setUserRole } from '@/lib/users/admin';
import type { PublicUser } from '@/lib/users/users';
import type { Portal } from '../../../scripts/lib/portal';
import { startTierPortal } from '../../support/captured-portal';
import { sendApiCallsTo } from '../../support/portal-http';
import { makeUser, sessionCookie } from '../../support/session';
import { usersApi } from '../../support/users-api';

// "The last active admin cannot be demoted or disabled" counts every admin in the database, and
// other test files add admins in parallel: this file runs on a database of its own, with a
// production portal of its own on it.
const exec = promisify(execFile);
const baseUrl = env.DATABASE_URL!;
const databaseName = `users_last_admin_${randomUUID().slice(0, 8)}`;
const isolatedUrl = (() => {
  const url = new URL(baseUrl);
  url.pathname = `/${databaseName}`;

  return url.toString();
})();

const onServer = async (statement: string) => {
  const client = new pg.Client(poolConfigFromUrl(baseUrl));
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};

let portal: Portal | undefined;
const output: string[] = [];

beforeAll(async () => {
  await onServer(`CREATE DATABASE "${databaseName}"`);
  await migrateDatabase(isolatedUrl);
  await disconnectDb();
  setRuntimeEnv({ DATABASE_URL: isolatedUrl });
  portal = await startTierPortal('last-admin', output, { DATABASE_URL: isolatedUrl });
  sendApiCallsTo(portal.baseUrl);
});

afterAll(async () => {
  sendApiCallsTo(undefined);
  await portal?.stop();
  await disconnectDb();
  await onServer(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
});

beforeEach(async () => {
  await db.auditEvent.deleteMany();
  await db.user.deleteMany();
});

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;
const activeAdmins = () => db.user.count({ where: { role: 'admin', disabledAt: null } });
const asCookie = async (user: PublicUser) => sessionCookie(user);

describe('the last active admin', () => {
  it('POST /api/admin/users/:id/role of the last active admin → 409 last_admin with a clear message', async () => {
    const admin = await makeUser('admin');
    const response = await usersApi.role(admin.id, { cookie: await asCookie(admin), body: { role: 'editor' } });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toEqual({
      code: 'last_admin',
      message: `${admin.email} is the last active administrator: make another user an administrator first.`,
      email: admin.email,
    });
    expect(await activeAdmins()).toBe(1);
  });

  it('POST /api/admin/users/:id/disable of the last active admin → 409 last_admin', async () => {
    const admin = await makeUser('admin');
    const response = await usersApi.disable(admin.id, { cookie: await asCookie(admin) });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('last_admin');
    expect(await activeAdmins()).toBe(1);
  });

  it('POST /api/admin/users/:id/role: a disabled admin does not count; the one active admin stays', async () => {
    const [active, disabled] = [await makeUser('admin'), await makeUser('admin')];
    await db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    const cookie = await asCookie(active);
    expect((await usersApi.role(active.id, { cookie, body: { role: 'viewer' } })).status).toBe(409);
    // Demoting or enabling the disabled one is fine: it changes nothing about who is active.
    expect((await usersApi.role(disabled.id, { cookie, body: { role: 'editor' } })).status).toBe(200);
  });

  it('with two admins: one demotes the other → 200; the remaining one then → 409', async () => {
    const [first, second] = [await makeUser('admin'), await makeUser('admin')];
    const cookie = await asCookie(first);
    expect((await usersApi.role(second.id, { cookie, body: { role: 'viewer' } })).status).toBe(200);
    expect((await usersApi.disable(first.id, { cookie })).status).toBe(409);
    expect(await activeAdmins()).toBe(1);
  });

  it.each([
    ['POST /api/admin/users/:id/role {role: "editor"}', 'role'],
    ['POST /api/admin/users/:id/disable', 'disable'],
  ] as const)(
    '%s by two admins on each other at the same moment → one 200, the other refused; one active admin left',
    async (_label, kind) => {
      for (let round = 0; round < 5; round++) {
        await db.user.deleteMany();
        const [a, b] = [await makeUser('admin'), await makeUser('admin')];
        const [cookieA, cookieB] = [await asCookie(a), await asCookie(b)];
        const act = (cookie: string, target: string) =>
          kind === 'role'
            ? usersApi.role(target, { cookie, body: { role: 'editor' } })
            : usersApi.disable(target, { cookie });
        const statuses = (await Promise.all([act(cookieA, b.id), act(cookieB, a.id)])).map((r) => r.status);
        // The loser is refused by the last-admin rule (409) or, if the winner committed before
        // its session was checked, as no longer an admin (403) or disabled (401).
        expect(statuses.filter((status) => status === 200)).toHaveLength(1);
        expect(statuses.filter((status) => [401, 403, 409].includes(status))).toHaveLength(1);
        expect(await activeAdmins()).toBe(1);
      }
    },
  );

  it.each([
    ['setUserRole', 'role'],
    ['disableUser', 'disable'],
  ] as const)(
    '%s on two admins in parallel transactions (past the session checks) → one succeeds, one last_admin',
    async (_label, kind) => {
      for (let round = 0; round < 5; round++) {
        await db.user.deleteMany();
        const [a, b] = [await makeUser('admin'), await makeUser('admin')];
        const act = (id: string) =>
          kind === 'role'
            ? setUserRole({ id, input: { role: 'viewer' }, actor: { id: null, via: 'cli' } })
            : disableUser({ id, actor: { id: null, via: 'cli' } });
        const results = await Promise.allSettled([act(a.id), act(b.id)]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((result) => result.status === 'rejected');
        expect(refused?.reason).toMatchObject({ kind: 'conflict', code: 'last_admin' });
        expect(await activeAdmins()).toBe(1);
      }
    },
  );

  it('an admin disabling themselves while another admin remains → 200 (the rule is only about the last one)', async () => {
    const first = await makeUser('admin');
    await makeUser('admin');
    expect((await usersApi.disable(first.id, { cookie: await asCookie(first) })).status).toBe(200);
    expect(await activeAdmins()).toBe(1);
  });
});

describe('npm run cli -- users … and the last active admin', () => {
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(
        path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
        ['scripts/cli.ts', ...args],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, ...inject('runtimeEnv'), DATABASE_URL: isolatedUrl },
        },
      );

      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };

      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('users set-role / users disable for the last active admin → exit 1 "last active administrator"', async () => {
    const admin = await makeUser('admin');
    const demote = await cli('users', 'set-role', '--email', admin.email, '--role', 'viewer');
    expect(demote.code).toBe(1);
    expect(demote.stderr).toContain('is the last active administrator');
    const disable = await cli('users', 'disable', '--email', admin.email);
    expect(disable.code).toBe(1);
    expect(disable.stderr).toContain('is the last active administrator');
    expect(await activeAdmins()).toBe(1);
  });
});
