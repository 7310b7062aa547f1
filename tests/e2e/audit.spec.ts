import type { APIRequestContext, Page } from '@playwright/test';
import { account, expect, test, uniqueName } from './fixtures';

const SCREENSHOTS = '.data/test-results/screenshots';

/** Uploads `count` small documents named `<tag>-NN.txt` into a folder of their own: one audit event each. */
const uploadDocuments = async (request: APIRequestContext, tag: string, count: number) => {
  const folder = uniqueName('e2e-audit');
  for (let i = 1; i <= count; i++) {
    const name = `${tag}-${String(i).padStart(2, '0')}.txt`;
    const response = await request.post(`/api/admin/documents?folder=${folder}&name=${name}`, { data: `doc ${i}` });
    expect(response.status(), `upload ${name}`).toBe(201);
  }

  return folder;
};

/** Whether the page scrolls sideways (the acceptance: no horizontal page scroll at 390 px). */
const pageOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test.describe('admin', () => {
  // The browser's zone: the page must take it (cookie + hidden field), not the server's UTC.
  test.use({ timezoneId: 'Europe/Berlin' });

  test('GET /admin/audit as admin at 1280 px: header link, filters, 51 uploads over two pages, details, CSV', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const tag = uniqueName('audit');
    const folder = await uploadDocuments(page.request, tag, 51);

    await page.goto('/');
    await page.getByRole('banner').getByRole('link', { name: 'Audit log' }).click();
    await expect(page).toHaveURL(/\/admin\/audit$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await expect(page.getByText('Dates and times in Europe/Berlin.')).toBeVisible();

    const filters = page.getByRole('search', { name: 'Filter events' });
    await filters.getByLabel('Document').fill(tag);
    await filters.getByLabel('Action', { exact: true }).selectOption('document.upload');
    await filters.getByLabel('Outcome').selectOption('success');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(
      (url) =>
        url.searchParams.get('document') === tag &&
        url.searchParams.get('action') === 'document.upload' &&
        url.searchParams.get('tz') === 'Europe/Berlin',
    );

    const rows = page.getByTestId('audit-row');
    await expect(rows).toHaveCount(50);
    const newest = rows.first();
    await expect(newest).toContainText(account('admin').email);
    await expect(newest).toContainText('Upload');
    await expect(newest).toContainText('success');
    const link = newest.getByRole('link', { name: `${tag}-51.txt` });
    await expect(link).toHaveAttribute('href', `/?folder=${folder}`);
    await newest.locator('summary').click();
    await expect(newest.locator('pre')).toContainText(`"name": "${tag}-51.txt"`);
    await page.screenshot({ path: `${SCREENSHOTS}/audit-admin-1280.png`, fullPage: true });

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Older →' }).click();
    await expect(page).toHaveURL((url) => url.searchParams.has('before'));
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByRole('link', { name: `${tag}-01.txt` })).toBeVisible();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: '← Newer' }).click();
    await expect(rows).toHaveCount(50);
    await expect(rows.first().getByRole('link', { name: `${tag}-51.txt` })).toBeVisible();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toContain('time_local (Europe/Berlin)');
    expect(lines).toHaveLength(52);

    await filters.getByLabel('Outcome').selectOption('denied');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page.getByTestId('audit-empty')).toHaveText(/No event matches these filters/);
    await page.getByRole('link', { name: 'Clear' }).click();
    await expect(filters.getByLabel('Document')).toHaveValue('');
  });

  test('GET /admin/audit as admin at 390 px: events as cards, no horizontal page scroll', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const tag = uniqueName('audit-phone');
    await uploadDocuments(page.request, tag, 3);
    await page.goto(`/admin/audit?document=${tag}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    const rows = page.getByTestId('audit-row');
    await expect(rows).toHaveCount(3);
    await rows.first().locator('summary').click();
    await expect(rows.first().locator('pre')).toBeVisible();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/audit-admin-390.png`, fullPage: true });

    // Unfiltered, with whatever other tests recorded (long keys, big details): still no sideways scroll.
    await page.goto('/admin/audit');
    await expect(rows.first()).toBeVisible();
    for (const summary of await page.locator('[data-testid="audit-row"] summary').all()) await summary.click();
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
  });
});

test.describe('editor', () => {
  test.use({ role: 'editor' });

  test('GET /admin/audit as editor → sent to / with admin-only; no header link; the API and CSV → 403', async ({
    page,
  }) => {
    await page.goto('/admin/audit');
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.searchParams.get('notice') === 'admin-only');
    await expect(page.getByTestId('user-role')).toHaveText('editor');
    await expect(page.getByRole('banner').getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/audit-editor-refused.png`, fullPage: true });

    const data = await page.request.get('/api/admin/audit');
    expect(data.status()).toBe(403);
    expect(await data.json()).toMatchObject({ error: { code: 'forbidden' } });
    const csv = await page.request.get('/api/admin/audit.csv');
    expect(csv.status()).toBe(403);
  });
});
