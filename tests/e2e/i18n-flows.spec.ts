import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { account, expect, test, uniqueName, type Role } from './fixtures';
import { adminApi, documentRow, folderRow, seedFolder } from './files-helpers';
import { de, en, expectGerman, germanContext } from './german';
import { expectNoHorizontalScroll, screenshot, uploadAsAdmin, useNoEditorPortal, VIEWPORTS } from './page-checks';

// Issue 9's flows in a German browser (de-DE), as admin, editor and viewer, at 1280 and 390 px:
// file management, trash, versions, search and Recent, users, /account, the audit log, opening,
// the upload panel, error pages and notices — every refusal included. Labels come from
// messages/de.json (tests/e2e/german.ts); for a few per screen the English text must be absent.
// Messages the server writes (a name taken, open for editing) are localized elsewhere: only
// their role (alert) is checked. Screenshots: i18n-<flow>-<role>-<1280|390>.png.

// The tests share no data (each seeds folders with a random suffix), so they spread over both workers.
test.describe.configure({ mode: 'parallel' });

type Viewport = (typeof VIEWPORTS)[number];

let api: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  api = await adminApi(baseURL!);
});

test.afterAll(async () => {
  await api.dispose();
});

const row = documentRow;
const trashRow = (page: Page, name: string) => page.locator(`[data-testid="trash-row"][data-name="${name}"]`);
const quoted = (name: string) => de('files.quoted', { name });

const menuOf = async (page: Page, name: string) => {
  await page.getByRole('button', { name: de('files.actionsFor', { name }) }).click();

  return page.getByRole('menu', { name: de('files.actionsFor', { name }) });
};

/** Accepts (or declines) the next window.confirm(), after checking it asks in German: `message`, or text it matches. */
const confirmInGerman = (page: Page, message: string | RegExp, accept = true) =>
  new Promise<void>((resolve, reject) => {
    page.once('dialog', (dialog) => {
      const asked = dialog.message();
      const isAsked = typeof message === 'string' ? asked === message : message.test(asked);
      void (accept ? dialog.accept() : dialog.dismiss()).then(() =>
        isAsked ? resolve() : reject(new Error(`confirm asked “${asked}”, expected “${String(message)}”`)),
      );
    });
  });

/** `key`'s German text for any `count` (formatted as German formats numbers: 1.234). */
const germanWithAnyCount = (key: string) => {
  const SENTINEL = 7777;
  const formatted = SENTINEL.toLocaleString('de-DE');
  const [before, after] = de(key, { count: SENTINEL }).split(formatted) as [string, string];
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  return new RegExp(`^${escape(before)}[\\d.]+${escape(after)}$`);
};

/** Screenshot `i18n-<flow>-<role>-<width>.png`; at 390 px the page must not scroll sideways. */
const screen = async (page: Page, flow: string, role: Role, viewport: Viewport) => {
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  if (viewport.label === '390') await expectNoHorizontalScroll(page);
  await screenshot(page, `i18n-${flow}-${role}-${viewport.label}`);
};

/** A German page for `role` at this width; the caller closes its context. */
const germanPage = async (browser: Browser, role: Role, viewport: Viewport) => {
  const context = await germanContext(browser, role, viewport);

  return { context, page: await context.newPage() };
};

/** Goes to a folder's list and waits for it (in German). */
const openFolder = async (page: Page, folder: string) => {
  await page.goto(`/?folder=${encodeURIComponent(folder)}`);
  await expect(page.getByTestId('document-table').or(page.getByTestId('empty-state'))).toBeVisible();
};

/** A document uploaded twice by the admin (versions 1 and 2), in a folder of its own. */
const documentWithTwoVersions = async (name: string) => {
  const folder = uniqueName('i18n-versionen');
  const id = await uploadAsAdmin(api, folder, name, 'erster Entwurf');
  const query = new URLSearchParams({ folder, name, onConflict: 'replace' }).toString();
  const replaced = await api.post(`/api/admin/documents?${query}`, { data: 'zweiter Entwurf' });
  expect(replaced.status(), 'upload of version 2').toBe(200);

  return { id, folder };
};

/** The German header at 1280 px keeps "Recent" (and every link) on one line. */
const expectHeaderOnOneLine = async (page: Page) => {
  const lines = await page
    .getByRole('banner')
    .locator('a, button')
    .evaluateAll((elements) =>
      elements
        .filter((element) => (element as HTMLElement).offsetParent !== null)
        .map((element) => {
          const range = document.createRange();
          range.selectNodeContents(element);
          const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));

          return `${(element.textContent ?? '').trim()}: ${tops.size}`;
        }),
    );
  expect(
    lines.filter((line) => !line.endsWith(': 1')),
    'header links that wrap',
  ).toEqual([]);
};

