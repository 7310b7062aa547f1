/**
 * The host page speaking Collabora Online's PostMessage protocol with the test-only fake editor
 * (tests/support/fake-editor/server.ts) in its frame. Messages "from the editor" are posted from
 * inside the frame, so they carry the editor's origin and the frame as their source, as Collabora's
 * do (browser/src/map/handler/Map.WOPI.js _postMessage: window.parent.postMessage(JSON.stringify(msg))).
 */
import type { APIRequestContext, Frame, Page } from '@playwright/test';
import { expect, test, uniqueName } from './fixtures';

const uploadDocument = async (request: APIRequestContext, folder: string, name: string, body: string) => {
  const response = await request.post(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, {
    data: body,
  });
  expect(response.status(), `admin upload of ${name}`).toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

/** Opens the host page and waits until the editor frame loaded the document and said so. */
const openEditor = async (page: Page, id: string, name: string) => {
  await page.goto(`/documents/${id}/edit`);
  const frame = page.frameLocator('iframe[name="wopi-editor-frame"]');
  await expect(frame.getByTestId('fake-file-name')).toHaveText(name);
  await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded');
  await expect(frame.locator('body')).toHaveAttribute('data-host-ready', 'true');
  const editorFrame = page.frames().find((f) => f.name() === 'wopi-editor-frame')!;
  // "Nothing reloads": a marker in the page's window survives, and the page never loads again
  // (history.replaceState is a same-document navigation: no load event).
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const navigations: string[] = [];
  page.on('load', () => navigations.push(page.url()));

  return { frame, editorFrame, navigations };
};

/** What Collabora does: parent.postMessage(JSON.stringify({ MessageId, SendTime, Values }), origin). */
const postFromEditor = (editorFrame: Frame, messageId: string, values: Record<string, unknown> = {}) =>
  editorFrame.evaluate(
    ([id, v]) => parent.postMessage(JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: v }), '*'),
    [messageId, values] as const,
  );

/** The messages the host page posted into the editor frame, parsed. */
const receivedByEditor = async (editorFrame: Frame) =>
  (await editorFrame.getByTestId('fake-received').allTextContents()).map(
    (text) => JSON.parse(text) as { MessageId: string; Values: Record<string, unknown> },
  );

const expectNoReload = async (page: Page, navigations: string[]) => {
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  expect(navigations).toEqual([]);
};

