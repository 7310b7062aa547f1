import type { Browser, Page } from '@playwright/test';
import { expect, signInViaApi, test, uniqueName, type Role } from './fixtures';
import { expectNoHorizontalScroll, screenshot, uploadAsAdmin, useNoEditorPortal, VIEWPORTS } from './page-checks';

// "Opening anything sensible" (issue 9, item 7) in the browser: with the fake editor (it edits
// office types and only views pdf, as Collabora does) and with a portal that has no editor.

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';

const nameLink = (page: Page, name: string) =>
  page.getByTestId('document-row').filter({ hasText: name }).locator('a.name-cell');

/** A browser context on `baseURL` signed in as `role`. */
const signedInContext = async (
  browser: Browser,
  role: Role,
  options: { baseURL: string; width: number; height: number },
) => {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: { width: options.width, height: options.height },
  });
  await signInViaApi(context.request, role);

  return context;
};

/** Whether Chromium's PDF viewer took the page (its extension frame), rather than a download. */
const showsPdfViewer = (page: Page) =>
  expect.poll(() => page.frames().some((frame) => frame.url().startsWith('chrome-extension://'))).toBe(true);

for (const viewport of VIEWPORTS) {
  test.describe(`with an editor, at ${viewport.label} px`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test(`admin: a pdf the editor only views opens in view mode from the list (${viewport.label} px)`, async ({
      page,
    }) => {
      await page.goto('/');
      await expect(nameLink(page, 'Guide.pdf')).toHaveAttribute('data-open', 'view');
      await expect(nameLink(page, 'Welcome.docx')).toHaveAttribute('data-open', 'edit');
      await screenshot(page, `open-list-admin-${viewport.label}`);
      await nameLink(page, 'Guide.pdf').click();
      await expect(page).toHaveURL(/\/documents\/[0-9a-f-]+\/view$/);
      const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
      await expect(frame.getByTestId('fake-file-name')).toHaveText('Guide.pdf');
      await expect(frame.getByTestId('fake-mode')).toHaveText('view');
      await screenshot(page, `open-pdf-view-admin-${viewport.label}`);
    });

    test.describe('editor', () => {
      test.use({ role: 'editor' });

      test(`editor: an image no editor opens is shown by the browser (inline, sandboxed); an SVG downloads (${viewport.label} px)`, async ({
        page,
        browser,
      }) => {
        const folder = uniqueName('e2e-open');
        const admin = await signedInContext(browser, 'admin', {
          baseURL: test.info().project.use.baseURL!,
          ...viewport,
        });
        const pngId = await uploadAsAdmin(admin.request, folder, 'photo.png', PNG);
        await uploadAsAdmin(admin.request, folder, 'drawing.svg', SVG);
        await admin.close();

        await page.goto(`/?folder=${folder}`);
        await expect(nameLink(page, 'photo.png')).toHaveAttribute('data-open', 'inline');
        await expect(nameLink(page, 'drawing.svg')).toHaveAttribute('data-open', 'download');
        await expect(page.getByTestId('new-docx')).toBeVisible();
        await screenshot(page, `open-list-editor-${viewport.label}`);

        const svg = await page.request.get(
          `/api/documents/${nameLinkId(await nameLink(page, 'drawing.svg').getAttribute('href'))}/inline`,
        );
        expect(svg.headers()['content-disposition']).toMatch(/^attachment/);

        await nameLink(page, 'photo.png').click();
        await expect(page).toHaveURL(new RegExp(`/api/documents/${pngId}/inline$`));
        await expect.poll(() => page.evaluate(() => document.images[0]?.naturalWidth ?? 0)).toBe(1);
        await screenshot(page, `open-image-inline-editor-${viewport.label}`);
        await expectNoHorizontalScroll(page);
      });
    });

    test.describe('viewer', () => {
      test.use({ role: 'viewer' });

      test(`viewer: office files and pdf open in view mode; no New document (${viewport.label} px)`, async ({
        page,
      }) => {
        await page.goto('/');
        await expect(nameLink(page, 'Welcome.docx')).toHaveAttribute('data-open', 'view');
        await expect(nameLink(page, 'Guide.pdf')).toHaveAttribute('data-open', 'view');
        await expect(page.getByTestId('new-docx')).toHaveCount(0);
        await screenshot(page, `open-list-viewer-${viewport.label}`);
      });
    });
  });
}

/** The document id in an /api/documents/:id/… href. */
const nameLinkId = (href: string | null) => /\/documents\/([0-9a-f-]+)\//.exec(href ?? '')![1]!;

test.describe('with no editor configured (a second portal without WOPI_CLIENTS)', () => {
  const noEditorUrl = useNoEditorPortal('e2e-no-editor');

  for (const viewport of VIEWPORTS) {
    test(`editor: no New document; pdf opens in the browser's viewer, docx downloads; POST /api/documents/new → 409 (${viewport.label} px)`, async ({
      browser,
    }) => {
      const context = await signedInContext(browser, 'editor', { baseURL: noEditorUrl(), ...viewport });
      const page = await context.newPage();
      try {
        await page.goto('/');
        await expect(nameLink(page, 'Guide.pdf')).toHaveAttribute('data-open', 'inline');
        await expect(nameLink(page, 'Welcome.docx')).toHaveAttribute('data-open', 'download');
        await expect(page.getByTestId('new-docx')).toHaveCount(0);
        await screenshot(page, `open-no-editor-list-${viewport.label}`);

        const before = await page.getByTestId('document-row').count();
        const refused = await page.request.post('/api/documents/new', { data: { folder: '', kind: 'docx' } });
        expect(refused.status()).toBe(409);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_editor');
        await page.reload();
        await expect(page.getByTestId('document-row')).toHaveCount(before);

        await nameLink(page, 'Guide.pdf').click();
        await expect(page).toHaveURL(/\/api\/documents\/[0-9a-f-]+\/inline$/);
        await showsPdfViewer(page);
        await screenshot(page, `open-no-editor-pdf-${viewport.label}`);
      } finally {
        await context.close();
      }
    });
  }
});