for (const viewport of VIEWPORTS) {
  test.describe(`German at ${viewport.label} px`, () => {
    test(`admin: new folder, rename/move/copy/delete of a document and a folder, bulk move, zip (${viewport.label})`, async ({
      browser,
    }) => {
      const { folder } = await seedFolder(api, ['Plan.docx', 'Budget.xlsx', 'Vergeben.docx'], 'i18n-dateien');
      for (const sub of ['Alt', 'Archiv'])
        expect((await api.post('/api/folders', { data: { parent: folder, name: sub } })).status()).toBe(201);
      await uploadAsAdmin(api, `${folder}/Alt`, 'innen.docx', 'innen');
      const { context, page } = await germanPage(browser, 'admin', viewport);
      try {
        await openFolder(page, folder);
        await expect(page.getByTestId('user-role')).toHaveText(de('roles.admin'));
        await expectGerman(page, 'files.newFolder');
        await expect(page.getByRole('button', { name: de('files.newDocx') })).toBeVisible();
        await expect(page.getByRole('columnheader', { name: de('files.modifiedBy') })).toBeVisible();
        await expect(page.getByRole('columnheader', { name: en('files.modifiedBy') })).toHaveCount(0);
        await expect(page.getByRole('link', { name: de('files.trash') })).toBeVisible();
        if (viewport.label === '1280') await expectHeaderOnOneLine(page);
        await screen(page, 'files', 'admin', viewport);

        // New folder.
        await page.getByRole('button', { name: de('files.newFolder') }).click();
        const nameDialog = page.getByTestId('name-dialog');
        await expect(nameDialog.getByRole('heading', { name: de('files.newFolder') })).toBeVisible();
        await nameDialog.getByLabel(de('files.folderName')).fill('Berichte');
        await screen(page, 'new-folder', 'admin', viewport);
        await nameDialog.getByRole('button', { name: de('files.create') }).click();
        await expect(folderRow(page, 'Berichte')).toBeVisible();

        // Rename a document: a taken name is refused in the dialog (server text: role only), then a free one.
        await (await menuOf(page, 'Plan.docx')).getByRole('menuitem', { name: de('files.rename') }).click();
        await expect(
          nameDialog.getByRole('heading', { name: de('files.renameTitle', { name: 'Plan.docx' }) }),
        ).toBeVisible();
        const newName = nameDialog.getByLabel(de('files.newName'));
        await newName.fill('Vergeben.docx');
        await nameDialog.getByRole('button', { name: de('files.renameSubmit') }).click();
        await expect(nameDialog.getByRole('alert')).toBeVisible();
        await screen(page, 'rename-taken', 'admin', viewport);
        await newName.fill('Plan final.docx');
        await nameDialog.getByRole('button', { name: de('files.renameSubmit') }).click();
        await expect(row(page, 'Plan final.docx')).toBeVisible();

        // Move a document with the folder picker.
        await (await menuOf(page, 'Plan final.docx')).getByRole('menuitem', { name: de('files.move') }).click();
        const picker = page.getByTestId('folder-picker');
        await expect(
          picker.getByRole('heading', { name: de('files.moveTitle', { what: quoted('Plan final.docx') }) }),
        ).toBeVisible();
        await picker.getByRole('button', { name: 'Berichte' }).click();
        await expect(picker.getByTestId('picker-folder')).toHaveText(`${folder}/Berichte`);
        await expect(picker.getByText(de('files.upTo', { folder }))).toBeVisible();
        await screen(page, 'move-picker', 'admin', viewport);
        await picker.getByRole('button', { name: de('files.moveHere') }).click();
        await expect(page.getByTestId('file-notice')).toContainText(
          de('files.doneWhat', {
            verb: de('files.movedTo', { folder: quoted(`${folder}/Berichte`) }),
            what: quoted('Plan final.docx'),
          }),
        );
        await expect(row(page, 'Plan final.docx')).toHaveCount(0);

        // Copy a document into its own folder: the name is taken → "Keep both".
        await (await menuOf(page, 'Budget.xlsx')).getByRole('menuitem', { name: de('files.copy') }).click();
        await picker.getByRole('button', { name: de('files.copyHere') }).click();
        await expect(page.getByTestId('file-notice').getByRole('alert')).toBeVisible();
        await screen(page, 'copy-taken', 'admin', viewport);
        await page.getByRole('button', { name: de('files.keepBoth') }).click();
        await expect(row(page, 'Budget (1).xlsx')).toBeVisible();

        // Delete a document (to the trash), asked in German.
        const askedDelete = confirmInGerman(page, de('files.confirmDelete', { what: quoted('Budget (1).xlsx') }));
        await (await menuOf(page, 'Budget (1).xlsx')).getByRole('menuitem', { name: de('files.delete') }).click();
        await askedDelete;
        await expect(row(page, 'Budget (1).xlsx')).toHaveCount(0);

        // A folder: rename, copy, move, delete.
        await (await menuOf(page, 'Alt')).getByRole('menuitem', { name: de('files.rename') }).click();
        await newName.fill('Neu');
        await nameDialog.getByRole('button', { name: de('files.renameSubmit') }).click();
        await expect(folderRow(page, 'Neu')).toBeVisible();
        await (await menuOf(page, 'Neu')).getByRole('menuitem', { name: de('files.copy') }).click();
        await expect(
          picker.getByRole('heading', { name: de('files.copyTitle', { what: quoted('Neu') }) }),
        ).toBeVisible();
        await picker.getByRole('button', { name: 'Berichte' }).click();
        await picker.getByRole('button', { name: de('files.copyHere') }).click();
        await expect(page.getByTestId('file-notice')).toContainText(
          de('files.copiedTo', { folder: quoted(`${folder}/Berichte`) }),
        );
        await (await menuOf(page, 'Neu')).getByRole('menuitem', { name: de('files.move') }).click();
        await picker.getByRole('button', { name: 'Archiv' }).click();
        await picker.getByRole('button', { name: de('files.moveHere') }).click();
        await expect(folderRow(page, 'Neu')).toHaveCount(0);
        const askedFolder = confirmInGerman(page, de('files.confirmDelete', { what: quoted('Archiv') }));
        await (await menuOf(page, 'Archiv')).getByRole('menuitem', { name: de('files.delete') }).click();
        await askedFolder;
        await expect(folderRow(page, 'Archiv')).toHaveCount(0);

        // Multi-select: zip of the selection, then a bulk move.
        await page.getByRole('checkbox', { name: de('files.select', { name: 'Vergeben.docx' }) }).check();
        await page.getByRole('checkbox', { name: de('files.select', { name: 'Budget.xlsx' }) }).check();
        const bulk = page.getByTestId('bulk-bar');
        await expect(page.getByTestId('selected-count')).toHaveText(de('files.selectedCount', { count: 2 }));
        await expect(bulk.getByText(en('files.clearSelection'))).toHaveCount(0);
        await screen(page, 'bulk', 'admin', viewport);
        const zip = page.waitForEvent('download');
        await bulk.getByRole('link', { name: de('files.downloadZip') }).click();
        const download = await zip;
        expect(download.suggestedFilename()).toMatch(/\.zip$/);
        const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
        expect(bytes.subarray(0, 2).toString()).toBe('PK');
        await bulk.getByRole('button', { name: de('files.move') }).click();
        await picker.getByRole('button', { name: 'Berichte' }).click();
        await picker.getByRole('button', { name: de('files.moveHere') }).click();
        await expect(page.getByTestId('file-notice')).toContainText(de('files.itemCount', { count: 2 }));
        await expect(page.getByTestId('document-row')).toHaveCount(0);

        await folderRow(page, 'Berichte').getByRole('link', { name: 'Berichte' }).click();
        await expect(page.getByTestId('document-row')).toHaveCount(3);
        await expect(folderRow(page, 'Neu')).toBeVisible();
        await screen(page, 'files-done', 'admin', viewport);
      } finally {
        await context.close();
      }
    });

    test(`admin: upload panel (conflict choice, Clear finished), trash (restore, name taken, delete forever, empty), versions (${viewport.label})`, async ({
      browser,
      makeFile,
    }) => {
      const { folder, ids } = await seedFolder(api, ['Vorhanden.docx', 'Weg.docx', 'Endgültig.docx'], 'i18n-papier');
      for (const name of ['Weg.docx', 'Endgültig.docx'])
        expect((await api.post(`/api/documents/${ids[name]}/delete`)).status()).toBe(200);
      await uploadAsAdmin(api, folder, 'Weg.docx', 'neu');
      const deletedFolder = (await seedFolder(api, ['a.docx', 'b.docx'], 'i18n-ordner')).folder;
      expect((await api.post('/api/folders/delete', { data: { path: deletedFolder } })).status()).toBe(200);
      const history = await documentWithTwoVersions('Verlauf.docx');
      const { context, page } = await germanPage(browser, 'admin', viewport);
      try {
        // Upload panel: a name that exists → the choice; Keep both; Clear finished.
        await openFolder(page, folder);
        const panel = page.getByRole('region', { name: de('upload.title') });
        await expect(panel.getByText(de('upload.chooseFiles'))).toBeVisible();
        await expect(panel.getByText(en('upload.chooseFiles'))).toHaveCount(0);
        await page.getByTestId('upload-input').setInputFiles(await makeFile('Vorhanden.docx', 'zweite Fassung'));
        const item = page.getByTestId('upload-item');
        await expect(item).toHaveAttribute('data-status', 'conflict');
        await expect(item.getByRole('button', { name: de('upload.replace') })).toBeVisible();
        await expect(item.getByRole('button', { name: de('upload.skip') })).toBeVisible();
        await screen(page, 'upload-conflict', 'admin', viewport);
        await item.getByRole('button', { name: de('upload.keepBoth') }).click();
        await expect(item).toHaveAttribute('data-status', 'done');
        await expect(item).toContainText(de('upload.savedAs', { name: 'Vorhanden (1).docx' }));
        await expect(row(page, 'Vorhanden (1).docx')).toBeVisible();
        await page.getByRole('button', { name: de('upload.clearFinished', { count: 1 }) }).click();
        await expect(item).toHaveCount(0);

        // Trash: a folder is one entry; restore it.
        await page.getByRole('link', { name: de('files.trash') }).click();
        await expect(page.getByRole('heading', { level: 1, name: de('trash.title') })).toBeVisible();
        await expect(trashRow(page, deletedFolder)).toContainText(de('trash.folderOf', { count: 2 }));
        await expect(
          page
            .getByRole('columnheader', { name: de('trash.deletedBy') })
            .or(page.getByText(de('trash.deletedBy')).first()),
        ).toBeAttached();
        await expect(page.getByText(en('trash.emptyTrash'), { exact: true })).toHaveCount(0);
        await screen(page, 'trash', 'admin', viewport);
        await trashRow(page, deletedFolder)
          .getByRole('button', { name: de('trash.restore') })
          .click();
        await expect(trashRow(page, deletedFolder)).toHaveCount(0);

        // Restore when the name is taken: the server says so (alert), "Restore as" a free name.
        const clash = trashRow(page, 'Weg.docx').filter({ hasText: folder });
        await clash.getByRole('button', { name: de('trash.restore') }).click();
        await expect(clash.getByRole('alert')).toBeVisible();
        await screen(page, 'trash-name-taken', 'admin', viewport);
        await clash.getByRole('button', { name: de('trash.restoreAs', { name: 'Weg (1).docx' }) }).click();
        await expect(clash).toHaveCount(0);

        // Delete forever, asked in German.
        const doomed = trashRow(page, 'Endgültig.docx').filter({ hasText: folder });
        const askedPurge = confirmInGerman(page, de('trash.confirmPurge', { name: 'Endgültig.docx' }));
        await doomed.getByRole('button', { name: de('trash.deleteForever') }).click();
        await askedPurge;
        await expect(doomed).toHaveCount(0);

        // Empty trash: asked in German with the number of entries. Declined here — emptying the
        // whole trash would take other specs' entries (trash.spec.ts empties it, in English).
        // The count is the whole trash's (other specs add to it meanwhile, and it may pass one page).
        const entries = await page.getByTestId('trash-row').count();
        const askedEmpty = confirmInGerman(page, germanWithAnyCount('trash.confirmEmpty'), false);
        await page.getByRole('button', { name: de('trash.emptyTrash') }).click();
        await askedEmpty;
        await expect(page.getByTestId('trash-row')).toHaveCount(entries);

        await openFolder(page, folder);
        await expect(row(page, 'Weg (1).docx')).toBeVisible();

        // Version history: entries, download a version, restore it.
        await openFolder(page, history.folder);
        await row(page, 'Verlauf.docx')
          .getByRole('link', { name: de('files.history') })
          .click();
        await expect(page).toHaveURL(new RegExp(`/documents/${history.id}/history$`));
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(
          de('history.heading', { name: 'Verlauf.docx' }),
        );
        const current = page.locator('[aria-current="true"]');
        await expect(current).toHaveAttribute('data-version', '2');
        await expect(current).toContainText(de('history.current'));
        await expect(current.getByTestId('version-kind')).toHaveText(de('history.kinds.upload'));
        await expect(page.getByText(en('history.restoreHint'))).toHaveCount(0);
        await screen(page, 'versions', 'admin', viewport);
        const first = page.getByTestId('version-item').filter({ hasText: de('history.version', { version: 1 }) });
        const [version] = await Promise.all([
          page.waitForEvent('download'),
          first.getByRole('link', { name: de('history.downloadVersion', { version: 1 }) }).click(),
        ]);
        expect(version.suggestedFilename()).toMatch(/^Verlauf .*1.*\.docx$/);
        expect(await readFile(await version.path(), 'utf8')).toBe('erster Entwurf');
        const askedRestore = confirmInGerman(page, de('history.confirmRestore', { version: 1, name: 'Verlauf.docx' }));
        await first.getByRole('button', { name: de('history.restoreVersion', { version: 1 }) }).click();
        await askedRestore;
        await expect(current).toHaveAttribute('data-version', '3');
        await expect(current.getByTestId('version-kind')).toHaveText(de('history.restoredFrom', { version: 1 }));
        await screen(page, 'versions-restored', 'admin', viewport);
      } finally {
        await context.close();
      }
    });

    test(`admin: search with a filter and folder paths, Recent, open actions, error pages (${viewport.label})`, async ({
      browser,
    }) => {
      const tag = uniqueName('suche');
      const folder = `${uniqueName('i18n-suche')}/Unterordner`;
      await uploadAsAdmin(api, folder, `Bericht ${tag}.docx`, 'Bericht');
      await uploadAsAdmin(api, folder, `Zahlen ${tag}.xlsx`, 'Zahlen');
      const odd = await uploadAsAdmin(api, folder, `Seltsam ${tag}.xyz`, '?');
      const { context, page } = await germanPage(browser, 'admin', viewport);
      try {
        await page.goto('/');
        const header = page.getByRole('banner');
        if (viewport.label === '1280') {
          await header.getByLabel(de('shell.searchByName')).fill(tag);
          await header.getByRole('button', { name: de('shell.search') }).click();
        } else {
          await header.getByRole('link', { name: de('shell.search') }).click();
          await page
            .getByRole('search', { name: de('search.formLabel') })
            .getByLabel(de('search.nameContains'))
            .fill(tag);
          await page
            .getByRole('search', { name: de('search.formLabel') })
            .getByRole('button', { name: de('search.submit'), exact: true })
            .click();
        }
        await expect(page.getByRole('heading', { level: 1, name: de('search.title') })).toBeVisible();
        await expect(page.getByTestId('search-count')).toHaveText(de('search.found', { total: 3 }));
        const form = page.getByRole('search', { name: de('search.formLabel') });
        await form.getByLabel(de('search.type')).selectOption('spreadsheets');
        await expect(form.getByLabel(de('search.type')).locator('option:checked')).toHaveText(
          de('search.kinds.spreadsheets'),
        );
        await form.getByRole('button', { name: de('search.apply') }).click();
        await expect(page).toHaveURL((url) => url.searchParams.get('type') === 'spreadsheets');
        await expect(page.getByTestId('search-count')).toHaveText(de('search.found', { total: 1 }));
        const result = page.getByTestId('result-row');
        await expect(result.getByTestId('result-folder')).toHaveText(
          [de('search.topFolder'), ...folder.split('/')].join(' / '),
        );
        await expect(page.getByText(en('search.apply'), { exact: true })).toHaveCount(0);
        await screen(page, 'search', 'admin', viewport);

        // Recent (its entries are checked for a person of their own in the /account test: the
        // shared admin's last 20 move whenever a spec beside this one uploads).
        await page.getByRole('link', { name: de('search.yourRecent') }).click();
        await expect(page.getByRole('heading', { level: 1, name: de('recent.title') })).toBeVisible();
        await expect(page.getByTestId('recent-list')).toContainText(de('search.actions.document_upload'));
        await expect(page.getByText(en('recent.searchAll'))).toHaveCount(0);
        await screen(page, 'recent', 'admin', viewport);
        if (viewport.label === '1280') {
          await header.getByRole('link', { name: de('shell.recent') }).click();
          await expect(page).toHaveURL(/\/recent$/);
        }

        // Open: a pdf the editor only views opens in view mode; a type no editor opens → its page.
        await page.goto('/');
        const pdf = row(page, 'Guide.pdf').locator('a.name-cell');
        await expect(pdf).toHaveAttribute('data-open', 'view');
        await expect(pdf).toHaveAttribute('title', de('files.openVerb', { kind: 'view', name: 'Guide.pdf' }));
        await pdf.click();
        await expect(page).toHaveURL(/\/documents\/[0-9a-f-]+\/view$/);
        await expect(page.frameLocator('iframe[name="wopi-editor-frame"]').getByTestId('fake-mode')).toHaveText('view');
        await screen(page, 'open-pdf', 'admin', viewport);
        const unsupported = await page.goto(`/documents/${odd}/view`);
        expect(unsupported?.status()).toBe(415);
        await expect(page.getByRole('heading', { level: 1, name: de('host.noEditorTitle') })).toBeVisible();
        await expect(page.getByText(en('host.noEditorTitle'))).toHaveCount(0);
        await screen(page, 'no-editor', 'admin', viewport);

        // Error pages.
        const missing = await page.goto('/keine-solche-seite');
        expect(missing?.status()).toBe(404);
        await expect(page.getByRole('heading', { level: 1, name: de('errors.notFoundTitle') })).toBeVisible();
        await expect(page.getByTestId('error-back')).toContainText(de('errors.backToDocuments'));
        await expect(page.getByText(en('errors.notFoundTitle'))).toHaveCount(0);
        await screen(page, 'not-found', 'admin', viewport);
        const gone = await page.goto('/documents/00000000-0000-4000-8000-000000000000/view');
        expect(gone?.status()).toBe(404);
        await expect(page.getByRole('heading', { level: 1, name: de('host.documentNotFound') })).toBeVisible();
        await expect(page.getByText(de('host.documentNotFoundText'))).toBeVisible();
        await expect(page.getByText(en('host.documentNotFound'))).toHaveCount(0);
        await screen(page, 'document-not-found', 'admin', viewport);
        await page.getByTestId('error-back').click();
        await expect(page).toHaveURL((url) => url.pathname === '/');
      } finally {
        await context.close();
      }
    });

    test(`admin: users (add, role, disable/enable, reset, the last admin), audit filter and CSV, /account (${viewport.label})`, async ({
      browser,
    }) => {
      const email = `${uniqueName('i18n-person')}@e2e.example`;
      const tag = uniqueName('protokoll');
      const auditFolder = uniqueName('i18n-protokoll');
      await uploadAsAdmin(api, auditFolder, `${tag}-1.txt`, 'eins');
      await uploadAsAdmin(api, auditFolder, `${tag}-2.txt`, 'zwei');
      const { context, page } = await germanPage(browser, 'admin', viewport);
      try {
        await page.goto('/account');
        await expect(page.getByRole('heading', { level: 1, name: de('account.title') })).toBeVisible();
        await expect(page.getByTestId('account-role')).toHaveText(de('roles.admin'));
        await expectGerman(page, 'account.usersText');
        await screen(page, 'account', 'admin', viewport);
        await page.getByRole('link', { name: de('account.users'), exact: true }).click();
        await expect(page.getByRole('heading', { level: 1, name: de('users.title') })).toBeVisible();
        await expect(page.getByText(en('users.addTitle'))).toHaveCount(0);

        // Add a user: the generated password is shown once.
        const add = page.getByRole('form', { name: de('users.addTitle') });
        await add.getByLabel(de('users.email')).fill(email);
        await add.getByLabel(de('users.nameOptional')).fill('Jürgen Größe');
        await add.getByLabel(de('users.role')).selectOption('viewer');
        await expect(add.getByLabel(de('users.role')).locator('option:checked')).toHaveText(de('users.roleViewer'));
        await add.getByRole('button', { name: de('users.add') }).click();
        const secret = page.getByTestId('one-time-password');
        await expect(secret.getByRole('heading')).toHaveText(de('users.newPasswordFor', { email }));
        await expect(secret).toContainText(de('users.shownOnce'));
        expect(await secret.getByTestId('one-time-password-value').inputValue()).not.toBe('');
        await screen(page, 'users-added', 'admin', viewport);
        await secret.getByRole('button', { name: de('users.done') }).click();
        await expect(secret).toHaveCount(0);

        // Change the role, disable, enable, reset the password.
        const person = page.locator(`[data-testid="user-row"][data-email="${email}"]`);
        await person.getByLabel(de('users.roleOf', { email })).selectOption('editor');
        await person.getByRole('button', { name: de('users.save') }).click();
        await expect(person.getByRole('status')).toHaveText(de('users.roleChanged', { role: de('roles.editor') }));
        const askedDisable = confirmInGerman(page, de('users.confirmDisable', { email }));
        await person.getByRole('button', { name: de('users.disable') }).click();
        await askedDisable;
        await expect(person.getByTestId('user-status')).toHaveText(de('users.disabled'));
        await screen(page, 'users-disabled', 'admin', viewport);
        await person.getByRole('button', { name: de('users.enable') }).click();
        await expect(person.getByTestId('user-status')).toHaveText(de('users.active'));
        const askedReset = confirmInGerman(page, de('users.confirmReset', { email }));
        await person.getByRole('button', { name: de('users.resetPassword') }).click();
        await askedReset;
        await expect(secret.getByRole('heading')).toHaveText(de('users.newPasswordFor', { email }));
        await screen(page, 'users-reset', 'admin', viewport);
        await secret.getByRole('button', { name: de('users.done') }).click();

        // The last active admin: their own row offers no role change or disabling, and the server
        // refuses both (409 last_admin) — only when no other active admin exists, which is checked first.
        const self = page.locator(`[data-testid="user-row"][data-email="${account('admin').email}"]`);
        await expect(self).toContainText(de('users.you').trim());
        await expect(self.getByRole('combobox')).toHaveCount(0);
        await expect(self.getByRole('button', { name: de('users.disable') })).toHaveCount(0);
        await expect(self.getByRole('link', { name: de('users.changeYourPassword') })).toBeVisible();
        const listed = (await (await page.request.get('/api/admin/users')).json()) as {
          users: { id: string; email: string; role: string; disabledAt: string | null }[];
        };
        const admins = listed.users.filter((user) => user.role === 'admin' && !user.disabledAt);
        expect(admins.map((user) => user.email)).toEqual([account('admin').email]);
        const selfId = admins[0]!.id;
        for (const [path, data] of [
          ['role', { role: 'editor' }],
          ['disable', {}],
        ] as const) {
          const refused = await page.request.post(`/api/admin/users/${selfId}/${path}`, { data });
          expect(refused.status(), `POST /api/admin/users/:self/${path}`).toBe(409);
          expect(await refused.json()).toMatchObject({ error: { code: 'last_admin' } });
        }

        // Audit log: filter by document and action; the CSV export.
        await page
          .getByRole('banner')
          .getByRole('link', { name: de('shell.auditLog') })
          .click();
        await expect(page.getByRole('heading', { level: 1, name: de('audit.title') })).toBeVisible();
        const filters = page.getByRole('search', { name: de('audit.filterEvents') });
        await filters.getByLabel(de('audit.document')).fill(tag);
        await filters.getByLabel(de('audit.action'), { exact: true }).selectOption('document.upload');
        await filters.getByRole('button', { name: de('audit.apply') }).click();
        await expect(page).toHaveURL((url) => url.searchParams.get('document') === tag);
        const rows = page.getByTestId('audit-row');
        await expect(rows).toHaveCount(2);
        await expect(rows.first()).toContainText(de('audit.actions.document_upload'));
        await expect(rows.first()).toContainText(de('audit.outcomes.success'));
        await expect(page.getByText(en('audit.apply'), { exact: true })).toHaveCount(0);
        await screen(page, 'audit', 'admin', viewport);
        const csvLink = page.getByTestId('audit-csv');
        await expect(csvLink).toHaveText(de('audit.csv'));
        const [csv] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
        expect(csv.suggestedFilename()).toMatch(/\.csv$/);
        const lines = Buffer.concat(await (await csv.createReadStream()).toArray())
          .toString('utf8')
          .trimEnd()
          .split('\r\n');
        expect(lines).toHaveLength(3);
      } finally {
        await context.close();
      }
    });

    test(`editor: file actions, trash restore, version restore, /account password; admin pages and admin APIs refused (${viewport.label})`, async ({
      browser,
    }) => {
      const { folder, ids } = await seedFolder(api, ['Notiz.docx', 'Liste.xlsx', 'Papier.docx'], 'i18n-bearbeiter');
      expect((await api.post('/api/folders', { data: { parent: folder, name: 'Ziel' } })).status()).toBe(201);
      expect((await api.post(`/api/documents/${ids['Papier.docx']}/delete`)).status()).toBe(200);
      const history = await documentWithTwoVersions('Fassung.docx');
      const { context, page } = await germanPage(browser, 'editor', viewport);
      try {
        await openFolder(page, folder);
        await expect(page.getByTestId('user-role')).toHaveText(de('roles.editor'));
        await expect(page.getByRole('region', { name: de('upload.title') })).toHaveCount(0);
        await expect(page.getByRole('banner').getByRole('link', { name: de('shell.auditLog') })).toHaveCount(0);
        await screen(page, 'files', 'editor', viewport);

        await page.getByRole('button', { name: de('files.newFolder') }).click();
        await page.getByTestId('name-dialog').getByLabel(de('files.folderName')).fill('Entwürfe');
        await page
          .getByTestId('name-dialog')
          .getByRole('button', { name: de('files.create') })
          .click();
        await expect(folderRow(page, 'Entwürfe')).toBeVisible();
        await (await menuOf(page, 'Notiz.docx')).getByRole('menuitem', { name: de('files.rename') }).click();
        await page.getByTestId('name-dialog').getByLabel(de('files.newName')).fill('Notiz 2.docx');
        await page
          .getByTestId('name-dialog')
          .getByRole('button', { name: de('files.renameSubmit') })
          .click();
        await expect(row(page, 'Notiz 2.docx')).toBeVisible();
        await (await menuOf(page, 'Liste.xlsx')).getByRole('menuitem', { name: de('files.copy') }).click();
        await page.getByTestId('folder-picker').getByRole('button', { name: 'Ziel' }).click();
        await page
          .getByTestId('folder-picker')
          .getByRole('button', { name: de('files.copyHere') })
          .click();
        await expect(page.getByTestId('file-notice')).toContainText(
          de('files.copiedTo', { folder: quoted(`${folder}/Ziel`) }),
        );
        // Move a document into the new folder with the picker.
        await (await menuOf(page, 'Liste.xlsx')).getByRole('menuitem', { name: de('files.move') }).click();
        await page.getByTestId('folder-picker').getByRole('button', { name: 'Entwürfe' }).click();
        await page
          .getByTestId('folder-picker')
          .getByRole('button', { name: de('files.moveHere') })
          .click();
        await expect(page.getByTestId('file-notice')).toContainText(
          de('files.movedTo', { folder: quoted(`${folder}/Entwürfe`) }),
        );
        await expect(row(page, 'Liste.xlsx')).toHaveCount(0);
        await page.getByRole('checkbox', { name: de('files.select', { name: 'Notiz 2.docx' }) }).check();
        await page.getByRole('checkbox', { name: de('files.select', { name: 'Entwürfe' }) }).check();
        await expect(page.getByTestId('bulk-bar').getByRole('link', { name: de('files.downloadZip') })).toBeVisible();
        await expect(page.getByTestId('selected-count')).toHaveText(de('files.selectedCount', { count: 2 }));
        await screen(page, 'bulk', 'editor', viewport);
        const askedBulk = confirmInGerman(
          page,
          de('files.confirmDelete', { what: de('files.itemCount', { count: 2 }) }),
        );
        await page
          .getByTestId('bulk-bar')
          .getByRole('button', { name: de('files.delete') })
          .click();
        await askedBulk;
        await expect(row(page, 'Notiz 2.docx')).toHaveCount(0);
        await expect(folderRow(page, 'Entwürfe')).toHaveCount(0);

        // Trash: restore, but no Delete forever or Empty trash (and the API refuses them).
        await page.goto('/trash');
        const entry = trashRow(page, 'Papier.docx').filter({ hasText: folder });
        await expect(entry.getByRole('button', { name: de('trash.restore') })).toBeVisible();
        await expect(page.getByRole('button', { name: de('trash.deleteForever') })).toHaveCount(0);
        await expect(page.getByRole('button', { name: de('trash.emptyTrash') })).toHaveCount(0);
        await screen(page, 'trash', 'editor', viewport);
        await entry.getByRole('button', { name: de('trash.restore') }).click();
        await expect(entry).toHaveCount(0);
        expect((await page.request.post(`/api/trash/${ids['Notiz.docx']}/purge`)).status()).toBe(403);
        expect((await page.request.post('/api/trash/empty')).status()).toBe(403);

        // Search (a type filter) and Recent.
        await page.goto(`/search?q=${encodeURIComponent('Liste')}&type=spreadsheets`);
        await expect(page.getByRole('heading', { level: 1, name: de('search.title') })).toBeVisible();
        await expect(
          page.getByRole('search', { name: de('search.formLabel') }).getByLabel(de('search.type')),
        ).toHaveValue('spreadsheets');
        await expect(page.getByTestId('result-folder').first()).toContainText(de('search.topFolder'));
        await screen(page, 'search', 'editor', viewport);
        await page.getByRole('link', { name: de('search.yourRecent') }).click();
        await expect(page.getByRole('heading', { level: 1, name: de('recent.title') })).toBeVisible();
        await screen(page, 'recent', 'editor', viewport);

        // Versions: an editor restores.
        await page.goto(`/documents/${history.id}/history`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(
          de('history.heading', { name: 'Fassung.docx' }),
        );
        const asked = confirmInGerman(page, de('history.confirmRestore', { version: 1, name: 'Fassung.docx' }));
        await page.getByRole('button', { name: de('history.restoreVersion', { version: 1 }) }).click();
        await asked;
        await expect(page.locator('[aria-current="true"]')).toHaveAttribute('data-version', '3');
        await screen(page, 'versions', 'editor', viewport);

        // Admin pages → the list with the German admin-only notice; the admin API → 403.
        for (const route of ['/admin/users', '/admin/audit', '/admin/editors']) {
          await page.goto(route);
          await expect(page).toHaveURL(
            (url) => url.pathname === '/' && url.searchParams.get('notice') === 'admin-only',
          );
          await expect(page.getByTestId('notice')).toContainText(de('notices.adminOnly'));
        }
        await screen(page, 'admin-only', 'editor', viewport);
        await page.getByRole('button', { name: de('notices.dismiss') }).click();
        await expect(page.getByTestId('notice')).toHaveCount(0);
        const refusals = await Promise.all([
          page.request.get('/api/admin/audit'),
          page.request.get('/api/admin/audit.csv'),
          page.request.post('/api/admin/users', {
            data: { email: `${uniqueName('nein')}@e2e.example`, role: 'admin' },
          }),
          page.request.post(`/api/admin/documents?folder=${encodeURIComponent(folder)}&name=x.txt`, { data: 'x' }),
        ]);
        expect(refusals.map((response) => response.status())).toEqual([403, 403, 403, 403]);
      } finally {
        await context.close();
      }
    });

    test(`Recent and /account: a person of their own opens a document, then changes their password in German (${viewport.label})`, async ({
      browser,
    }) => {
      // A person of this test's own: the shared accounts' passwords must not change, and their
      // Recent lists move as other specs work.
      const opened = uniqueName('Geöffnet', '.docx');
      const documentId = await uploadAsAdmin(api, uniqueName('i18n-zuletzt'), opened, 'Inhalt');
      const email = `${uniqueName('i18n-konto')}@e2e.example`;
      const created = await api.post('/api/admin/users', {
        data: { email, role: 'editor', password: 'erstes Passwort 1' },
      });
      expect(created.status()).toBe(201);
      const context = await browser.newContext({
        locale: 'de-DE',
        viewport: { width: viewport.width, height: viewport.height },
      });
      try {
        const page = await context.newPage();
        const { csrfToken } = (await (await page.request.get('/api/auth/csrf')).json()) as { csrfToken: string };
        await page.request.post('/api/auth/callback/credentials', {
          form: { csrfToken, email, password: 'erstes Passwort 1', json: 'true' },
        });
        await page.goto('/recent');
        await expect(page.getByRole('heading', { level: 1, name: de('recent.title') })).toBeVisible();
        await expect(page.getByTestId('recent-empty')).toContainText(de('recent.empty'));
        await page.goto(`/documents/${documentId}/edit`);
        await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded');
        await page.goto('/recent');
        const recent = page.getByTestId('result-row').filter({ hasText: opened });
        await expect(recent).toContainText(de('search.actions.wopi_open'));
        await expect(page.getByText(en('recent.searchAll'))).toHaveCount(0);
        await screen(page, 'recent-opened', 'editor', viewport);

        await page.getByTestId('account-link').click();
        await expect(page.getByRole('heading', { level: 1, name: de('account.title') })).toBeVisible();
        await expect(page.getByText(en('account.currentPassword'))).toHaveCount(0);
        const form = page.getByRole('form', { name: de('account.changePassword') });
        await form.getByLabel(de('account.currentPassword')).fill('falsches Passwort');
        await form.getByLabel(de('account.newPassword'), { exact: true }).fill('zweites Passwort 2');
        await form.getByLabel(de('account.repeatPassword')).fill('zweites Passwort 2');
        await form.getByRole('button', { name: de('account.change') }).click();
        await expect(form.getByRole('alert')).toBeVisible();
        await screen(page, 'account-wrong-password', 'editor', viewport);
        await form.getByLabel(de('account.currentPassword')).fill('erstes Passwort 1');
        await form.getByLabel(de('account.repeatPassword')).fill('etwas anderes');
        await form.getByRole('button', { name: de('account.change') }).click();
        await expect(form.getByRole('alert')).toHaveText(de('account.mismatch'));
        await form.getByLabel(de('account.repeatPassword')).fill('zweites Passwort 2');
        await form.getByRole('button', { name: de('account.change') }).click();
        await expect(form.getByRole('status')).toHaveText(de('account.changed'));
        await screen(page, 'account-changed', 'editor', viewport);
      } finally {
        await context.close();
      }
    });

    test(`viewer: every action absent or refused, admin pages refused, search and trash read-only, sign-out notice (${viewport.label})`, async ({
      browser,
    }) => {
      const { folder, ids } = await seedFolder(api, ['Lesen.docx', 'Gelöscht.docx'], 'i18n-betrachter');
      expect((await api.post('/api/folders', { data: { parent: folder, name: 'Unter' } })).status()).toBe(201);
      expect((await api.post(`/api/documents/${ids['Gelöscht.docx']}/delete`)).status()).toBe(200);
      const history = await documentWithTwoVersions('Nur lesen.docx');
      const { context, page }: { context: BrowserContext; page: Page } = await germanPage(browser, 'viewer', viewport);
      try {
        await openFolder(page, folder);
        await expect(page.getByTestId('user-role')).toHaveText(de('roles.viewer'));
        await expect(row(page, 'Lesen.docx').locator('a.name-cell')).toHaveAttribute(
          'title',
          de('files.openVerb', { kind: 'view', name: 'Lesen.docx' }),
        );
        await expect(page.getByRole('button', { name: de('files.newFolder') })).toHaveCount(0);
        await expect(page.getByRole('button', { name: en('files.newFolder') })).toHaveCount(0);
        await expect(page.getByRole('button', { name: /^Aktionen für|^Actions for/ })).toHaveCount(0);
        await expect(page.getByRole('region', { name: de('upload.title') })).toHaveCount(0);
        await expect(page.getByRole('button', { name: de('files.newDocx') })).toHaveCount(0);
        await page.getByRole('checkbox', { name: de('files.select', { name: 'Lesen.docx' }) }).check();
        const bulk = page.getByTestId('bulk-bar');
        await expect(bulk.getByRole('link', { name: de('files.downloadZip') })).toBeVisible();
        for (const label of ['files.move', 'files.copy', 'files.delete'])
          await expect(bulk.getByRole('button', { name: de(label) })).toHaveCount(0);
        await screen(page, 'files', 'viewer', viewport);

        await page.goto('/trash');
        await expectGerman(page, 'trash.viewersLook');
        await expect(trashRow(page, 'Gelöscht.docx').filter({ hasText: folder })).toBeVisible();
        await expect(page.getByRole('button', { name: de('trash.restore') })).toHaveCount(0);
        await expect(page.getByRole('button', { name: de('trash.deleteForever') })).toHaveCount(0);
        await screen(page, 'trash', 'viewer', viewport);

        await page.goto(`/documents/${history.id}/history`);
        await expect(page.getByRole('link', { name: de('history.downloadVersion', { version: 1 }) })).toBeVisible();
        await expect(page.getByTestId('restore-version')).toHaveCount(0);
        await expectGerman(page, 'history.downloadHint');
        await screen(page, 'versions', 'viewer', viewport);

        await page.goto(`/search?q=${encodeURIComponent('Lesen')}`);
        await expect(page.getByRole('heading', { level: 1, name: de('search.title') })).toBeVisible();
        await expect(page.getByTestId('result-name').first()).toHaveAttribute('href', /\/view$/);
        await screen(page, 'search', 'viewer', viewport);

        for (const route of ['/admin/users', '/admin/audit', '/admin/editors']) {
          await page.goto(route);
          await expect(page).toHaveURL(
            (url) => url.pathname === '/' && url.searchParams.get('notice') === 'admin-only',
          );
          await expect(page.getByTestId('notice')).toContainText(de('notices.adminOnly'));
          await expect(page.getByText(en('notices.adminOnly'))).toHaveCount(0);
        }
        await screen(page, 'admin-only', 'viewer', viewport);

        const refusals = await Promise.all([
          page.request.post('/api/folders', { data: { parent: folder, name: uniqueName('nein') } }),
          page.request.post(`/api/documents/${ids['Lesen.docx']}/rename`, { data: { name: 'x.docx' } }),
          page.request.post(`/api/documents/${ids['Lesen.docx']}/delete`),
          page.request.post('/api/folders/delete', { data: { path: folder } }),
          page.request.post(`/api/trash/${ids['Gelöscht.docx']}/restore`),
          page.request.post(`/api/documents/${history.id}/versions/1/restore`, { data: {} }),
          page.request.post('/api/trash/empty'),
          page.request.get('/api/admin/users'),
        ]);
        expect(refusals.map((response) => response.status())).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);

        // Signing out (this context's own session) → the sign-in page says so in German.
        await page.goto('/account');
        await page.getByRole('button', { name: de('shell.signOut') }).click();
        await expect(page).toHaveURL((url) => url.pathname === '/login');
        await expect(page.getByTestId('notice')).toHaveText(de('notices.signedOut'));
        await expect(page.getByRole('button', { name: de('login.submit') })).toBeVisible();
        await screen(page, 'signed-out', 'viewer', viewport);
      } finally {
        await context.close();
      }
    });
  });
}