test('PostMessage UI_SaveAs (Collabora browser/src/map/Map.js openSaveAs) → portal dialog → Action_SaveAs { Filename, Notify } (browser/src/map/handler/Map.WOPI.js) → Action_Save_Resp { success, fileName } (browser/src/app/Socket.ts _renameOrSaveAsCallback) → URL and title follow the copy, nothing reloads', async ({
  page,
}) => {
  const folder = uniqueName('e2e-saveas');
  const id = await uploadDocument(page.request, folder, 'Letter.docx', 'letter body');
  const { frame, editorFrame, navigations } = await openEditor(page, id, 'Letter.docx');
  const dialog = page.getByTestId('save-as-dialog');

  // File → Save As in Collabora: the portal's own dialog, prefilled with the base name.
  await postFromEditor(editorFrame, 'UI_SaveAs', { format: 'odt' });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('save-as-name')).toHaveValue('Letter');
  await expect(page.getByTestId('save-as-format')).toHaveValue('odt');
  expect(
    await page
      .getByTestId('save-as-format')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
  ).toEqual(['odt', 'docx', 'doc', 'rtf', 'pdf', 'epub']);

  // Cancel does nothing: no Action_SaveAs reaches the editor.
  await page.getByTestId('save-as-cancel').click();
  await expect(dialog).toBeHidden();
  expect((await receivedByEditor(editorFrame)).map((m) => m.MessageId)).not.toContain('Action_SaveAs');

  // Without a format the dialog preselects the document's own.
  await postFromEditor(editorFrame, 'UI_SaveAs');
  await expect(page.getByTestId('save-as-format')).toHaveValue('docx');
  // A name the host would refuse (lib/names.ts) keeps the dialog open and sends nothing.
  await page.getByTestId('save-as-name').fill('Letter: draft');
  await page.getByTestId('save-as-submit').click();
  await expect(dialog).toBeVisible();
  expect(
    await page.getByTestId('save-as-name').evaluate((input) => (input as HTMLInputElement).validationMessage),
  ).toBe('The name must not contain ":".');
  await page.getByTestId('save-as-name').fill('Letter to Anna');
  await page.getByTestId('save-as-format').selectOption('odt');
  await page.getByTestId('save-as-submit').click();
  await expect(dialog).toBeHidden();

  // The editor got exactly one Action_SaveAs, with the chosen name and format as the extension.
  await expect
    .poll(async () => (await receivedByEditor(editorFrame)).filter((m) => m.MessageId === 'Action_SaveAs'))
    .toEqual([expect.objectContaining({ Values: { Filename: 'Letter to Anna.odt', Notify: true } })]);

  // The fake editor did PutRelativeFile and continues on the copy; the page follows it.
  await expect(frame.getByTestId('fake-file-name')).toHaveText('Letter to Anna.odt');
  await expect(page.getByTestId('document-title')).toHaveText('Letter to Anna.odt');
  await expect(page).toHaveTitle('Letter to Anna.odt');
  await expect(page).not.toHaveURL(new RegExp(id));
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}\/edit$/);
  const copyId = /\/documents\/([0-9a-f-]{36})\/edit$/.exec(page.url())![1]!;
  expect(page.url()).not.toContain('access_token');
  expect(await page.title()).not.toContain('access_token');
  expect(await (await page.request.get(`/api/documents/${copyId}/content`)).text()).toBe('letter body');
  await expect(page.getByTestId('history-link')).toHaveAttribute('href', `/documents/${copyId}/history`);
  await expectNoReload(page, navigations);

  // UI_SaveAs again: the dialog now starts from the copy's name.
  await postFromEditor(editorFrame, 'UI_SaveAs');
  await expect(page.getByTestId('save-as-name')).toHaveValue('Letter to Anna');
  await expect(page.getByTestId('save-as-format')).toHaveValue('odt');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('PostMessage Action_SaveAs to pdf (Collabora Map.WOPI.js: pdf/epub are exported) → a new file, the page stays on its document', async ({
  page,
}) => {
  const folder = uniqueName('e2e-export');
  const id = await uploadDocument(page.request, folder, 'Report.docx', 'report body');
  const { frame, editorFrame, navigations } = await openEditor(page, id, 'Report.docx');

  await postFromEditor(editorFrame, 'UI_SaveAs', { format: 'pdf' });
  await expect(page.getByTestId('save-as-format')).toHaveValue('pdf');
  await page.getByTestId('save-as-submit').click();
  await expect(frame.getByTestId('fake-note')).toContainText('PutRelativeFile 200 (Report.pdf), exported');
  await expect(frame.getByTestId('fake-file-name')).toHaveText('Report.docx');
  await expect(page.getByTestId('document-title')).toHaveText('Report.docx');
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit$`));
  await expectNoReload(page, navigations);
});

test('PostMessage Action_Save_Resp { success, fileName } after a Save As the editor started itself (Collabora browser/src/app/Socket.ts) → URL and title follow; a plain save result or a failure changes nothing', async ({
  page,
}) => {
  const folder = uniqueName('e2e-followcopy');
  const id = await uploadDocument(page.request, folder, 'Budget.docx', 'budget');
  const copyId = await uploadDocument(page.request, folder, 'Budget 2026.odt', 'budget copy');
  const { editorFrame, navigations } = await openEditor(page, id, 'Budget.docx');

  // Action_Save_Resp of an ordinary save ({ success, result }, _onCommandResultMsg) and a failed Save As.
  await postFromEditor(editorFrame, 'Action_Save_Resp', { success: true, result: '' });
  await postFromEditor(editorFrame, 'Action_Save_Resp', { success: false, result: 'savefailed' });
  await postFromEditor(editorFrame, 'Action_Save_Resp', { success: true, fileName: '' });
  await page.waitForTimeout(300);
  await expect(page.getByTestId('document-title')).toHaveText('Budget.docx');
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit$`));

  await postFromEditor(editorFrame, 'Action_Save_Resp', { success: true, fileName: 'Budget 2026.odt' });
  await expect(page).toHaveURL(new RegExp(`/documents/${copyId}/edit$`));
  await expect(page.getByTestId('document-title')).toHaveText('Budget 2026.odt');
  await expect(page).toHaveTitle('Budget 2026.odt');
  await expectNoReload(page, navigations);
});

