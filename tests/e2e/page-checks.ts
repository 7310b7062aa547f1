import { mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { APIRequestContext, Page } from '@playwright/test';
import { startPortal, type Portal } from '../../scripts/lib/portal';
import { expect, test } from './fixtures';

const SCREENSHOTS = '.data/test-results/screenshots';

export const VIEWPORTS = [
  { label: '1280', width: 1280, height: 900 },
  { label: '390', width: 390, height: 844 },
] as const;

/** A full-page screenshot at .data/test-results/screenshots/<name>.png. */
export const screenshot = async (page: Page, name: string) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
};

/**
 * The page does not scroll sideways at this viewport. With `mainOnly`, only <main> is held to it:
 * an admin's header links are wider than 390 px (components/portal-header.tsx, issue 9 item 8,
 * another branch's work).
 */
export const expectNoHorizontalScroll = async (page: Page, { mainOnly = false } = {}) => {
  const [scrollWidth, innerWidth] = await page.evaluate((isMainOnly) => {
    const main = document.querySelector('main');
    const width =
      isMainOnly && main
        ? Math.max(main.scrollWidth, main.getBoundingClientRect().right)
        : document.documentElement.scrollWidth;

    return [width, window.innerWidth];
  }, mainOnly);
  expect(scrollWidth, mainOnly ? '<main> width' : 'document.documentElement.scrollWidth').toBeLessThanOrEqual(
    innerWidth,
  );
};

/** Admin upload of `body` as folder/name (replacing what is there: a new version); the document id. */
export const uploadAsAdmin = async (
  request: APIRequestContext,
  folder: string,
  name: string,
  body: string | Buffer,
) => {
  const query = new URLSearchParams({ folder, name, onConflict: 'replace' }).toString();
  const response = await request.post(`/api/admin/documents?${query}`, { data: body });
  expect(response.status(), 'admin upload').toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

/** A WOPI access token for `email` on one document, minted by the portal's CLI (no editor, so no proof keys). */
export const cliAccessToken = async (documentId: string, email: string) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/cli.ts', 'token', '--document', documentId, '--user', email],
    { env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR, SKIP_DOTENV: '1', LOG_LEVEL: 'warn' } },
  );

  return (JSON.parse(stdout) as { accessToken: string }).accessToken;
};

/** What an editor does with a lock: LOCK, one PutFile per body with Collabora's save flags, UNLOCK (unless `keepLock`). */
export const saveThroughWopi = async (
  request: APIRequestContext,
  {
    documentId,
    token,
    saves,
    keepLock = false,
  }: {
    documentId: string;
    token: string;
    saves: { body: string; autosave: boolean; exit?: boolean }[];
    keepLock?: boolean;
  },
) => {
  const url = (path: string) => `/wopi/files/${documentId}${path}?access_token=${encodeURIComponent(token)}`;
  const lock = { 'X-WOPI-Lock': 'e2e-history-lock' };
  expect((await request.post(url(''), { headers: { ...lock, 'X-WOPI-Override': 'LOCK' } })).status()).toBe(200);
  // Back to back, without a pause, as editors save. (Such saves once recorded a spurious "Changed
  // in storage" version between them: the next save's HEAD rewrote the embedded s3rver's MD5 file
  // mid-copy and the visible-object copy answered ETag "" — fixed in patches/s3rver+3.7.1.patch,
  // guarded by tests/integration/wopi/back-to-back-saves.test.ts.)
  for (const save of saves) {
    const response = await request.post(url('/contents'), {
      headers: {
        ...lock,
        'X-WOPI-Override': 'PUT',
        'X-COOL-WOPI-IsAutosave': String(save.autosave),
        'X-COOL-WOPI-IsExitSave': String(!!save.exit),
        'X-COOL-WOPI-IsModifiedByUser': 'true',
      },
      data: save.body,
    });
    expect(response.status(), 'PutFile').toBe(200);
  }
  if (!keepLock)
    expect((await request.post(url(''), { headers: { ...lock, 'X-WOPI-Override': 'UNLOCK' } })).status()).toBe(200);
};

/**
 * Inside a test.describe: a second throwaway portal with no editor configured (WOPI_CLIENTS
 * empty), started once for the block (serial, up to 4 minutes: it may build) and stopped after
 * it. Returns its base URL's getter.
 */
export const useNoEditorPortal = (label: string) => {
  let portal: Portal | undefined;
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    portal = await startPortal({ label, log: () => {}, isEmbeddedOnly: true, env: { WOPI_CLIENTS: '' } });
  });
  test.afterAll(async () => {
    await portal?.stop();
  });

  return () => portal!.baseUrl;
};
