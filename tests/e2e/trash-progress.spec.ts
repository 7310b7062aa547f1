import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test, uniqueName } from './fixtures';
import { adminApi, expectMainFits, screenshot, VIEWPORTS } from './files-helpers';

// The trash a page at a time ("Load more"), and a folder move that shows its own progress
// ("Moving 12 of 80 documents…" with a progress bar) while the page stays usable.

let api: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  api = await adminApi(baseURL!);
});

test.afterAll(async () => {
  await api.dispose();
});

const upload = async (folder: string, name: string) => {
  const response = await api.post(
    `/api/admin/documents?folder=${encodeURIComponent(folder)}&name=${encodeURIComponent(name)}`,
    { data: `bytes of ${name}` },
  );
  expect(response.status(), `upload ${name}`).toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

/** Uploads `count` documents into `folder`, ten at a time. */
const uploadMany = async (folder: string, count: number) => {
  for (let start = 0; start < count; start += 10)
    await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, (_, i) => upload(folder, `doc ${start + i}.txt`)),
    );
};

const deleted = async (folder: string, name: string) => {
  const id = await upload(folder, name);
  expect((await api.post(`/api/documents/${id}/delete`)).status()).toBe(200);

  return id;
};

const rowIds = (page: Page) =>
  page.getByTestId('trash-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));

test.describe('as admin', () => {
  for (const viewport of VIEWPORTS) {
    test(`/trash?limit=2 at ${viewport.label} px: two entries, Load more appends the next ones, none twice; one deleted meanwhile is not among them`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const folder = uniqueName('e2e-paged');
      const mine: string[] = [];
      for (const name of ['a.docx', 'b.docx', 'c.docx', 'd.docx', 'e.docx']) mine.push(await deleted(folder, name));
      await page.goto('/trash?limit=2');
      await expect(page.getByTestId('trash-row')).toHaveCount(2);
      await expect(page.getByTestId('trash-paging')).toContainText(/Showing 2 of \d+/);
      const later = await deleted(folder, 'later.docx');
      const loadMore = page.getByRole('button', { name: 'Load more' });
      for (let pages = 1; !(await rowIds(page)).includes(mine[0]!); pages++) {
        expect(pages, 'pages before the oldest entry of this test').toBeLessThan(40);
        const before = (await rowIds(page)).length;
        await loadMore.click();
        // The next page: up to two more rows (fewer on the last).
        await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(before);
        expect((await rowIds(page)).length).toBeLessThanOrEqual(before + 2);
      }
      const ids = await rowIds(page);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => mine.includes(id!))).toEqual([...mine].reverse());
      expect(ids).not.toContain(later);
      await expect(page.getByTestId('trash-paging')).toContainText(`Showing ${ids.length} of`);
      await expectMainFits(page);
      await screenshot(page, `trash-paging-${viewport.label}`);
    });

    test(`moving a folder of 80 documents at ${viewport.label} px shows "Moving n of 80 documents…" with a progress bar, the page usable; then all 80 are moved`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const parent = uniqueName('e2e-progress');
      await uploadMany(`${parent}/Big`, 80);
      expect((await api.post('/api/folders', { data: { parent, name: 'Target' } })).status()).toBe(201);
      await page.goto(`/?folder=${encodeURIComponent(parent)}`);
      await page.getByRole('button', { name: 'Actions for Big' }).click();
      await page.getByRole('menu', { name: 'Actions for Big' }).getByRole('menuitem', { name: 'Move…' }).click();
      const picker = page.getByTestId('folder-picker');
      await picker.getByRole('button', { name: 'Target' }).click();
      await expect(picker.getByTestId('picker-folder')).toHaveText(`${parent}/Target`);
      // What the progress showed, recorded in the page from before the click: a fast server may
      // finish before the checks below see it, and the test must not depend on the race.
      await page.evaluate(() => {
        const seen = { texts: [] as string[], max: [] as string[] };
        (window as unknown as { __progressSeen: typeof seen }).__progressSeen = seen;
        const record = () => {
          const text = document.querySelector('[data-testid="folder-progress"]')?.textContent;
          if (text && seen.texts.at(-1) !== text) seen.texts.push(text);
          const bar = document.querySelector(
            '[data-testid="file-notice"] [role="progressbar"], [data-testid="file-notice"] progress',
          );
          const max = bar?.getAttribute('max') ?? bar?.getAttribute('aria-valuemax');
          if (max && !seen.max.includes(max)) seen.max.push(max);
        };
        new MutationObserver(record).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
      });
      await picker.getByRole('button', { name: 'Move here' }).click();

      const progress = page.getByTestId('file-notice').getByRole('progressbar');
      // The screen with the bar, taken as soon as it shows (a fast server may already be done).
      if (
        await progress.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        await screenshot(page, `folder-progress-${viewport.label}`);
      // The dialog is gone and the page answers while the server works.
      await expect(picker).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'New folder' })).toBeEnabled();
      await expectMainFits(page);

      await expect(page.getByTestId('file-notice')).toContainText('Moved to', { timeout: 60_000 });
      await expect(progress).toHaveCount(0);
      const seen = await page.evaluate(
        () => (window as unknown as { __progressSeen: { texts: string[]; max: string[] } }).__progressSeen,
      );
      expect(
        seen.texts.some((text) => /Moving \d+ of 80 documents…/.test(text)),
        JSON.stringify(seen),
      ).toBe(true);
      expect(seen.max).toContain('80');
      await expect(page.locator('[data-testid="folder-row"][data-name="Big"]')).toHaveCount(0);
      await page.goto(`/?folder=${encodeURIComponent(`${parent}/Target/Big`)}`);
      await expect(page.getByText(/\(80 documents\)/)).toBeVisible();
      await page.goto(`/?folder=${encodeURIComponent(parent)}`);
      await expect(page.locator('[data-testid="folder-row"][data-name="Target"]')).toBeVisible();
      await expect(page.locator('[data-testid="folder-row"][data-name="Big"]')).toHaveCount(0);
    });
  }

  test('Rename… of a folder: a taken name is said in the dialog; a free one closes it and the notice says renamed', async ({
    page,
  }) => {
    const parent = uniqueName('e2e-rename-folder');
    await uploadMany(`${parent}/Old`, 3);
    await upload(`${parent}/Taken`, 'x.docx');
    await page.goto(`/?folder=${encodeURIComponent(parent)}`);
    await page.getByRole('button', { name: 'Actions for Old' }).click();
    await page.getByRole('menu', { name: 'Actions for Old' }).getByRole('menuitem', { name: 'Rename…' }).click();
    const dialog = page.getByTestId('name-dialog');
    await dialog.getByLabel('New name').fill('Taken');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(dialog.getByRole('alert')).toContainText('already exists');
    await expect(dialog.getByRole('alert')).toContainText('Taken (1)');
    await dialog.getByLabel('New name').fill('New');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('file-notice')).toContainText('Renamed to “New”');
    await expect(page.locator('[data-testid="folder-row"][data-name="New"]')).toBeVisible();
    await expect(page.locator('[data-testid="folder-row"][data-name="Old"]')).toHaveCount(0);
  });
});
