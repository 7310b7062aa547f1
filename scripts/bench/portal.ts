/**
 * The portal under test: started like scripts/e2e.ts does (throwaway DATA_DIR, free ports, own
 * process group, stopped with SIGTERM then SIGKILL) or an already running one on --url with
 * --data-dir. Also runs the CLI against it with the same environment.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ACCOUNTS, ROOT, startPortal as startThrowawayPortal } from '../lib/portal';

export { ROOT };
import { waitForHttp } from '../lib/wait';
import { childProcessEnv } from '@/lib/env';
import type { RuntimeInfo } from '@/lib/embedded/services';

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

const readRuntimeFile = (dataDir: string) => async () =>
  JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;

/** Starts a throwaway portal (scripts/lib/portal.ts) sized for the bench; its output goes to stderr. */
export const startPortal = async (options: {
  log: (line: string) => void;
  isAborted: () => boolean;
}): Promise<Portal> => {
  const portal = await startThrowawayPortal({
    label: 'bench',
    log: options.log,
    isInterrupted: options.isAborted,
    output: process.stderr,
    isEmbeddedOnly: true,
    env: { SEED_SAMPLE_DOCUMENTS: 'false', MAX_UPLOAD_BYTES: String(4 * 1024 ** 3), LOG_LEVEL: 'warn' },
  });

  return {
    baseUrl: portal.baseUrl,
    port: Number(new URL(portal.baseUrl).port),
    dataDir: portal.dataDir,
    env: portal.env,
    adminEmail: ACCOUNTS.ADMIN.email,
    owned: true,
    runtime: readRuntimeFile(portal.dataDir),
    stop: portal.stop,
  };
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
