import type { APIRequestContext, Page } from '@playwright/test';
import { documentNames, expect, test, uniqueName } from './fixtures';
import {
  acceptConfirm,
  adminApi,
  documentRow,
  expectMainFits,
  folderRow,
  screenshot,
  seedFolder,
  VIEWPORTS,
} from './files-helpers';

// File management on the list page: new folder, rename / move / copy / delete through the row
// menu and the folder picker, multi-select with bulk actions, drag and drop onto a folder row or
// a breadcrumb, zip download — as admin, editor and viewer, at 1280 and 390 px.

let api: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  api = await adminApi(baseURL!);
});

test.afterAll(async () => {
  await api.dispose();
});

const row = documentRow;
const menuOf = async (page: Page, name: string) => {
  await page.getByRole('button', { name: `Actions for ${name}` }).click();

  return page.getByRole('menu', { name: `Actions for ${name}` });
};

test.describe('as admin', () => {
  test('New folder, rename, move and copy through the picker, delete to the trash; a taken name is said inline', async ({
    page,
  }) => {
    const { folder } = await seedFolder(api, ['Plan.docx', 'Budget.xlsx', 'Taken.docx']);
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);

    await page.getByRole('button', { name: 'New folder' }).click();
    const nameDialog = page.getByTestId('name-dialog');
    await nameDialog.getByLabel('Folder name').fill('Reports');
    await nameDialog.getByRole('button', { name: 'Create' }).click();
    await expect(folderRow(page, 'Reports')).toBeVisible();

    // Rename to a taken name: refused in the dialog with the free name; then a good name.
    await (await menuOf(page, 'Plan.docx')).getByRole('menuitem', { name: 'Rename…' }).click();
    const input = nameDialog.getByLabel('New name');
    await expect(input).toBeFocused();
    await input.fill('Taken.docx');
    await nameDialog.getByRole('button', { name: 'Rename' }).click();
    await expect(nameDialog.getByRole('alert')).toContainText('already exists');
    await expect(nameDialog.getByRole('alert')).toContainText('Taken (1).docx');
    await input.fill('Plan final.docx');
    await nameDialog.getByRole('button', { name: 'Rename' }).click();
    await expect(row(page, 'Plan final.docx')).toBeVisible();

    // Move into Reports with the picker.
    await (await menuOf(page, 'Plan final.docx')).getByRole('menuitem', { name: 'Move…' }).click();
    const picker = page.getByTestId('folder-picker');
    await picker.getByRole('button', { name: 'Reports' }).click();
    await expect(picker.getByTestId('picker-folder')).toHaveText(`${folder}/Reports`);
    await picker.getByRole('button', { name: 'Move here' }).click();
    await expect(page.getByTestId('file-notice')).toContainText('Moved to');
    await expect(row(page, 'Plan final.docx')).toHaveCount(0);

    // Copy Budget into the same folder: name taken → "Keep both".
    await (await menuOf(page, 'Budget.xlsx')).getByRole('menuitem', { name: 'Copy…' }).click();
    await picker.getByRole('button', { name: 'Copy here' }).click();
    await expect(page.getByTestId('file-notice').getByRole('alert')).toContainText('already exists');
    await page.getByRole('button', { name: 'Keep both (use a free name)' }).click();
    await expect(row(page, 'Budget (1).xlsx')).toBeVisible();
    // The notice names the copy as it was saved, not the name asked for (a tester saw "Budget.xlsx").
    await expect(page.getByTestId('file-notice')).toContainText('“Budget (1).xlsx”');
    await screenshot(page, 'files-admin-1280');

    acceptConfirm(page);
    await (await menuOf(page, 'Budget (1).xlsx')).getByRole('menuitem', { name: 'Delete' }).click();
    await expect(row(page, 'Budget (1).xlsx')).toHaveCount(0);

    await page.getByTestId('folder-row').getByRole('link', { name: 'Reports' }).click();
    await expect.poll(() => documentNames(page)).toEqual(['Plan final.docx']);
  });

  test('rename a folder from its menu; its documents follow', async ({ page }) => {
    const { folder } = await seedFolder(api, ['a.docx']);
    await api.post('/api/folders', { data: { parent: folder, name: 'Old' } });
    const moved = await api.post(
      `/api/admin/documents?folder=${encodeURIComponent(`${folder}/Old`)}&name=inside.docx`,
      {
        data: 'x',
      },
    );
    expect(moved.status()).toBe(201);
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);
    await (await menuOf(page, 'Old')).getByRole('menuitem', { name: 'Rename…' }).click();
    await page.getByTestId('name-dialog').getByLabel('New name').fill('New');
    await page.getByTestId('name-dialog').getByRole('button', { name: 'Rename' }).click();
    await expect(folderRow(page, 'New')).toBeVisible();
    await folderRow(page, 'New').getByRole('link', { name: 'New' }).click();
    await expect.poll(() => documentNames(page)).toEqual(['inside.docx']);
  });
});

