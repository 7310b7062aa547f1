/**
 * `npm run test:e2e [-- playwright args]`: the browser tier against a real portal. Starts
 * `scripts/start.ts` on a throwaway DATA_DIR (embedded Postgres + S3, free ports, known seed
 * passwords), adds a viewer through the CLI, runs Playwright, and always stops the portal and
 * deletes the data again. Exits with Playwright's exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../tests/support/ports';
import { resolveChromium } from './lib/browser';
import { waitForHttp } from './lib/wait';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 240_000; // the first start runs `next build`
const STOP_TIMEOUT_MS = 20_000;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const say = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

let interrupted: NodeJS.Signals | undefined;
const interruptedCode = () => (interrupted === 'SIGINT' ? 130 : 143);

/** The tests create and overwrite data: never point them at a shared database or bucket. */
const refuseRemoteServices = () => {
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
        `${name} points at ${host}; the browser tests write data, so they only run against localhost. Unset it to use the embedded services.`,
      );
    }
  }
};

const distinctFreePorts = async (count: number) => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());

  return [...ports] as [number, ...number[]];
};

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

const prefixOutput = (stream: NodeJS.ReadableStream | null, prefix: string, sink: NodeJS.WriteStream) => {
  if (!stream) return;
  createInterface({ input: stream }).on('line', (line) => sink.write(`${prefix}${line}\n`));
};

/** Runs a command to completion, collecting its output; throws with stderr on a non-zero exit. */
const runQuiet = (args: string[], env: NodeJS.ProcessEnv) =>
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

const main = async (): Promise<number> => {
  const started = Date.now();
  refuseRemoteServices();
  const chromiumPath = await resolveChromium({ log: say });
  say(chromiumPath ? `Chromium: ${chromiumPath}` : 'Chromium: Playwright’s own browser');

  const dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-e2e-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as the postgres user when we are root
  const [port, pgPort, s3Port] = await distinctFreePorts(3);
  const baseUrl = `http://127.0.0.1:${port}`;
  const accounts = {
    ADMIN: { email: 'e2e-admin@example.com', password: 'e2e-admin-password' },
    USER: { email: 'e2e-editor@example.com', password: 'e2e-editor-password' },
    VIEWER: { email: 'e2e-viewer@example.com', password: 'e2e-viewer-password' },
  };
  const portalEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_S3_PORT: String(s3Port),
    SEED_ADMIN_EMAIL: accounts.ADMIN.email,
    SEED_ADMIN_PASSWORD: accounts.ADMIN.password,
    SEED_USER_EMAIL: accounts.USER.email,
    SEED_USER_PASSWORD: accounts.USER.password,
    SEED_SAMPLE_DOCUMENTS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    // A developer's .env must not point the test portal at real services.
    SKIP_DOTENV: '1',
  };

  let portal: ChildProcess | undefined;
  let playwright: ChildProcess | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    say(`${signal}: stopping…`);
    // Ctrl-C already reached Playwright (same process group); a SIGTERM sent to us alone did not.
    if (signal === 'SIGTERM' && isRunning(playwright)) playwright.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const stopPortal = async () => {
    if (!isRunning(portal)) return;
    say('Stopping the portal…');
    portal.kill('SIGTERM');
    if (await waitForExit(portal, STOP_TIMEOUT_MS)) return;
    say(`The portal did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing its process group.`);
    try {
      process.kill(-portal.pid!, 'SIGKILL'); // detached: the group holds next, postgres and s3rver too
    } catch {
      portal.kill('SIGKILL');
    }
    await waitForExit(portal, 5_000);
  };

  try {
    say(`Starting the portal on ${baseUrl} (DATA_DIR ${dataDir})…`);
    // Run start.ts in this node process's own group (detached) so Ctrl-C reaches it only through
    // us, in order, and a last-resort SIGKILL can take its children along.
    portal = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env: portalEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    prefixOutput(portal.stdout, '[portal] ', process.stdout);
    prefixOutput(portal.stderr, '[portal] ', process.stderr);
    await waitForHttp(`${baseUrl}/api/live`, {
      timeoutMs: READY_TIMEOUT_MS,
      isAlive: () => !interrupted && isRunning(portal),
    });
    say(`Portal ready after ${((Date.now() - started) / 1000).toFixed(1)} s.`);

    await runQuiet(
      [
        '--import',
        'tsx',
        'scripts/cli.ts',
        'users',
        'add',
        '--email',
        accounts.VIEWER.email,
        '--password',
        accounts.VIEWER.password,
        '--role',
        'viewer',
      ],
      portalEnv,
    );
    if (interrupted) return interruptedCode();

    const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    playwright = spawn(process.execPath, [playwrightCli, 'test', ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        E2E_BASE_URL: baseUrl,
        E2E_DATA_DIR: dataDir,
        E2E_ADMIN_EMAIL: accounts.ADMIN.email,
        E2E_ADMIN_PASSWORD: accounts.ADMIN.password,
        E2E_USER_EMAIL: accounts.USER.email,
        E2E_USER_PASSWORD: accounts.USER.password,
        E2E_VIEWER_EMAIL: accounts.VIEWER.email,
        E2E_VIEWER_PASSWORD: accounts.VIEWER.password,
        ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : {}),
      },
    });
    const code = await new Promise<number>((resolve) => {
      playwright!.once('error', (error) => {
        say(`Could not run Playwright: ${error.message}`);
        resolve(1);
      });
      playwright!.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });

    return interrupted ? interruptedCode() : code;
  } finally {
    await stopPortal();
    if (process.env.E2E_KEEP_DATA) say(`Kept DATA_DIR ${dataDir} (E2E_KEEP_DATA is set).`);
    else await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (interrupted) process.exit(interruptedCode());
    say(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