test('PostMessage File_Rename { NewName } (Collabora browser/src/app/Socket.ts, URI-encoded, no extension) → the title only', async ({
  page,
}) => {
  const folder = uniqueName('e2e-rename');
  const id = await uploadDocument(page.request, folder, 'Minutes.docx', 'minutes');
  const { editorFrame, navigations } = await openEditor(page, id, 'Minutes.docx');

  await postFromEditor(editorFrame, 'File_Rename', { NewName: 'Minutes%20March' });
  await expect(page.getByTestId('document-title')).toHaveText('Minutes March.docx');
  await expect(page).toHaveTitle('Minutes March.docx');
  // Microsoft 365 and ONLYOFFICE send the name as is; a name with its extension keeps it once.
  await postFromEditor(editorFrame, 'File_Rename', { NewName: '100% done.docx' });
  await expect(page.getByTestId('document-title')).toHaveText('100% done.docx');
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit$`));
  await expectNoReload(page, navigations);
});

test('PostMessage unknown or look-alike messages, and UI_SaveAs from another origin (not the editor frame) → ignored, nothing reloads', async ({
  page,
}) => {
  const folder = uniqueName('e2e-ignore');
  const id = await uploadDocument(page.request, folder, 'Notes.docx', 'notes');
  const { editorFrame, navigations } = await openEditor(page, id, 'Notes.docx');

  await postFromEditor(editorFrame, 'Some_Future_Message', { Url: '', HostEditUrl: '' });
  await postFromEditor(editorFrame, 'Action_SaveAs_Resp', { Url: '', NewUrl: '' });
  await postFromEditor(editorFrame, 'UI_Sharing');
  await editorFrame.evaluate(() => parent.postMessage('not json', '*'));
  await page.evaluate(() =>
    window.postMessage(JSON.stringify({ MessageId: 'UI_SaveAs', SendTime: Date.now(), Values: {} }), '*'),
  );
  await page.evaluate(() =>
    window.postMessage(
      JSON.stringify({ MessageId: 'File_Rename', SendTime: Date.now(), Values: { NewName: 'Hijacked' } }),
      '*',
    ),
  );
  await page.waitForTimeout(300);

  await expect(page.getByTestId('save-as-dialog')).toBeHidden();
  await expect(page.getByTestId('document-title')).toHaveText('Notes.docx');
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit$`));
  await expectNoReload(page, navigations);
});

test("Save As from Collabora's name field (Control.DocumentNameInput.js documentNameConfirm → map.saveAs without Notify): no message but App_LoadingStatus again → URL and title follow the copy, nothing reloads", async ({
  page,
}) => {
  const folder = uniqueName('e2e-namefield');
  const id = await uploadDocument(page.request, folder, 'Minutes.docx', 'minutes');
  const { frame, editorFrame, navigations } = await openEditor(page, id, 'Minutes.docx');

  // The editor saves as .odt itself (a real signed PutRelativeFile) and tells the page nothing...
  await editorFrame.evaluate("saveAs('Minutes.odt', false)");
  await expect(frame.getByTestId('fake-file-name')).not.toHaveText('Minutes.docx');
  const copyName = await frame.getByTestId('fake-file-name').textContent();
  await page.waitForTimeout(300);
  await expect(page).toHaveURL(new RegExp(`/documents/${id}/edit$`));
  // ...until it has loaded the copy (Collabora reconnects to the new WOPISrc and reports loading).
  await postFromEditor(editorFrame, 'App_LoadingStatus', { Status: 'Document_Loaded' });
  await expect(page).not.toHaveURL(new RegExp(`/documents/${id}/edit$`));
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}\/edit$/);
  await expect(page.getByTestId('document-title')).toHaveText(copyName!);
  await expectNoReload(page, navigations);
});
