import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import pg from 'pg';
import { expect, test } from './fixtures';
import { acceptConfirm, adminApi, expectMainFits, screenshot, seedFolder, VIEWPORTS } from './files-helpers';

// /trash: deleted documents and folders (one entry each) with who deleted them and when; restore
// with a choice when the name is taken (admins, editors); delete forever and empty trash (admins).

// Emptying the trash (admin) must not run while another test here looks at its own entries.
test.describe.configure({ mode: 'serial' });

let api: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  api = await adminApi(baseURL!);
});

test.afterAll(async () => {
  await api.dispose();
});

const entry = (page: Page, name: string) => page.locator(`[data-testid="trash-row"][data-name="${name}"]`);

/** A document deleted by the admin; returns its folder, name and id. */
const deletedDocument = async (name = 'Gone.docx') => {
  const { folder, ids } = await seedFolder(api, [name], 'e2e-trash');
  expect((await api.post(`/api/documents/${ids[name]}/delete`)).status()).toBe(200);

  return { folder, name, id: ids[name]! };
};

/** A deleted folder with two documents; returns its name. */
const deletedFolder = async () => {
  const { folder } = await seedFolder(api, ['a.docx', 'b.docx'], 'e2e-trash-folder');
  expect((await api.post('/api/folders/delete', { data: { path: folder } })).status()).toBe(200);

  return folder;
};

/**
 * Runs `body` while a Postgres transaction of this test holds the row of document `id` (FOR
 * UPDATE, as a restore or a purge working on it does), on the portal's database (its DATA_DIR's
 * runtime.json), then ends it.
 */
const whileRowHeld = async (id: string, body: () => Promise<void>) => {
  const runtime = JSON.parse(await readFile(path.join(process.env.E2E_DATA_DIR!, 'runtime.json'), 'utf8')) as {
    databaseUrl?: string;
  };
  const client = new pg.Client({ connectionString: runtime.databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    expect((await client.query('SELECT id FROM "Document" WHERE id = $1 FOR UPDATE', [id])).rowCount).toBe(1);
    await body();
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
};

test.describe('as admin', () => {
  for (const viewport of VIEWPORTS) {
    test(`the trash at ${viewport.label} px: a document and a folder (one entry), who and when; main content fits`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const doc = await deletedDocument();
      const folder = await deletedFolder();
      await page.goto('/trash');
      await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
      await expect(entry(page, doc.name).first()).toContainText(doc.folder);
      await expect(entry(page, folder)).toContainText('folder, 2 documents');
      await expect(entry(page, folder)).toHaveAttribute('data-kind', 'folder');
      await expect(page.getByRole('button', { name: 'Empty trash' })).toBeVisible();
      await expectMainFits(page);
      await screenshot(page, `trash-admin-${viewport.label}`);
    });
  }

  test('Restore a folder → back in the list; Delete forever → gone', async ({ page }) => {
    const folder = await deletedFolder();
    const doomed = await deletedDocument('Doomed.docx');
    await page.goto('/trash');
    await entry(page, folder).getByRole('button', { name: 'Restore' }).click();
    await expect(entry(page, folder)).toHaveCount(0);
    await expect(page.getByTestId('trash-outcome')).toHaveText(`Restored to ${folder}.`);
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);
    await expect(page.getByTestId('document-row')).toHaveCount(2);

    await page.goto('/trash');
    const doomedRow = entry(page, doomed.name).filter({ hasText: doomed.folder });
    acceptConfirm(page);
    await doomedRow.getByRole('button', { name: 'Delete forever' }).click();
    await expect(doomedRow).toHaveCount(0);
  });

  // @exclusive: emptying the whole trash runs after every other spec (playwright.config.ts), so it
  // never removes the entries another test is looking at.
  test('Empty trash while a document is busy → "N purged, 1 could not be purged now: “Held.docx” …" (1280, 390 px); again once free → the trash is empty @exclusive', async ({
    page,
  }) => {
    const held = await deletedDocument('Held.docx');
    await deletedDocument('Last.docx');
    await page.goto('/trash');
    const outcome = page.getByTestId('trash-outcome');
    await whileRowHeld(held.id, async () => {
      acceptConfirm(page);
      await page.getByRole('button', { name: 'Empty trash' }).click();
      await expect(outcome).toHaveText(
        /^\d+ purged, 1 could not be purged now: “Held\.docx” \(another operation is using it\)\. Try Empty trash again once they are free\.$/,
      );
    });
    await expect(outcome).toHaveAttribute('role', 'alert');
    await expect(entry(page, 'Held.docx')).toHaveCount(1);
    await expect(entry(page, 'Last.docx')).toHaveCount(0);
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await expectMainFits(page);
      await screenshot(page, `trash-empty-left-${viewport.label}`);
    }
    acceptConfirm(page);
    await page.getByRole('button', { name: 'Empty trash' }).click();
    await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();
    await expect(outcome).toHaveText('1 document deleted forever.');
    await expect(outcome).toHaveAttribute('role', 'status');
  });
});

test.describe('as editor', () => {
  test.use({ role: 'editor' });

  test('Restore when the name is taken → says so and offers "Restore as"; no Delete forever, no Empty trash', async ({
    page,
  }) => {
    const doc = await deletedDocument('Clash.docx');
    const again = await api.post(`/api/admin/documents?folder=${encodeURIComponent(doc.folder)}&name=Clash.docx`, {
      data: 'new',
    });
    expect(again.status()).toBe(201);
    await page.goto('/trash');
    const row = entry(page, 'Clash.docx').filter({ hasText: doc.folder });
    await expect(row.getByRole('button', { name: 'Delete forever' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Empty trash' })).toHaveCount(0);
    await row.getByRole('button', { name: 'Restore' }).click();
    await expect(row.getByRole('alert')).toContainText('already exists');
    await row.getByRole('button', { name: 'Restore as “Clash (1).docx”' }).click();
    await expect(row).toHaveCount(0);
    await page.goto(`/?folder=${encodeURIComponent(doc.folder)}`);
    await expect(page.getByTestId('document-row').filter({ hasText: 'Clash (1).docx' })).toBeVisible();
    await screenshot(page, 'trash-editor-restored-1280');

    const purge = await page.request.post(`/api/trash/${doc.id}/purge`);
    expect(purge.status()).toBe(403);
  });
});

test.describe('as viewer', () => {
  test.use({ role: 'viewer' });

  for (const viewport of VIEWPORTS) {
    test(`the trash at ${viewport.label} px: listed, no Restore, no Delete forever; the API refuses restore with 403`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const doc = await deletedDocument('Look.docx');
      await page.goto('/trash');
      const row = entry(page, 'Look.docx').filter({ hasText: doc.folder });
      await expect(row).toBeVisible();
      await expect(page.getByRole('button', { name: 'Restore' })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Delete forever' })).toHaveCount(0);
      await expectMainFits(page);
      await screenshot(page, `trash-viewer-${viewport.label}`);
      expect((await page.request.post(`/api/trash/${doc.id}/restore`)).status()).toBe(403);
      expect((await page.request.post('/api/trash/empty')).status()).toBe(403);
    });
  }
});
