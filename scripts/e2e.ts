/**
 * `npm run test:e2e [-- playwright args]`: the browser tier against a real portal. Starts
 * `scripts/start.ts` on a throwaway DATA_DIR (embedded Postgres + S3, free ports, known seed
 * passwords), adds a viewer through the CLI, runs Playwright, and always stops the portal and
 * deletes the data again. Exits with Playwright's exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolveChromium } from './lib/browser';
import { startFakeEditor } from '../tests/support/fake-editor/server';
import { ACCOUNTS, isRunning, refuseRemoteServices, ROOT, startPortal } from './lib/portal';

const say = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

let interrupted: NodeJS.Signals | undefined;
const interruptedCode = () => (interrupted === 'SIGINT' ? 130 : 143);

const main = async (): Promise<number> => {
  const started = Date.now();
  refuseRemoteServices();
  const chromiumPath = await resolveChromium({ log: say });
  say(chromiumPath ? `Chromium: ${chromiumPath}` : 'Chromium: Playwright’s own browser');

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

  // The test-only WOPI client: real signed WOPI calls from an "editor" page in the host's iframe.
  const editor = await startFakeEditor();
  say(`Fake editor: ${editor.discoveryUrl}`);
  const portal = await startPortal({
    label: 'e2e',
    log: say,
    keepData: !!process.env.E2E_KEEP_DATA,
    isInterrupted: () => !!interrupted,
    env: { WOPI_CLIENTS: `fake=${editor.discoveryUrl}` },
  }).catch(async (error: unknown) => {
    await editor.close();
    throw error;
  });
  try {
    await portal.cli(
      'users',
      'add',
      '--email',
      ACCOUNTS.VIEWER.email,
      '--password',
      ACCOUNTS.VIEWER.password,
      '--role',
      'viewer',
    );
    if (interrupted) return interruptedCode();

    const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    playwright = spawn(process.execPath, [playwrightCli, 'test', ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: 'inherit',
      env: {
        ...process.env,
        E2E_BASE_URL: portal.baseUrl,
        E2E_DATA_DIR: portal.dataDir,
        E2E_ADMIN_EMAIL: ACCOUNTS.ADMIN.email,
        E2E_ADMIN_PASSWORD: ACCOUNTS.ADMIN.password,
        E2E_USER_EMAIL: ACCOUNTS.USER.email,
        E2E_USER_PASSWORD: ACCOUNTS.USER.password,
        E2E_VIEWER_EMAIL: ACCOUNTS.VIEWER.email,
        E2E_VIEWER_PASSWORD: ACCOUNTS.VIEWER.password,
        E2E_EDITOR_ORIGIN: editor.origin,
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
    await portal.stop();
    await editor.close();
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
