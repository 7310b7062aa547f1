import type { APIRequestContext } from '@playwright/test';
import { expect, test, uniqueName } from './fixtures';

const uploadDocument = async (request: APIRequestContext, folder: string, name: string, body: string) => {
  const response = await request.post(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, {
    data: body,
  });
  expect(response.status(), 'admin upload').toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

test('click a document → the editor frame loads it over signed WOPI calls → Save → new bytes in the bucket, v2 listed', async ({
  page,
}) => {
  const folder = uniqueName('e2e-editor');
  const id = await uploadDocument(page.request, folder, 'Letter.docx', 'original letter');
  await page.goto(`/?folder=${folder}`);
  await page.getByRole('link', { name: /Letter\.docx/ }).click();
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit`));
  expect(page.url()).not.toContain('access_token');

  const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
  await expect(frame.getByTestId('fake-file-name')).toHaveText('Letter.docx');
  await expect(frame.getByTestId('fake-sha-ok')).toHaveText('true');
  await expect(frame.getByTestId('fake-mode')).toHaveText('edit');
  await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded');
  const frameUrl =
    page
      .frames()
      .find((f) => f.name() === 'wopi-editor-frame')
      ?.url() ?? '';
  expect(frameUrl).not.toContain('access_token');

  await frame.getByTestId('fake-save').click();
  await expect(frame.getByTestId('fake-note')).toContainText('LOCK 200, PutFile 200 (version 2), UNLOCK 200');
  const stored = await page.request.get(`/api/documents/${id}/content`);
  expect(await stored.text()).toContain('Saved by the fake editor');

  await page.getByTestId('back-to-folder').click();
  await expect(page).toHaveURL(new RegExp(`folder=${folder}`));
  await expect(
    page.getByTestId('document-row').filter({ hasText: 'Letter.docx' }).getByTestId('document-version'),
  ).toHaveText('v2');
});

test('a type no editor handles (.zip) at /edit → a page that says so, with the way back', async ({ page }) => {
  // The list downloads such files (tests/e2e/open.spec.ts); the page answers an old link.
  const id = await uploadDocument(page.request, uniqueName('e2e-zip'), 'Archive.zip', 'zip bytes');
  await page.goto(`/documents/${id}/edit`);
  await expect(page.getByTestId('host-message')).toContainText('No editor for this type of file');
  await expect(page.getByTestId('host-message')).toContainText('.zip');
});

test.describe('viewer', () => {
  test.use({ role: 'viewer' });

  test('viewer → /edit redirects to /view; the editor opens read-only without Save', async ({ page }) => {
    await page.goto('/');
    const href = await page.getByRole('link', { name: /Welcome\.docx/ }).getAttribute('href');
    expect(href).toMatch(/\/view$/);
    await page.goto(href!.replace(/\/view$/, '/edit'));
    await expect(page).toHaveURL(/\/view$/);
    const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
    await expect(frame.getByTestId('fake-mode')).toHaveText('view');
    await expect(frame.getByTestId('fake-save')).toHaveCount(0);
  });
});

test('New document in a folder → a blank .docx opens in the editor (editnew), and a save fills it', async ({
  page,
}) => {
  const folder = uniqueName('e2e-new');
  await uploadDocument(page.request, folder, 'Existing.txt', 'keeps the folder');
  await page.goto(`/?folder=${folder}`);
  await page.getByTestId('new-docx').click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]+\/edit$/);
  const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
  await expect(frame.getByTestId('fake-file-name')).toHaveText('New document.docx');
  await expect(frame.getByTestId('fake-size')).toHaveText('0');
  await frame.getByTestId('fake-save').click();
  await expect(frame.getByTestId('fake-note')).toContainText('PutFile 200');
  await page.getByTestId('back-to-folder').click();
  await expect(page.getByTestId('document-row').filter({ hasText: 'New document.docx' })).toHaveCount(1);
});
