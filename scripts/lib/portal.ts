/**
 * A throwaway portal for the test and benchmark tools: `scripts/start.ts` on a temporary
 * DATA_DIR (embedded Postgres + S3 on free ports, known seed accounts), a CLI bound to it, and
 * a stop that always cleans up (SIGTERM, then SIGKILL of its process group after 20 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../tests/support/ports';
import { waitForHttp } from './wait';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 240_000; // the first start runs `next build`
const STOP_TIMEOUT_MS = 20_000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export const ACCOUNTS = {
  ADMIN: { email: 'e2e-admin@example.com', password: 'e2e-admin-password' },
  USER: { email: 'e2e-editor@example.com', password: 'e2e-editor-password' },
  VIEWER: { email: 'e2e-viewer@example.com', password: 'e2e-viewer-password' },
} as const;

/** These tools create and overwrite data: never point them at a shared database or bucket. */
export const refuseRemoteServices = () => {
  for (const name of ['DATABASE_URL', 'S3_ENDPOINT'] as const) {
    const value = process.env[name];
    if (!value) continue;
    let host: string;
    try {
      host = new URL(value).hostname;
    } catch {
      throw new Error(`${name} is not a URL.`);
    }
    if (!LOCAL_HOSTS.has(host)) {
      throw new Error(
        `${name} points at ${host}; this tool writes data, so it only runs against localhost. Unset it to use the embedded services.`,
      );
    }
  }
};

const distinctFreePorts = async (count: number) => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());

  return [...ports] as [number, ...number[]];
};

export const isRunning = (child: ChildProcess | undefined): child is ChildProcess =>
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

const prefixOutput = (stream: NodeJS.ReadableStream | null, prefix: string, sink: NodeJS.WriteStream) => {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => sink.write(`${prefix}${line}\n`));
};

/** Runs a node script to completion, collecting its stdout; throws with its output on a non-zero exit. */
export const runNode = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${args.slice(2).join(' ')} exited with ${code}:\n${stderr || stdout}`)),
    );
  });

export type Portal = {
  baseUrl: string;
  /** The start script's pid, also its process group's id (it runs detached). */
  pid: number;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** `npm run cli -- …` against this portal; resolves with its stdout. */
  cli: (...args: string[]) => Promise<string>;
  isAlive: () => boolean;
  stop: () => Promise<void>;
};

type StartOptions = {
  label: string;
  log: (line: string) => void;
  /** Extra environment for the portal (e.g. MAX_UPLOAD_BYTES). */
  env?: Record<string, string>;
  /** Keep DATA_DIR after stop (debugging). */
  keepData?: boolean;
  isInterrupted?: () => boolean;
  /** Where the portal's own output goes (default: its stdout to ours, its stderr to ours). */
  output?: NodeJS.WriteStream;
  /** Ignore DATABASE_URL / S3_ENDPOINT from our environment: always the embedded services. */
  isEmbeddedOnly?: boolean;
};

export const startPortal = async ({
  label,
  log,
  env = {},
  keepData = false,
  isInterrupted = () => false,
  output,
  isEmbeddedOnly = false,
}: StartOptions): Promise<Portal> => {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), `wopi-${label}-`));
  await chmod(dataDir, 0o755); // embedded Postgres runs as the postgres user when we are root
  const [port, pgPort, s3Port] = await distinctFreePorts(3);
  const baseUrl = `http://127.0.0.1:${port}`;
  const portalEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    SEED_ADMIN_EMAIL: ACCOUNTS.ADMIN.email,
    SEED_ADMIN_PASSWORD: ACCOUNTS.ADMIN.password,
    SEED_USER_EMAIL: ACCOUNTS.USER.email,
    SEED_USER_PASSWORD: ACCOUNTS.USER.password,
    SEED_SAMPLE_DOCUMENTS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    // A developer's .env must not point a throwaway portal at real services.
    SKIP_DOTENV: '1',
    ...env,
  };
  if (isEmbeddedOnly) {
    delete portalEnv.DATABASE_URL;
    delete portalEnv.S3_ENDPOINT;
  }

  log(`Starting the portal on ${baseUrl} (DATA_DIR ${dataDir})…`);
  // Its own process group (detached), so Ctrl-C reaches it only through us, in order, and a
  // last-resort SIGKILL takes next, postgres and s3rver along.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: portalEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixOutput(child.stdout, '[portal] ', output ?? process.stdout);
  prefixOutput(child.stderr, '[portal] ', output ?? process.stderr);

  const stop = async () => {
    if (isRunning(child)) {
      log('Stopping the portal…');
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        log(`The portal did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing its process group.`);
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        await waitForExit(child, 5_000);
      }
    }
    if (keepData) log(`Kept DATA_DIR ${dataDir}.`);
    else await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await waitForHttp(`${baseUrl}/api/live`, {
      timeoutMs: READY_TIMEOUT_MS,
      isAlive: () => !isInterrupted() && isRunning(child),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Portal ready after ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  return {
    baseUrl,
    pid: child.pid!,
    dataDir,
    env: portalEnv,
    cli: (...args) => runNode(['--import', 'tsx', 'scripts/cli.ts', ...args], portalEnv),
    isAlive: () => isRunning(child),
    stop,
  };
};