test.describe('as editor', () => {
  test.use({ role: 'editor' });

  test('select two, bulk move with the picker; select all → bulk delete; keyboard opens the row menu', async ({
    page,
  }) => {
    const { folder } = await seedFolder(api, ['one.docx', 'two.docx', 'three.docx']);
    await api.post('/api/folders', { data: { parent: folder, name: 'Target' } });
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);

    await page.getByRole('checkbox', { name: 'Select one.docx' }).check();
    await page.getByRole('checkbox', { name: 'Select two.docx' }).check();
    await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Move…' }).click();
    const picker = page.getByTestId('folder-picker');
    await picker.getByRole('button', { name: 'Target' }).click();
    await picker.getByRole('button', { name: 'Move here' }).click();
    await expect(page.getByTestId('file-notice')).toContainText('2 items');
    await expect.poll(() => documentNames(page)).toEqual(['three.docx']);

    // The row menu from the keyboard: Enter opens it on the first item, Escape closes it.
    const menuButton = page.getByRole('button', { name: 'Actions for three.docx' });
    await menuButton.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('menuitem', { name: 'Rename…' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('menuitem', { name: 'Move…' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('menu')).toHaveCount(0);
    await expect(menuButton).toBeFocused();

    await page.getByRole('checkbox', { name: 'Select all' }).check();
    acceptConfirm(page);
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('empty-state')).toBeVisible();
  });

  test('drag a row onto a folder row → moved there; drag onto the breadcrumb → moved back up', async ({ page }) => {
    const { folder } = await seedFolder(api, ['drag.docx', 'stay.docx']);
    await api.post('/api/folders', { data: { parent: folder, name: 'Inbox' } });
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);
    await row(page, 'drag.docx').dragTo(folderRow(page, 'Inbox'));
    await expect(row(page, 'drag.docx')).toHaveCount(0);
    await expect(page.getByTestId('file-notice')).toContainText('Moved to');

    await folderRow(page, 'Inbox').getByRole('link', { name: 'Inbox' }).click();
    await expect.poll(() => documentNames(page)).toEqual(['drag.docx']);
    const crumb = page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: folder });
    await row(page, 'drag.docx').dragTo(crumb);
    await expect(row(page, 'drag.docx')).toHaveCount(0);
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);
    await expect.poll(() => documentNames(page)).toEqual(['drag.docx', 'stay.docx']);
  });

  for (const viewport of VIEWPORTS) {
    test(`list page with file actions at ${viewport.label} px: main content fits; the row menu opens`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const { folder } = await seedFolder(api, ['Long name for a narrow screen.docx']);
      await api.post('/api/folders', { data: { parent: folder, name: 'Sub' } });
      await page.goto(`/?folder=${encodeURIComponent(folder)}`);
      await expect(page.getByRole('button', { name: 'New folder' })).toBeVisible();
      await page.getByRole('checkbox', { name: 'Select Sub' }).check();
      await page.getByRole('button', { name: 'Actions for Long name for a narrow screen.docx' }).click();
      const remove = page.getByRole('menuitem', { name: 'Delete' });
      await expect(remove).toBeVisible();
      // Not clipped by the list's own scroll box: the item is what is at its centre.
      expect(
        await remove.evaluate((item) => {
          const box = item.getBoundingClientRect();

          return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === item;
        }),
      ).toBe(true);
      await expectMainFits(page);
      await screenshot(page, `files-editor-${viewport.label}`);
    });
  }
});

test.describe('as viewer', () => {
  test.use({ role: 'viewer' });

  for (const viewport of VIEWPORTS) {
    test(`no New folder, no row menus, no move or delete at ${viewport.label} px; select + zip works; the API refuses with 403`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      const { folder, ids } = await seedFolder(api, ['read.docx']);
      await api.post('/api/folders', { data: { parent: folder, name: 'Sub' } });
      await page.goto(`/?folder=${encodeURIComponent(folder)}`);
      await expect(row(page, 'read.docx')).toBeVisible();
      await expect(page.getByRole('button', { name: 'New folder' })).toHaveCount(0);
      await expect(page.getByRole('button', { name: /^Actions for/ })).toHaveCount(0);
      await page.getByRole('checkbox', { name: 'Select read.docx' }).check();
      await expect(page.getByTestId('bulk-bar').getByRole('button', { name: 'Move…' })).toHaveCount(0);
      await expect(page.getByTestId('bulk-bar').getByRole('button', { name: 'Delete' })).toHaveCount(0);
      await expect(page.getByTestId('zip-selection')).toBeVisible();
      await expectMainFits(page);
      await screenshot(page, `files-viewer-${viewport.label}`);

      const refusals = await Promise.all([
        page.request.post('/api/folders', { data: { parent: folder, name: uniqueName('no') } }),
        page.request.post(`/api/documents/${ids['read.docx']}/rename`, { data: { name: 'x.docx' } }),
        page.request.post(`/api/documents/${ids['read.docx']}/delete`),
        page.request.post('/api/folders/delete', { data: { path: folder } }),
      ]);
      expect(refusals.map((response) => response.status())).toEqual([403, 403, 403, 403]);
    });
  }

  test('zip of a folder and of a selection downloads as a zip file', async ({ page }) => {
    const { folder } = await seedFolder(api, ['z1.docx', 'z2.docx']);
    await api.post('/api/folders', { data: { parent: folder, name: 'Sub' } });
    await page.goto(`/?folder=${encodeURIComponent(folder)}`);
    const folderZip = page.waitForEvent('download');
    await folderRow(page, 'Sub').getByTestId('folder-zip-link').click();
    expect((await folderZip).suggestedFilename()).toBe('Sub.zip');

    await page.getByRole('checkbox', { name: 'Select z1.docx' }).check();
    await page.getByRole('checkbox', { name: 'Select z2.docx' }).check();
    const selectionZip = page.waitForEvent('download');
    await page.getByTestId('zip-selection').click();
    const download = await selectionZip;
    expect(download.suggestedFilename()).toBe('documents.zip');
    const bytes = await (await download.createReadStream()).toArray();
    expect(Buffer.concat(bytes).subarray(0, 2).toString()).toBe('PK');
  });
});