test.describe('German with no editor configured (a second portal without WOPI_CLIENTS)', () => {
  const noEditorUrl = useNoEditorPortal('e2e-i18n-no-editor');

  for (const viewport of VIEWPORTS) {
    test(`editor and admin: no New document, the pdf opens in the browser, the no-editor page asks an administrator / names the setting (${viewport.label})`, async ({
      browser,
    }) => {
      for (const role of ['editor', 'admin'] as const) {
        const context = await germanContext(browser, role, viewport, noEditorUrl());
        try {
          const page = await context.newPage();
          await page.goto('/');
          await expect(row(page, 'Guide.pdf').locator('a.name-cell')).toHaveAttribute('data-open', 'inline');
          const welcome = row(page, 'Welcome.docx').locator('a.name-cell');
          await expect(welcome).toHaveAttribute('data-open', 'download');
          await expect(welcome).toHaveAttribute(
            'title',
            de('files.openVerb', { kind: 'download', name: 'Welcome.docx' }),
          );
          await expect(page.getByRole('button', { name: de('files.newDocx') })).toHaveCount(0);
          const id = /\/documents\/([0-9a-f-]{36})\//.exec((await welcome.getAttribute('href')) ?? '')?.[1];
          expect(id, 'Welcome.docx id').toBeTruthy();

          const response = await page.goto(`/documents/${id}/edit`);
          expect(response?.status()).toBe(503);
          await expect(page.getByRole('heading', { level: 1, name: de('host.noClientsTitle') })).toBeVisible();
          await expect(page.getByText(en('host.noClientsTitle'))).toHaveCount(0);
          if (role === 'admin') {
            await expect(page.getByText(de('host.noClientsAdmin1'))).toBeVisible();
            await expect(page.getByRole('link', { name: de('shell.editors') }).last()).toBeVisible();
          } else {
            await expect(page.getByText(de('host.noClientsUser2'))).toBeVisible();
            await expect(page.getByText('WOPI_CLIENTS')).toHaveCount(0);
          }
          await expect(page.getByTestId('error-back')).toContainText(de('errors.backToDocuments'));
          await screen(page, 'no-editor-configured', role, viewport);
        } finally {
          await context.close();
        }
      }
    });
  }
});
