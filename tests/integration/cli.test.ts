import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { db } from '@/lib/db';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';

const exec = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

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

describe('npm run cli', () => {
  it('users add → JSON user; again → exit 1 "already exists"; users list includes it', async () => {
    const email = `cli-${randomUUID()}@test.example`;
    const added = await cli('users', 'add', '--email', email, '--password', 'long enough', '--role', 'viewer');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ email, role: 'viewer' });
    expect(added.stdout).not.toContain('long enough');

    const again = await cli('users', 'add', '--email', email, '--password', 'long enough', '--role', 'viewer');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const list = JSON.parse((await cli('users', 'list')).stdout) as { email: string }[];
    expect(list.map((user) => user.email)).toContain(email);
  });

  it('users add with a bad role or short password → exit 1 with the reason, nothing created', async () => {
    const email = `cli-${randomUUID()}@test.example`;
    const badRole = await cli('users', 'add', '--email', email, '--password', 'long enough', '--role', 'owner');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('role must be one of admin, editor, viewer');
    const shortPassword = await cli('users', 'add', '--email', email, '--password', 'short', '--role', 'viewer');
    expect(shortPassword.stderr).toContain('at least 8 characters');
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it('documents upload <path> --folder F --name N → prints the new id; documents list shows it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-cli-'));
    const file = path.join(dir, 'local.docx');
    await writeFile(file, 'document bytes');
    const folder = `cli-${randomUUID().slice(0, 8)}`;
    const uploaded = await cli('documents', 'upload', file, '--folder', folder, '--name', 'Named.docx');
    expect(uploaded.code).toBe(0);
    const doc = JSON.parse(uploaded.stdout) as { id: string; name: string; size: number };
    expect(doc).toMatchObject({ name: 'Named.docx', size: 14 });
    expect(doc.id).toMatch(/^[0-9a-f-]{36}$/);

    const listed = JSON.parse((await cli('documents', 'list', '--folder', folder)).stdout) as { id: string }[];
    expect(listed.map((row) => row.id)).toEqual([doc.id]);

    const duplicate = await cli('documents', 'upload', file, '--folder', folder, '--name', 'Named.docx');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    await rm(dir, { recursive: true, force: true });
  });

  it('unknown command → exit 2 with usage; missing file → exit 1', async () => {
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: npm run cli');
    const missing = await cli('documents', 'upload', '/nonexistent/file.docx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such file');
  });

  it('documents restore-version ID 3000000000 (past a Postgres integer) → exit 1 "has no version", no Prisma dump', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-cli-'));
    const file = path.join(dir, 'v.docx');
    await writeFile(file, 'v1');
    const { id } = JSON.parse(
      (await cli('documents', 'upload', file, '--folder', `cli-${randomUUID().slice(0, 8)}`)).stdout,
    ) as { id: string };
    for (const version of ['3000000000', '99999999999999999999']) {
      const restored = await cli('documents', 'restore-version', id, version);
      expect(restored.code).toBe(1);
      expect(restored.stderr).toContain('has no version');
      expect(restored.stderr).not.toContain('invocation');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("token --ttl-hours past WOPI_TOKEN_TTL_SECONDS' ceiling (7 days) → exit 2, no token", async () => {
    const minted = await cli(
      'token',
      '--document',
      randomUUID(),
      '--user',
      'nobody@test.example',
      '--ttl-hours',
      '1e9',
    );
    expect(minted.code).toBe(2);
    expect(minted.stderr).toContain('--ttl-hours must be a number of hours in (0, 168]');
    expect(minted.stdout).toBe('');
  });
});
