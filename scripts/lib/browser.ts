import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const INSTALL_HINT =
  'Install one with `npx playwright install chromium` (needs access to Playwright’s download CDN) ' +
  'or, on Debian/Ubuntu, `apt-get install -y chromium`; or set CHROMIUM_PATH to a Chromium binary.';

const findSystemChromium = () => SYSTEM_CHROMIUMS.find((candidate) => existsSync(candidate));

const run = (command: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}.`)),
    );
  });

const installWithApt = async (log: (line: string) => void) => {
  log('No Chromium found: installing Debian’s with `apt-get update && apt-get install -y chromium` (one time)…');
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', 'chromium']);
};

const hasAptGet = () => ['/usr/bin/apt-get', '/bin/apt-get'].some((candidate) => existsSync(candidate));

/**
 * The Chromium for Playwright: undefined when Playwright's own browser is installed (its default),
 * else a system Chromium, installing Debian's when we are root with apt (../shared/STACK.md: only
 * npm and apt are reachable here, so `npx playwright install` is never tried automatically).
 */
export const resolveChromium = async ({ log = console.log }: { log?: (line: string) => void } = {}): Promise<
  string | undefined
> => {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist. ${INSTALL_HINT}`);

    return explicit;
  }
  if (existsSync(chromium.executablePath())) return undefined;

  const system = findSystemChromium();
  if (system) return system;

  if (process.getuid?.() === 0 && hasAptGet()) {
    await installWithApt(log);
    const installed = findSystemChromium();
    if (installed) return installed;
    throw new Error(`apt-get installed chromium but none of ${SYSTEM_CHROMIUMS.join(', ')} exists. ${INSTALL_HINT}`);
  }

  throw new Error(
    `No Chromium for the browser tests: Playwright’s browser is not installed and ${SYSTEM_CHROMIUMS.join(' / ')} is missing. ${INSTALL_HINT}`,
  );
};
