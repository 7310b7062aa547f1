/**
 * A CLI run in a second shell while `npm start` is still starting on the same DATA_DIR
 * (lib/embedded/services.ts claimDataDir): the CLI attaches once the portal's database is
 * migrated, never starts a second Postgres on its cluster nor stops the portal's, and the
 * portal starts as if alone. (It used to: the CLI saw no runtime.json yet, took the portal's
 * new postmaster for an orphan and stopped it, and `npm start` failed.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import type { RuntimeInfo } from '@/lib/embedded/services';
import { freePort } from '../../support/ports';

let dataDir: string;
let portal: ChildProcess | undefined;
let portalOutput = '';
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-start-cli-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as another user when we are root
  env = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_S3_PORT: String(await freePort()),
    DATABASE_URL: '',
    S3_ENDPOINT: '',
    SEED_SAMPLE_DOCUMENTS: 'false',
    LOG_LEVEL: 'warn',
    SKIP_DOTENV: '1',
  };
});
afterAll(async () => {
  if (portal && portal.exitCode === null && portal.signalCode === null) {
    const exited = new Promise((resolve) => portal!.once('exit', resolve));
    portal.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${portalOutput.slice(-2000)}`)),
      timeoutMs,
    );
    const check = () => {
      if (!pattern.test(portalOutput)) return;
      clearTimeout(timer);
      resolve();
    };
    portal!.stdout!.on('data', check);
    portal!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}):\n${portalOutput.slice(-2000)}`));
    });
    check();
  });

const runCli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm start and the CLI on one DATA_DIR', () => {
  it('CLI `documents list` while npm start is starting its services → the CLI answers [] (exit 0), the portal starts with its own Postgres untouched', async () => {
    portal = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    portal.stdout!.on('data', (chunk: Buffer) => (portalOutput += chunk.toString()));
    portal.stderr!.on('data', (chunk: Buffer) => (portalOutput += chunk.toString()));
    // Its Postgres is up; migrations, the first-start seed and the web server are still to come.
    await waitForOutput(/Embedded Postgres on /, 120_000);
    const owner = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
    expect(owner.postgresPid).toBeGreaterThan(0);

    const cli = await runCli('documents', 'list', '--folder', 'T');
    expect(cli.stderr).not.toMatch(/error/i);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([]);

    await waitForOutput(/Portal ready at /, 180_000);
    expect(portalOutput).not.toMatch(/Start failed|exited unexpectedly/);
    const after = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
    expect(after.ownerPid).toBe(owner.ownerPid);
    expect(after.postgresPid).toBe(owner.postgresPid);
    expect(after.isReady).toBe(true);
  }, 300_000);
});
