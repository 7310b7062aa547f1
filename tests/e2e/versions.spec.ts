import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page } from '@playwright/test';
import { account, expect, signInViaApi, test, uniqueName, type Role } from './fixtures';
import {
  cliAccessToken,
  expectNoHorizontalScroll,
  saveThroughWopi,
  screenshot,
  uploadAsAdmin,
  VIEWPORTS,
} from './page-checks';

// /documents/:id/history at 1280 and 390 px as admin, editor and viewer: every version with
// what made it, who, when and size; autosaves by one person folded; download; restore.

/** A document with 5 versions: v1 uploaded by the admin, v2–v4 autosaves and v5 a save on close by the editor. */
const documentWithHistory = async (adminRequest: APIRequestContext, options: { keepLock?: boolean } = {}) => {
  const folder = uniqueName('e2e-history');
  const id = await uploadAsAdmin(adminRequest, folder, 'History.docx', 'first draft');
  const token = await cliAccessToken(id, account('editor').email);
  await saveThroughWopi(adminRequest, {
    documentId: id,
    token,
    saves: [
      { body: 'autosave one', autosave: true },
      { body: 'autosave two', autosave: true },
      { body: 'autosave three', autosave: true },
      { body: 'closing the editor', autosave: false, exit: true },
    ],
    keepLock: options.keepLock,
  });
  // What the server recorded, before any page shows it.
  const listed = (await (await adminRequest.get(`/api/documents/${id}/versions`)).json()) as {
    versions: { version: number; kind: string }[];
  };
  expect(listed.versions.map((v) => `${v.version} ${v.kind}`)).toEqual([
    '5 exit-save',
    '4 autosave',
    '3 autosave',
    '2 autosave',
    '1 upload',
  ]);

  return { id, folder };
};

const items = (page: Page) => page.getByTestId('version-item');

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.label} px`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test(`history as admin: from the list, autosaves folded, current marked, download v1, restore v1 → v6 (${viewport.label} px)`, async ({
      page,
    }) => {
      const { id, folder } = await documentWithHistory(page.request);
      await page.goto(`/?folder=${folder}`);
      await page.getByTestId('document-row').filter({ hasText: 'History.docx' }).getByTestId('history-link').click();
      await expect(page).toHaveURL(new RegExp(`/documents/${id}/history$`));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('History of History.docx');

      // v5 (current), one folded run of three autosaves by the editor, v1.
      const history = page.getByTestId('version-history');
      await expect(history.locator(':scope > li')).toHaveCount(3);
      const current = page.locator('[aria-current="true"]');
      await expect(current).toHaveAttribute('data-version', '5');
      await expect(current).toContainText('Saved when the editor closed');
      await expect(current).toContainText('Current');
      const run = page.getByTestId('autosave-run');
      await expect(run).toContainText('3 autosaves by');
      await expect(run).toContainText('versions 2–4');
      await expect(run.getByTestId('version-item').first()).toBeHidden();
      await run.locator('summary').click();
      await expect(run.getByTestId('version-item')).toHaveCount(3);
      await expect(run.getByTestId('version-kind').first()).toHaveText('Autosave');
      const first = items(page).filter({ hasText: 'Version 1' });
      await expect(first.getByTestId('version-kind')).toHaveText('Uploaded');
      await expect(first.getByTestId('version-author')).not.toHaveText('unknown');
      await screenshot(page, `versions-admin-${viewport.label}`);
      await expectNoHorizontalScroll(page, { mainOnly: true });

      // Download version 1: its bytes, named as that version.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        first.getByRole('link', { name: 'Download version 1' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('History (version 1).docx');
      expect(await readFile(await download.path(), 'utf8')).toBe('first draft');

      // Restore version 1: a new current version 6 with its bytes.
      page.once('dialog', (dialog) => void dialog.accept());
      await first.getByRole('button', { name: 'Restore version 1' }).click();
      await expect(page.locator('[aria-current="true"]')).toHaveAttribute('data-version', '6');
      await expect(page.locator('[aria-current="true"]').getByTestId('version-kind')).toHaveText(
        'Restored from version 1',
      );
      expect(await (await page.request.get(`/api/documents/${id}/content`)).text()).toBe('first draft');
      await screenshot(page, `versions-admin-restored-${viewport.label}`);
      await expectNoHorizontalScroll(page, { mainOnly: true });
    });

    for (const role of ['editor', 'viewer'] as const satisfies Role[]) {
      test.describe(role, () => {
        test.use({ role });

        test(`history as ${role} (${viewport.label} px): ${role === 'viewer' ? 'download only, no restore' : 'restore refused while open in an editor (409 shown)'}`, async ({
          page,
          browser,
        }) => {
          // The admin makes the document (uploads are for admins); this page is signed in as `role`.
          const admin = await browser.newContext({ baseURL: test.info().project.use.baseURL });
          await signInViaApi(admin.request, 'admin');
          const { id } = await documentWithHistory(admin.request, { keepLock: role === 'editor' });
          await admin.close();

          await page.goto(`/documents/${id}/history`);
          await expect(page.getByRole('heading', { level: 1 })).toHaveText('History of History.docx');
          await expect(page.locator('[aria-current="true"]')).toHaveAttribute('data-version', '5');
          const first = items(page).filter({ hasText: 'Version 1' });
          await expect(first.getByRole('link', { name: 'Download version 1' })).toBeVisible();
          if (role === 'viewer') {
            await expect(page.getByTestId('restore-version')).toHaveCount(0);
            const refused = await page.request.post(`/api/documents/${id}/versions/1/restore`, {
              headers: { 'content-type': 'application/json' },
              data: {},
            });
            expect(refused.status()).toBe(403);
          } else {
            page.once('dialog', (dialog) => void dialog.accept());
            await first.getByRole('button', { name: 'Restore version 1' }).click();
            await expect(first.getByRole('alert')).toContainText('open for editing');
            await expect(page.locator('[aria-current="true"]')).toHaveAttribute('data-version', '5');
          }
          await screenshot(page, `versions-${role}-${viewport.label}`);
          await expectNoHorizontalScroll(page);
        });
      });
    }
  });
}

test('history of a document that does not exist → 404', async ({ page }) => {
  const response = await page.goto('/documents/00000000-0000-4000-8000-000000000000/history');
  expect(response?.status()).toBe(404);
});

test('the editor host page links to the document’s history', async ({ page }) => {
  const folder = uniqueName('e2e-history');
  const id = await uploadAsAdmin(page.request, folder, 'Notes.docx', 'one');
  await page.goto(`/documents/${id}/edit`);
  await page.getByTestId('history-link').click();
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/history$`));
  await expect(page.locator('[aria-current="true"]').getByTestId('version-kind')).toHaveText('Uploaded');
});
