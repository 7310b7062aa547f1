/**
 * The portal under test: started like scripts/e2e.ts does (throwaway DATA_DIR, free ports, own
 * process group, stopped with SIGTERM then SIGKILL) or an already running one on --url with
 * --data-dir. Also runs the CLI against it with the same environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../tests/support/ports';
import { waitForHttp } from '../lib/wait';
import { childProcessEnv } from '@/lib/env';
import type { RuntimeInfo } from '@/lib/embedded/services';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 300_000; // the first start may run `next build`
const STOP_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 120_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export type Portal = {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** Environment for CLI runs (DATA_DIR and, for our own portal, the same variables it got). */
  env: NodeJS.ProcessEnv;
  adminEmail: string;
  owned: boolean;
  runtime: () => Promise<RuntimeInfo>;
  stop: () => Promise<void>;
};

export const isLoopback = (url: string) => LOOPBACK.has(new URL(url).hostname);

const isRunning = (child: ChildProcess | undefined): child is ChildProcess =>
  !!child && child.exitCode === null && child.signalCode === null;

const waitForExit = (child: ChildProcess, timeoutMs: number) =>
  new Promise<boolean>((resolve) => {
    if (!isRunning(child)) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const readRuntimeFile = (dataDir: string) => async () =>
  JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;

const distinctFreePorts = async (count: number) => {
  const ports = new Set<number>();
  for (let i = 0; i < 50 && ports.size < count; i++) ports.add(await freePort());
  if (ports.size < count) throw new Error('no free ports');

  return [...ports] as [number, number, number];
};

/** Starts `scripts/start.ts` on a fresh DATA_DIR; its output goes to stderr with a prefix. */
export const startPortal = async (options: { log: (line: string) => void; isAborted: () => boolean }) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-bench-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as the postgres user when we are root
  const [port, pgPort, s3Port] = await distinctFreePorts(3);
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminEmail = 'bench-admin@example.com';
  const env = childProcessEnv({
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    SEED_ADMIN_EMAIL: adminEmail,
    SEED_ADMIN_PASSWORD: 'bench-admin-password',
    SEED_USER_EMAIL: 'bench-editor@example.com',
    SEED_USER_PASSWORD: 'bench-editor-password',
    SEED_SAMPLE_DOCUMENTS: 'false',
    MAX_UPLOAD_BYTES: String(4 * 1024 ** 3),
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    SKIP_DOTENV: '1', // a developer's .env must not point the bench at real services
  });
  for (const name of ['DATABASE_URL', 'S3_ENDPOINT']) delete env[name]; // always the embedded ones

  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: a last-resort SIGKILL takes next, postgres and s3rver along
  });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => options.log(`[portal] ${line}`));

  const stop = async () => {
    if (isRunning(child)) {
      options.log('Stopping the portal…');
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        options.log(`The portal did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing its process group.`);
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        await waitForExit(child, 5_000);
      }
    }
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await waitForHttp(`${baseUrl}/api/live`, {
      timeoutMs: READY_TIMEOUT_MS,
      isAlive: () => !options.isAborted() && isRunning(child),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const portal: Portal = {
    baseUrl,
    port,
    dataDir,
    env,
    adminEmail,
    owned: true,
    runtime: readRuntimeFile(dataDir),
    stop,
  };

  return portal;
};

/** A portal someone else runs; only loopback URLs (the bench sends load). */
export const attachPortal = async (options: { url: string; dataDir: string; user: string }): Promise<Portal> => {
  const baseUrl = options.url.replace(/\/$/, '');
  if (!isLoopback(baseUrl)) throw new Error(`--url must be a loopback address (127.0.0.1, localhost, [::1]).`);
  const parsed = new URL(baseUrl);
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  if (parsed.protocol !== 'http:') throw new Error('--url must be http://');
  const dataDir = path.resolve(options.dataDir);
  await waitForHttp(`${baseUrl}/api/live`, { timeoutMs: 10_000 });

  return {
    baseUrl,
    port,
    dataDir,
    env: childProcessEnv({ DATA_DIR: dataDir }),
    adminEmail: options.user,
    owned: false,
    runtime: readRuntimeFile(dataDir),
    stop: async () => {},
  };
};

/** Runs `scripts/cli.ts ARGS` with the portal's environment; returns its JSON output. */
export const runCli = (portal: Portal, args: string[]) =>
  new Promise<unknown>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
      cwd: ROOT,
      env: portal.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), CLI_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cli ${args.slice(0, 2).join(' ')} exited with ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`cli ${args.slice(0, 2).join(' ')} printed no JSON: ${stdout}`));
      }
    });
  });

export type WopiFile = { documentId: string; wopiSrc: string; accessToken: string };

/** Uploads `file` as Bench/NAME (replacing an earlier run's) and issues an admin token for it. */
export const benchDocument = async (portal: Portal, file: string, name: string): Promise<WopiFile> => {
  const uploaded = (await runCli(portal, [
    'documents',
    'upload',
    file,
    '--folder',
    'Bench',
    '--name',
    name,
    '--on-conflict',
    'replace',
  ])) as { id: string };
  const issued = (await runCli(portal, ['token', '--document', uploaded.id, '--user', portal.adminEmail])) as {
    documentId: string;
    accessToken: string;
  };

  // The printed wopiSrc uses PUBLIC_URL; load goes to the loopback URL we were given.
  return {
    documentId: issued.documentId,
    wopiSrc: `${portal.baseUrl}/wopi/files/${issued.documentId}`,
    accessToken: issued.accessToken,
  };
};
