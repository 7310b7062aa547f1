import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tier. Run it with `npm run test:e2e` (scripts/e2e.ts), which starts a throwaway portal
 * and sets E2E_BASE_URL, the E2E_* accounts and CHROMIUM_PATH (system Chromium, when Playwright's
 * own browser is not installed).
 */
const isCI = !!process.env.CI;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

// The tests write data: never against a shared database (scripts/e2e.ts checks this too).
if (process.env.DATABASE_URL && !LOCAL_HOSTS.has(new URL(process.env.DATABASE_URL).hostname)) {
  throw new Error('DATABASE_URL is not on localhost; the browser tests only run against a local database.');
}

/** Desktop Chrome on the system Chromium when Playwright's own browser is missing. */
const CHROMIUM = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || undefined,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  },
};

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: '.data/test-results/e2e-artifacts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: isCI,
  // One retry in CI: a test that fails, then passes, counts as passed but `npm test` names it under
  // "flaky tests" in its summary (and Playwright keeps the first attempt's trace), so it gets fixed
  // instead of failing a whole run. Locally none: a failure is seen at once.
  retries: isCI ? 1 : 0,
  workers: 2,
  // `npm test` (scripts/test-all.ts) sets E2E_JSON_REPORT to count results; CI always writes it.
  reporter:
    isCI || process.env.E2E_JSON_REPORT
      ? [['list'], ['json', { outputFile: process.env.E2E_JSON_REPORT ?? '.data/test-results/playwright.json' }]]
      : [['list']],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000',
    // Accept-Language en-US: the specs read English labels; i18n.spec.ts opens German contexts itself.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  // Live-editor specs need a Collabora/OnlyOffice server: opt in with E2E_EDITOR=1. Tests tagged
  // @exclusive change what every other test sees (emptying the whole trash): they run last, alone.
  projects: [
    {
      name: 'chromium',
      grepInvert: process.env.E2E_EDITOR ? /@exclusive/ : /@editor|@collabora|@exclusive/,
      use: CHROMIUM,
    },
    {
      name: 'chromium-exclusive',
      grep: /@exclusive/,
      dependencies: ['chromium'],
      use: CHROMIUM,
    },
  ],
});
