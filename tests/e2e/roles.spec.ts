import { expect, test, uniqueName } from './fixtures';

test.describe('viewer', () => {
  test.use({ role: 'viewer' });

  test('viewer → sees documents, no upload section; POST /api/admin/documents → 403', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('user-role')).toHaveText('viewer');
    await expect(page.getByTestId('document-row').filter({ hasText: 'Welcome.docx' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Upload documents' })).toHaveCount(0);
    await expect(page.getByTestId('upload-input')).toHaveCount(0);

    const name = uniqueName('viewer-upload', '.txt');
    const response = await page.request.post(`/api/admin/documents?folder=&name=${name}`, { data: 'x' });
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });
});

test.describe('editor', () => {
  test.use({ role: 'editor' });

  test('editor → sees documents, no upload section; POST /api/admin/documents → 403', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('user-role')).toHaveText('editor');
    await expect(page.getByTestId('document-row').filter({ hasText: 'Welcome.docx' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Upload documents' })).toHaveCount(0);
    await expect(page.getByTestId('dropzone')).toHaveCount(0);

    const response = await page.request.post(
      `/api/admin/documents?folder=&name=${uniqueName('editor-upload', '.txt')}`,
      { data: 'x' },
    );
    expect(response.status()).toBe(403);
  });
});

test('POST /api/admin/documents without a session → 401', async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  const response = await request.post(`/api/admin/documents?folder=&name=${uniqueName('anonymous', '.txt')}`, {
    data: 'x',
  });
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  await request.dispose();
});
