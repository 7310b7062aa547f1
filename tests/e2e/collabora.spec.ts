/**
 * The real thing: a .docx opened in Collabora Online (CODE), edited, saved through PutFile and
 * closed, with the bucket checked afterwards. Needs the Docker stack of docker-compose.yml, which
 * `npm run test:collabora` (scripts/e2e-collabora.ts) starts, sets E2E_COLLABORA=1 for, and
 * removes again. Without it the test reports itself skipped with the reason.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { APIRequestContext, FrameLocator, Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { makeDocx } from '../../lib/samples/generate';
import { expect, test, uniqueName } from './fixtures';

test.skip(
  process.env.E2E_COLLABORA !== '1',
  'Collabora is not running: run `npm run test:collabora` on a machine with Docker',
);

// Collabora starts a document process per document on first open: seconds to a minute.
const EDITOR_LOAD_MS = 180_000;
const SAVE_MS = 120_000;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const upload = async (request: APIRequestContext, folder: string, name: string, bytes: Uint8Array) => {
  const response = await request.post(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, {
    data: Buffer.from(bytes),
    headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  });
  expect(response.status(), 'admin upload').toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

/** The document's current bytes as stored in the bucket (through the portal's download route). */
const download = async (request: APIRequestContext, id: string) => {
  const response = await request.get(`/api/documents/${id}/content`);
  expect(response.status(), `GET /api/documents/${id}/content`).toBe(200);

  return new Uint8Array(await response.body());
};

/** The visible text of a .docx: word/document.xml without its markup (runs may be split anywhere). */
const docxText = (bytes: Uint8Array) => {
  const xml = unzipSync(bytes, { filter: (file) => file.name === 'word/document.xml' })['word/document.xml'];
  expect(xml, 'word/document.xml in the saved .docx').toBeDefined();

  return strFromU8(xml!).replace(/<[^>]+>/g, '');
};

/** Collabora's UI may open a dialog over the document (news, tips); Escape closes those. */
const dismissDialogs = async (frame: FrameLocator, page: Page) => {
  const dialog = frame.locator('.jsdialog-window:visible, .vex-dialog-form:visible, [role="dialog"]:visible').first();
  for (let attempt = 0; attempt < 3 && (await dialog.isVisible()); attempt++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
};

test('@collabora a .docx opens in Collabora → typed text → Ctrl+S saves through PutFile → close → new bytes in the bucket, v2 listed', async ({
  page,
}) => {
  test.setTimeout(8 * 60_000);
  const folder = uniqueName('e2e-collabora');
  // Letters and digits only, typed without a following space: autocorrect leaves it as it is.
  const marker = `Collabora${randomBytes(4).toString('hex').toUpperCase()}`;
  const original = makeDocx({
    title: 'Collabora end-to-end',
    paragraphs: ['This document was uploaded by the browser test.'],
  });
  const id = await upload(page.request, folder, 'Letter.docx', original);
  const before = await download(page.request, id);
  expect(sha256(before), 'the bucket holds the uploaded bytes').toBe(sha256(original));

  // Open it from the folder, as a person would.
  await page.goto(`/?folder=${encodeURIComponent(folder)}`);
  await page.getByRole('link', { name: /Letter\.docx/ }).click();
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit`));
  expect(page.url()).not.toContain('access_token');
  await expect(page.getByTestId('editor-name')).toContainText('collabora');

  // Collabora's App_LoadingStatus reached the host page: PostMessageOrigin (PUBLIC_URL) is the
  // page's origin and the host page accepted the message from the editor's origin.
  await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded', { timeout: EDITOR_LOAD_MS });
  const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
  const canvas = frame.locator('#document-canvas, #map canvas').first();
  await expect(canvas, 'Collabora renders the document').toBeVisible({ timeout: EDITOR_LOAD_MS });
  await dismissDialogs(frame, page);

  // Type at the end of the document, then save with Collabora's own shortcut (→ PutFile). A click
  // on the canvas focuses Collabora's hidden input; when one of its overlays sits on top of the
  // canvas centre, click there anyway, as a person would.
  await canvas.click({ timeout: 15_000 }).catch(() => canvas.click({ force: true }));
  await page.keyboard.press('Control+End');
  await page.keyboard.type(marker, { delay: 40 });
  await page.keyboard.press('Control+s');

  await expect
    .poll(async () => sha256(await download(page.request, id)), {
      message: 'the object in the bucket changes after the save',
      timeout: SAVE_MS,
      intervals: [1_000, 2_000, 5_000],
    })
    .not.toBe(sha256(before));
  const after = await download(page.request, id);
  expect(docxText(after), 'the saved .docx contains the typed text').toContain(marker);

  // Leaving must not be held up by a "changes may be lost" prompt should Collabora ask one.
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()));

  // Close. Collabora's close button (it posts UI_Close, which the host page follows back to the
  // folder) exists only when the editor URL carries closebutton=1; the header link always does.
  const closeButton = frame.locator('#closebutton');
  if (await closeButton.isVisible()) await closeButton.click();
  else await page.getByTestId('back-to-folder').click();
  await expect(page).toHaveURL(new RegExp(`[?&]folder=${folder}`), { timeout: 30_000 });

  // Every PutFile is a version: the save above made v2. Collabora saves again only if the document
  // is modified after that (its idle autosave), so accept later numbers rather than race it.
  const version = page.getByTestId('document-row').filter({ hasText: 'Letter.docx' }).getByTestId('document-version');
  await expect(version).toHaveText(/^v\d+$/);
  expect(Number((await version.textContent())!.trim().slice(1)), 'version after one save').toBeGreaterThanOrEqual(2);
  expect(docxText(await download(page.request, id)), 'the latest version still has the typed text').toContain(marker);
});
