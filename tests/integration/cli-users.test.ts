import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { db } from '@/lib/db';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { verifyCredentials } from '@/lib/users/users';
import { makeUser } from '../support/session';
import { auditAbout } from '../support/users-api';

const exec = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const PASSWORD = 'correct horse battery';

/** Runs `npm run cli -- …` as a user would, against the test's Postgres and S3. */
const cli = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await exec(TSX, ['scripts/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...inject('runtimeEnv') },
    });

    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };

    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const stateOf = (id: string) => db.user.findUniqueOrThrow({ where: { id }, select: { role: true, disabledAt: true } });

describe('npm run cli -- users set-role|disable|enable|set-password', () => {
  it('users set-role --email E --role viewer → JSON user with the role; audited as user.role_changed via cli', async () => {
    const editor = await makeUser('editor');
    const result = await cli('users', 'set-role', '--email', editor.email.toUpperCase(), '--role', 'viewer');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: editor.id, email: editor.email, role: 'viewer' });
    expect((await stateOf(editor.id)).role).toBe('viewer');
    expect(await auditAbout(editor.id, 'user.role_changed')).toEqual([
      expect.objectContaining({
        userId: null,
        details: expect.objectContaining({ from: 'editor', to: 'viewer', via: 'cli' }),
      }),
    ]);
  });

  it('users set-role with role "owner" → exit 1 with the allowed roles; unknown email → exit 1 "No user with email"', async () => {
    const editor = await makeUser('editor');
    const badRole = await cli('users', 'set-role', '--email', editor.email, '--role', 'owner');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('role must be one of admin, editor, viewer');
    const unknown = await cli('users', 'set-role', '--email', 'nobody@test.example', '--role', 'viewer');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user with email nobody@test.example.');
    expect((await stateOf(editor.id)).role).toBe('editor');
  });

  it('users set-role without --role → exit 2 with usage', async () => {
    const result = await cli('users', 'set-role', '--email', 'x@test.example');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--role is required.');
    expect(result.stderr).toContain('users set-role --email E --role admin|editor|viewer');
  });

  it('users disable → the user cannot sign in; users enable → they can again; both audited via cli', async () => {
    const viewer = await makeUser('viewer');
    const disabled = await cli('users', 'disable', '--email', viewer.email);
    expect(disabled.code).toBe(0);
    expect((JSON.parse(disabled.stdout) as { disabledAt: string | null }).disabledAt).not.toBeNull();
    expect(await verifyCredentials(viewer.email, PASSWORD)).toBeNull();

    const enabled = await cli('users', 'enable', '--email', viewer.email);
    expect(enabled.code).toBe(0);
    expect((JSON.parse(enabled.stdout) as { disabledAt: string | null }).disabledAt).toBeNull();
    expect(await verifyCredentials(viewer.email, PASSWORD)).not.toBeNull();
    expect((await auditAbout(viewer.id)).map((event) => event.action)).toEqual(['user.disabled', 'user.enabled']);
  });

  it('users set-password --email E → prints a generated password once; it signs in, the old one does not', async () => {
    const viewer = await makeUser('viewer');
    const result = await cli('users', 'set-password', '--email', viewer.email);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { id: string; email: string; password: string };
    expect(printed).toEqual({
      id: viewer.id,
      email: viewer.email,
      password: expect.stringMatching(/^[A-Za-z2-9]{16}$/),
    });
    expect(await verifyCredentials(viewer.email, printed.password)).toMatchObject({ id: viewer.id });
    expect(await verifyCredentials(viewer.email, PASSWORD)).toBeNull();
    const events = await auditAbout(viewer.id, 'user.password_reset');
    expect(events).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ generatedPassword: true, via: 'cli' }) }),
    ]);
    expect(JSON.stringify(events)).not.toContain(printed.password);
  });

  it('users set-password --email E --password P → P signs in and is not printed; a short one → exit 1', async () => {
    const viewer = await makeUser('viewer');
    const result = await cli('users', 'set-password', '--email', viewer.email, '--password', 'typed in a shell');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('typed in a shell');
    expect(JSON.parse(result.stdout)).toEqual({ id: viewer.id, email: viewer.email });
    expect(await verifyCredentials(viewer.email, 'typed in a shell')).not.toBeNull();

    const short = await cli('users', 'set-password', '--email', viewer.email, '--password', 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8 characters');
    expect(await verifyCredentials(viewer.email, 'typed in a shell')).not.toBeNull();
  });

  it('users add → user.created audited via cli, without the password', async () => {
    const email = `cli-users-${Date.now()}@test.example`;
    const result = await cli('users', 'add', '--email', email, '--password', PASSWORD, '--role', 'editor');
    expect(result.code).toBe(0);
    const { id } = JSON.parse(result.stdout) as { id: string };
    const events = await auditAbout(id, 'user.created');
    expect(events).toEqual([
      expect.objectContaining({ userId: null, details: expect.objectContaining({ role: 'editor', via: 'cli' }) }),
    ]);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('users add --password "a" × 100 → exit 1 "at most 72 bytes", nobody created; set-password --password "ü" × 40 → exit 1, unchanged', async () => {
    const email = `cli-bytes-${Date.now()}@test.example`;
    const added = await cli('users', 'add', '--email', email, '--password', 'a'.repeat(100), '--role', 'viewer');
    expect(added.code).toBe(1);
    expect(added.stderr).toContain('The password must be at most 72 bytes');
    expect(await db.user.count({ where: { email } })).toBe(0);

    const viewer = await makeUser('viewer');
    const reset = await cli('users', 'set-password', '--email', viewer.email, '--password', 'ü'.repeat(40));
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain('this one is 80');
    expect(await verifyCredentials(viewer.email, PASSWORD)).not.toBeNull();

    const exact = await cli('users', 'set-password', '--email', viewer.email, '--password', 'a'.repeat(72));
    expect(exact.code).toBe(0);
    expect(await verifyCredentials(viewer.email, `${'a'.repeat(72)}DIFFERENT`)).toBeNull();
    expect(await verifyCredentials(viewer.email, 'a'.repeat(72))).not.toBeNull();
  });

  it('users list → each user with disabledAt', async () => {
    const viewer = await makeUser('viewer');
    await db.user.update({ where: { id: viewer.id }, data: { disabledAt: new Date() } });
    const list = JSON.parse((await cli('users', 'list')).stdout) as { id: string; disabledAt: string | null }[];
    expect(list.find((user) => user.id === viewer.id)?.disabledAt).toEqual(expect.any(String));
  });
});
