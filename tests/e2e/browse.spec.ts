import { documentNames, expect, test, uniqueName } from './fixtures';

test('sort by Size, then Size again → ?sort=size&dir=desc lists largest first', async ({ page }) => {
  // Own folder with sizes whose order differs from the name order: a (10 B) < c (500 B) < b (3000 B).
  const folder = uniqueName('e2e-sort');
  for (const [name, bytes] of [
    ['a.txt', 10],
    ['b.txt', 3000],
    ['c.txt', 500],
  ] as const) {
    const response = await page.request.post(`/api/admin/documents?folder=${folder}&name=${name}`, {
      data: Buffer.alloc(bytes, 'x'),
    });
    expect(response.status(), `upload ${name}`).toBe(201);
  }
  await page.goto(`/?folder=${folder}`);
  expect(await documentNames(page)).toEqual(['a.txt', 'b.txt', 'c.txt']);

  const table = page.getByTestId('document-table');
  await table.getByRole('link', { name: 'Size' }).click();
  await expect(page).toHaveURL(/sort=size/);
  await expect.poll(() => documentNames(page)).toEqual(['a.txt', 'c.txt', 'b.txt']);

  await table.getByRole('link', { name: /^Size/ }).click();
  await expect(page).toHaveURL(
    (url) => url.searchParams.get('sort') === 'size' && url.searchParams.get('dir') === 'desc',
  );
  await expect(table.getByRole('columnheader', { name: /^Size/ })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => documentNames(page)).toEqual(['b.txt', 'c.txt', 'a.txt']);
});

test('filter "Welcome" → only Welcome.docx; a filter with no match → empty state', async ({ page }) => {
  await page.goto('/');
  const filter = page.getByRole('searchbox', { name: 'Filter by name' });
  await filter.fill('Welcome');
  await filter.press('Enter');
  await expect(page).toHaveURL((url) => url.searchParams.get('q') === 'Welcome');
  await expect.poll(() => documentNames(page)).toEqual(['Welcome.docx']);
  await expect(page.getByTestId('folder-row')).toHaveCount(0);

  const nothing = uniqueName('no-such-document');
  await page.getByRole('searchbox', { name: 'Filter by name' }).fill(nothing);
  await page.getByRole('searchbox', { name: 'Filter by name' }).press('Enter');
  await expect(page.getByTestId('empty-state')).toContainText(nothing);
  await expect(page.getByTestId('document-table')).toHaveCount(0);
});

test('click Projects, then Archive → breadcrumbs follow; breadcrumb Documents → back to /', async ({ page }) => {
  await page.goto('/');
  const breadcrumb = page.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(breadcrumb.getByRole('listitem')).toHaveText(['Documents']);

  await page.getByTestId('folder-row').getByRole('link', { name: 'Projects', exact: true }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('folder') === 'Projects');
  await expect(breadcrumb.getByRole('listitem')).toHaveText(['Documents', 'Projects']);
  await expect(breadcrumb.locator('[aria-current="page"]')).toHaveText('Projects');
  await expect(page.getByTestId('document-row').filter({ hasText: 'Budget 2026.xlsx' })).toBeVisible();
  await expect(page.getByTestId('document-row').filter({ hasText: 'Roadmap.pptx' })).toBeVisible();

  await page.getByTestId('folder-row').getByRole('link', { name: 'Archive', exact: true }).click();
  await expect(page).toHaveURL((url) => url.searchParams.get('folder') === 'Projects/Archive');
  await expect(breadcrumb.getByRole('listitem')).toHaveText(['Documents', 'Projects', 'Archive']);
  await expect.poll(() => documentNames(page)).toEqual(['Meeting notes.odt']);

  await breadcrumb.getByRole('link', { name: 'Documents' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/' && !url.searchParams.has('folder'));
  await expect(breadcrumb.getByRole('listitem')).toHaveText(['Documents']);
  await expect(page.getByTestId('document-row').filter({ hasText: 'Welcome.docx' })).toBeVisible();
});

test.describe('as viewer', () => {
  test.use({ role: 'viewer' });

  test('GET /?folder=<a path nobody made> → "does not exist", a way back, no actions; the folder is not created', async ({
    page,
  }) => {
    const missing = uniqueName('e2e-missing');
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(`/?folder=${encodeURIComponent(`${missing}/deeper`)}`);
      await expect(page.getByTestId('folder-missing')).toHaveText(
        `The folder “${missing}/deeper” does not exist. It may have been renamed, moved or deleted (deleted folders are in the trash).`,
      );
      await expect(page.getByTestId('document-table')).toHaveCount(0);
      await expect(page.getByTestId('empty-state')).toHaveCount(0);
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(missing);
      await expect(page.getByRole('main').getByRole('link', { name: 'Trash' })).toBeVisible();
    }
    await page.getByRole('link', { name: 'Go to Documents' }).click();
    await expect(page).toHaveURL((url) => url.pathname === '/' && !url.searchParams.has('folder'));
    await expect(page.getByTestId('folder-row').filter({ hasText: missing })).toHaveCount(0);
  });
});
