import type { Page } from '@playwright/test';
import { documentNames, expect, test, uniqueName } from './fixtures';

type Seen = { statuses: string[]; values: number[] };

/**
 * Records every upload-item status and progress value the page shows, from before the upload
 * starts: a fast loopback upload can pass through "uploading" between two Playwright polls.
 */
const recordUploadStates = (page: Page) =>
  page.evaluate(() => {
    const seen: Seen = { statuses: [], values: [] };
    (window as unknown as { __uploadSeen: Seen }).__uploadSeen = seen;
    const record = () => {
      for (const item of document.querySelectorAll<HTMLElement>('[data-testid="upload-item"]')) {
        const status = item.dataset.status ?? '';
        if (seen.statuses.at(-1) !== status) seen.statuses.push(status);
        const progress = item.querySelector<HTMLProgressElement>('[data-testid="upload-progress"]');
        if (progress && seen.values.at(-1) !== progress.value) seen.values.push(progress.value);
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    setInterval(record, 5);
  });

const seenStates = (page: Page) => page.evaluate(() => (window as unknown as { __uploadSeen: Seen }).__uploadSeen);

/** An empty folder of this test's own (made through the API: a path nobody made shows "does not exist"), with the admin upload section. */
const openNewFolder = async (page: Page) => {
  const folder = uniqueName('e2e-upload');
  expect((await page.request.post('/api/folders', { data: { parent: '', name: folder } })).status()).toBe(201);
  await page.goto(`/?folder=${folder}`);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Upload documents' })).toBeVisible();

  return folder;
};

const uploadItem = (page: Page, name: string) => page.getByTestId('upload-item').filter({ hasText: name });
const documentRow = (page: Page, name: string) => page.getByTestId('document-row').filter({ hasText: name });

test('admin uploads a 40 MB file → progress while uploading, done, listed at 40 MB', async ({ page, makeFile }) => {
  await openNewFolder(page);
  const name = uniqueName('large', '.bin');
  const file = await makeFile(name, { bytes: 40 * 1024 * 1024 });
  await recordUploadStates(page);

  await page.getByTestId('upload-input').setInputFiles(file);
  const item = uploadItem(page, name);
  await expect(item).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
  await expect(item.getByTestId('upload-progress')).toHaveJSProperty('value', 100);

  const seen = await seenStates(page);
  test.info().annotations.push({ type: 'upload states seen', description: JSON.stringify(seen) });
  const hasPartialProgress = seen.values.some((value) => value >= 1 && value <= 99);
  expect(hasPartialProgress || seen.statuses.includes('uploading'), `states seen: ${JSON.stringify(seen)}`).toBe(true);
  expect(seen.statuses.at(-1)).toBe('done');
  expect(seen.statuses).not.toContain('error');

  await expect(documentRow(page, name)).toBeVisible();
  await expect(documentRow(page, name).locator('td').nth(1)).toHaveText('40 MB');
});

test('admin uploads 2 files at once → both done and listed', async ({ page, makeFile }) => {
  await openNewFolder(page);
  const names = [uniqueName('first', '.txt'), uniqueName('second', '.csv')];
  const files = await Promise.all(names.map((name) => makeFile(name, `content of ${name}\n`)));

  await page.getByTestId('upload-input').setInputFiles(files);
  await expect(page.getByTestId('upload-item')).toHaveCount(2);
  for (const name of names) {
    await expect(uploadItem(page, name)).toHaveAttribute('data-status', 'done');
    await expect(documentRow(page, name)).toBeVisible();
  }
  await expect(page.getByTestId('document-row')).toHaveCount(2);
});

test('admin uploads an existing name → conflict; Keep both → done as "name (1).ext"', async ({ page, makeFile }) => {
  const folder = await openNewFolder(page);
  const stem = uniqueName('notes');
  const name = `${stem}.txt`;
  const first = await page.request.post(`/api/admin/documents?folder=${folder}&name=${name}`, {
    data: 'first version\n',
  });
  expect(first.status()).toBe(201);
  await page.reload();
  await expect(documentRow(page, name)).toBeVisible();

  await page.getByTestId('upload-input').setInputFiles(await makeFile(name, 'second version\n'));
  const item = uploadItem(page, name);
  await expect(item).toHaveAttribute('data-status', 'conflict');
  await expect(item.getByRole('button', { name: 'Replace' })).toBeVisible();
  await expect(item.getByRole('button', { name: 'Skip' })).toBeVisible();

  await item.getByRole('button', { name: 'Keep both' }).click();
  await expect(item).toHaveAttribute('data-status', 'done');
  await expect(item).toContainText(`Saved as “${stem} (1).txt”.`);
  await expect(documentRow(page, `${stem} (1).txt`)).toBeVisible();
  await expect.poll(async () => (await documentNames(page)).sort()).toEqual([`${stem} (1).txt`, name].sort());
});
