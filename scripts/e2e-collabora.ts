/**
 * `npm run test:collabora [-- playwright args]`: tests/e2e/collabora.spec.ts against a REAL
 * Collabora Online (CODE). Starts docker-compose.yml (app built from this tree, Postgres, MinIO,
 * Collabora) as its own compose project with throwaway volumes, waits for the portal and
 * Collabora's discovery, runs Playwright with `--grep @collabora`, and always removes the project
 * and its volumes again (`down -v`). Exits with Playwright's exit code.
 *
 * Without a usable Docker engine (or the compose plugin) it says so and still runs Playwright, with
 * E2E_COLLABORA unset: the spec reports itself skipped with the reason, and the exit code is 0.
 */
/* eslint-disable no-restricted-properties -- a test runner like scripts/e2e.ts: it reads its
   environment and passes it on to docker compose and Playwright. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { resolveChromium } from './lib/browser';
import { isRunning, ROOT } from './lib/portal';
import { waitForHttp } from './lib/wait';

const say = (line: string) => process.stdout.write(`[collabora] ${line}\n`);

/** Its own compose project: never touches the volumes of a developer's `docker compose up`. */
const PROJECT = 'wopi-collabora-e2e';
/** What docker-compose.yml publishes; the browser and Collabora both use these (see its header). */
const PORTAL_URL = 'http://127.0.0.1:3000';
const COLLABORA_URL = 'http://127.0.0.1:9980';
const PUBLISHED_PORTS = [3000, 9980, 9001];
const ADMIN = { email: 'collabora-e2e-admin@example.com', password: 'collabora-e2e-admin-password' };
const READY_TIMEOUT_MS = 300_000;
/** Playwright's artifacts of this run, apart from those of `npm run test:e2e`. */
const OUTPUT_DIR = '.data/test-results/collabora-artifacts';

let interrupted: NodeJS.Signals | undefined;
const interruptedCode = () => (interrupted === 'SIGINT' ? 130 : 143);

type Result = { code: number; output: string };

/** Runs a command to completion; `capture` collects stdout+stderr instead of showing them. */
const run = (command: string, args: string[], options: SpawnOptions & { capture?: boolean } = {}) =>
  new Promise<Result>((resolve) => {
    const { capture = false, ...spawnOptions } = options;
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      ...spawnOptions,
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ code: 127, output: `${output}${error.message}` }));
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });

/** Why Docker cannot run the stack here, or null when it can. */
const dockerUnavailable = async (): Promise<string | null> => {
  const engine = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { capture: true, timeout: 30_000 });
  if (engine.code !== 0)
    return engine.output.trim().split('\n').slice(-3).join(' ') || `docker info exited ${engine.code}`;
  const compose = await run('docker', ['compose', 'version'], { capture: true, timeout: 30_000 });
  if (compose.code !== 0) return `the Docker Compose plugin is missing (${compose.output.trim().split('\n')[0]})`;

  return null;
};

const isPortFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const playwrightCli = () => createRequire(import.meta.url).resolve('@playwright/test/cli');

const runPlaywright = (env: Record<string, string>, onStart: (child: ChildProcess) => void) =>
  new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [playwrightCli(), 'test', '--grep', '@collabora', `--output=${OUTPUT_DIR}`, ...process.argv.slice(2)],
      // E2E_EDITOR lifts playwright.config.ts's grepInvert of @editor/@collabora specs.
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, E2E_EDITOR: '1', ...env } },
    );
    onStart(child);
    child.once('error', (error) => {
      say(`Could not run Playwright: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

/** No Docker: let the spec itself report "skipped" and why (E2E_COLLABORA stays unset). */
const reportSkipped = async (reason: string) => {
  say(`Docker is not available: the Collabora end-to-end test needs Docker; skipped. (${reason})`);
  delete process.env.E2E_COLLABORA;

  return runPlaywright({ E2E_BASE_URL: PORTAL_URL }, () => undefined);
};

const main = async (): Promise<number> => {
  const started = Date.now();
  const unavailable = await dockerUnavailable();
  if (unavailable) return reportSkipped(unavailable);

  const busy: number[] = [];
  for (const port of PUBLISHED_PORTS) if (!(await isPortFree(port))) busy.push(port);
  if (busy.length > 0) {
    say(
      `Port ${busy.join(', ')} on 127.0.0.1 is in use (a running \`docker compose up\` or \`npm start\`?). ` +
        'The stack publishes 3000, 9980 and 9001; stop whatever holds them and run again.',
    );

    return 1;
  }

  const chromiumPath = await resolveChromium({ log: say });
  say(chromiumPath ? `Chromium: ${chromiumPath}` : 'Chromium: Playwright’s own browser');

  // Shell variables win over a developer's .env, which compose also reads for substitution.
  const composeEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PUBLIC_URL: PORTAL_URL,
    WOPI_CLIENTS: `collabora=${COLLABORA_URL}/hosting/discovery`,
    COLLABORA_SERVER_NAME: new URL(COLLABORA_URL).host,
    SEED_ADMIN_EMAIL: ADMIN.email,
    SEED_ADMIN_PASSWORD: ADMIN.password,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    WOPI_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
  const compose = (args: string[], capture = false) =>
    run('docker', ['compose', '-p', PROJECT, '-f', 'docker-compose.yml', ...args], { env: composeEnv, capture });

  let playwright: ChildProcess | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    say(`${signal}: stopping, then removing the stack…`);
    // Ctrl-C already reached the children (same process group); a SIGTERM sent to us alone did not.
    if (signal === 'SIGTERM' && isRunning(playwright)) playwright.kill('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    say('Building the app image and starting app, Postgres, MinIO and Collabora (the first run pulls ~2 GB)…');
    const up = await compose(['up', '-d', '--build', '--wait', 'postgres', 'minio', 'collabora', 'app']);
    if (interrupted) return interruptedCode();
    if (up.code !== 0) throw new Error(`docker compose up exited with ${up.code}.`);

    await waitForHttp(`${PORTAL_URL}/api/health`, { timeoutMs: READY_TIMEOUT_MS, isAlive: () => !interrupted });
    await waitForHttp(`${COLLABORA_URL}/hosting/discovery`, {
      timeoutMs: READY_TIMEOUT_MS,
      isAlive: () => !interrupted,
    });
    if (interrupted) return interruptedCode();
    say(`Stack ready after ${((Date.now() - started) / 1000).toFixed(0)} s.`);

    const code = await runPlaywright(
      {
        E2E_COLLABORA: '1',
        E2E_BASE_URL: PORTAL_URL,
        E2E_ADMIN_EMAIL: ADMIN.email,
        E2E_ADMIN_PASSWORD: ADMIN.password,
        ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : {}),
      },
      (child) => (playwright = child),
    );
    if (code !== 0 && !interrupted) {
      say('The test failed; the last log lines of the app and Collabora:');
      await compose(['logs', '--no-color', '--tail', '150', 'app', 'collabora']);
    }

    return interrupted ? interruptedCode() : code;
  } catch (error) {
    if (!interrupted) {
      say(`Failed: ${error instanceof Error ? error.message : String(error)}`);
      await compose(['ps', '--all']);
      await compose(['logs', '--no-color', '--tail', '150', 'app', 'collabora']);
    }

    return interrupted ? interruptedCode() : 1;
  } finally {
    say('Removing the stack and its volumes (docker compose down -v)…');
    const down = await compose(['down', '-v', '--remove-orphans'], true);
    if (down.code !== 0) say(`docker compose down -v exited with ${down.code}:\n${down.output}`);
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
