import type { APIRequestContext, Page } from '@playwright/test';
import { expect, signInViaApi, test, uniqueName } from './fixtures';

const SCREENSHOTS = '.data/test-results/screenshots';

/** Uploads documents as admin, each into a folder of its own; answers the folders by name. */
const uploadAll = async (request: APIRequestContext, names: string[]) => {
  const folders: Record<string, string> = {};
  for (const name of names) {
    const folder = `${uniqueName('e2e-search')}/Sub`;
    const response = await request.post(
      `/api/admin/documents?folder=${encodeURIComponent(folder)}&name=${encodeURIComponent(name)}`,
      { data: `content of ${name}` },
    );
    expect(response.status(), `upload ${name}`).toBe(201);
    folders[name] = folder;
  }

  return folders;
};

/** Whether the page scrolls sideways (the acceptance: no horizontal page scroll at 390 px). */
const pageOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The result names in display order (without the aria-hidden file icon). */
const resultNames = (page: Page) =>
  page.getByTestId('result-name').evaluateAll((links) =>
    links.map((link) => {
      const copy = link.cloneNode(true) as HTMLElement;
      for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();

      return (copy.textContent ?? '').trim();
    }),
  );

/** Polls the result names until they equal `expected`. */
const expectResults = (page: Page, expected: string[]) => expect.poll(() => resultNames(page)).toEqual(expected);

test.describe('admin', () => {
  test.use({ timezoneId: 'Europe/Berlin' });

  test('GET /search as admin at 1280 px: header search box, accents ignored, type filter, folder link, Recent', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const tag = uniqueName('find');
    const folders = await uploadAll(page.request, [`Résumé ${tag}.txt`, `Budget ${tag}.csv`, `Notes ${tag}.md`]);

    await page.goto('/');
    const box = page.getByRole('banner').getByLabel('Search documents by name');
    await box.fill(`resume ${tag.toUpperCase()}`);
    await box.press('Enter');
    await expect(page).toHaveURL((url) => url.pathname === '/search' && url.searchParams.get('q') !== null);
    await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
    await expect(page.getByTestId('search-count')).toHaveText('1 document found.');
    await expectResults(page, [`Résumé ${tag}.txt`]);

    const form = page.getByRole('search', { name: 'Search documents in every folder' });
    await form.getByLabel('Name contains').fill(tag);
    await form.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByTestId('search-count')).toHaveText('3 documents found.');
    await form.getByLabel('Type').selectOption('spreadsheets');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL((url) => url.searchParams.get('type') === 'spreadsheets');
    await expectResults(page, [`Budget ${tag}.csv`]);
    const row = page.getByTestId('result-row').first();
    await expect(row.getByTestId('result-folder')).toHaveText(
      `Documents / ${folders[`Budget ${tag}.csv`]!.replace('/', ' / ')}`,
    );
    await expect(row.getByTestId('result-name')).toHaveAttribute('href', /^\/documents\/[0-9a-f-]{36}\/edit$/);
    await expect(page.getByText('Dates in Europe/Berlin.')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/search-admin-1280.png`, fullPage: true });

    await form.getByLabel('Modified from').fill('2000-01-01');
    await form.getByLabel('Modified to').fill('2000-01-02');
    await form.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByTestId('search-empty')).toContainText(`No document matches “${tag}” with these filters.`);
    await page.getByRole('link', { name: 'Start over' }).click();
    await expect(page.getByTestId('search-prompt')).toBeVisible();

    await page.goto(`/search?q=${encodeURIComponent(tag)}&type=spreadsheets`);
    await page.getByTestId('result-folder').first().click();
    await expect(page).toHaveURL(
      (url) => url.pathname === '/' && url.searchParams.get('folder') === folders[`Budget ${tag}.csv`],
    );
    await expect(page.getByTestId('document-row').filter({ hasText: `Budget ${tag}.csv` })).toBeVisible();

    // Uploading counts as using a document: the three are on Recent, the last upload before the
    // others (specs running beside this one, as the same admin, may add newer entries above them).
    await page.getByRole('banner').getByRole('link', { name: 'Recent' }).click();
    await expect(page).toHaveURL(/\/recent$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Recent' })).toBeVisible();
    await expect
      .poll(async () => (await resultNames(page)).filter((name) => name.includes(tag)))
      .toEqual([`Notes ${tag}.md`, `Budget ${tag}.csv`, `Résumé ${tag}.txt`]);
    await expect(
      page
        .getByTestId('recent-list')
        .getByTestId('result-row')
        .filter({ hasText: `Notes ${tag}.md` }),
    ).toContainText('Uploaded');
    await page.screenshot({ path: `${SCREENSHOTS}/recent-admin-1280.png`, fullPage: true });
  });

  test('GET /search?page=99 and bad dates as admin → the problem is said, nothing breaks', async ({ page }) => {
    await page.goto('/search?q=x&from=2026-02-30');
    await expect(page.getByTestId('search-problem')).toHaveText('From: use a date as YYYY-MM-DD.');
    await page.goto('/search?q=x&page=99');
    await expect(page.getByTestId('search-problem')).toContainText('Page: a number from 1 to 20');
  });
});

test.describe('viewer', () => {
  test.use({ role: 'viewer', timezoneId: 'America/New_York' });

  test('GET /search as viewer at 390 px: results as cards that open read-only, no horizontal scroll', async ({
    page,
    playwright,
    baseURL,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const admin = await playwright.request.newContext({ baseURL });
    await signInViaApi(admin, 'admin');
    const tag = uniqueName('viewer-find');
    await uploadAll(admin, [`Quarterly ${tag} report with a rather long name.docx`, `Plan ${tag}.txt`]);
    await admin.dispose();

    await page.goto('/');
    // The header keeps to the screen: its search box gives way to a link (the folder table is not this spec's).
    const header = page.getByRole('banner');
    expect(await header.evaluate((element) => element.scrollWidth)).toBeLessThanOrEqual(390);
    await expect(header.getByLabel('Search documents by name')).toBeHidden();
    await header.getByTestId('header-search-link').click();
    await expect(page).toHaveURL(/\/search$/);
    await expect(page.getByTestId('search-prompt')).toBeVisible();
    const form = page.getByRole('search', { name: 'Search documents in every folder' });
    await form.getByLabel('Name contains').fill(tag);
    await form.getByLabel('Name contains').press('Enter');
    await expect(page.getByTestId('search-count')).toHaveText('2 documents found.');
    await expect(page.getByTestId('result-name').first()).toHaveAttribute('href', /\/view$/);
    await expect(page.getByText('Dates in America/New_York.')).toBeVisible();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/search-viewer-390.png`, fullPage: true });

    await page.getByRole('link', { name: 'Your recent documents' }).click();
    await expect(page).toHaveURL(/\/recent$/);
    // Nothing opened in this spec; other specs may have opened documents as the viewer.
    await expect(page.getByTestId('recent-empty').or(page.getByTestId('recent-list'))).toBeVisible();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/recent-viewer-390.png`, fullPage: true });
  });
});

test.describe('editor', () => {
  test.use({ role: 'editor' });

  test('GET /search and /recent as editor at 390 px: no horizontal scroll', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/search?type=pdfs');
    await expect(page.getByTestId('search-count')).toBeVisible();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/search-editor-390.png`, fullPage: true });
    await page.goto('/recent');
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
  });
});
