import { randomBytes } from 'node:crypto';
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { account, expect, test, uniqueName } from './fixtures';
import { expectNoHorizontalScroll, screenshot, VIEWPORTS } from './page-checks';

// A person of their own (their saved language must not leak into the shared accounts other specs
// read English from), created by the admin, signed in from a German browser.
type Person = { email: string; password: string };

const createEditor = async (adminRequest: APIRequestContext): Promise<Person> => {
  const person = { email: `${uniqueName('i18n')}@test.example`, password: randomBytes(12).toString('hex') };
  const response = await adminRequest.post('/api/admin/users', {
    data: { ...person, name: 'Grete Müller', role: 'editor' },
  });
  expect(response.status(), 'POST /api/admin/users').toBe(201);

  return person;
};

const signIn = async (request: APIRequestContext, { email, password }: Person) => {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email, password, json: 'true' },
  });
  expect(response.ok(), 'sign-in').toBe(true);
};

/** A German browser (Accept-Language de-DE, navigator.language de-DE) signed in as `person`. */
const germanPage = async (
  browser: Browser,
  person: Person,
  viewport: { width: number; height: number } = VIEWPORTS[0],
): Promise<Page> => {
  const context = await browser.newContext({
    locale: 'de-DE',
    viewport: { width: viewport.width, height: viewport.height },
  });
  const page = await context.newPage();
  await signIn(page.request, person);

  return page;
};

const uploadDocument = async (request: APIRequestContext, folder: string, name: string) => {
  const response = await request.post(`/api/admin/documents?${new URLSearchParams({ folder, name }).toString()}`, {
    data: 'Inhalt',
  });
  expect(response.status(), 'admin upload').toBe(201);

  return ((await response.json()) as { document: { id: string } }).document.id;
};

test.describe('a German browser', () => {
  let person: Person;
  let folder: string;

  test.beforeAll(async ({ browser }) => {
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    const { email, password } = account('admin');
    await signIn(adminPage.request, { email, password });
    person = await createEditor(adminPage.request);
    folder = uniqueName('i18n-ordner');
    await uploadDocument(adminPage.request, folder, 'Brief.docx');
    await uploadDocument(adminPage.request, folder, 'Tabelle.xlsx');
    await admin.close();
  });

  for (const viewport of VIEWPORTS) {
    test(`list, search, trash and account in German at ${viewport.label} px`, async ({ browser }) => {
      const page = await germanPage(browser, person, viewport);

      await page.goto(`/?folder=${folder}`);
      await expect(page.locator('html')).toHaveAttribute('lang', 'de');
      await expect(page.getByRole('link', { name: 'Papierkorb' })).toBeVisible();
      await expect(page.getByRole('columnheader', { name: /Größe/ })).toBeVisible();
      await expect(page.getByRole('columnheader', { name: 'Geändert von' })).toBeVisible();
      await expect(page.getByTestId('user-role')).toHaveText('Bearbeiter');
      await expect(page.getByRole('button', { name: 'Neuer Ordner' })).toBeVisible();
      await expect(page.getByTestId('document-row')).toHaveCount(2);
      // Sizes by locale: "6 B"; the version column "V1".
      await expect(page.getByTestId('document-version').first()).toHaveText('V1');
      await expectNoHorizontalScroll(page, { mainOnly: true });
      await screenshot(page, `i18n-list-de-${viewport.label}`);

      await page.goto(`/search?q=${encodeURIComponent('brief')}`);
      await expect(page.getByRole('heading', { level: 1, name: 'Suche' })).toBeVisible();
      await expect(page.getByTestId('search-count')).toContainText(/Dokumente? gefunden/);
      await expect(page.getByRole('button', { name: 'Filter anwenden' })).toBeVisible();
      await expectNoHorizontalScroll(page, { mainOnly: true });
      await screenshot(page, `i18n-search-de-${viewport.label}`);

      await page.goto('/trash');
      await expect(page.getByRole('heading', { level: 1, name: 'Papierkorb' })).toBeVisible();
      await expect(page.getByText('Gelöschte Dokumente und Ordner bleiben hier')).toBeVisible();
      await expectNoHorizontalScroll(page, { mainOnly: true });
      await screenshot(page, `i18n-trash-de-${viewport.label}`);

      await page.goto('/account');
      await expect(page.getByRole('heading', { level: 1, name: 'Ihr Konto' })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Passwort ändern' })).toBeVisible();
      await expect(page.getByTestId('account-locale')).toHaveValue('browser');
      await expectNoHorizontalScroll(page, { mainOnly: true });
      await screenshot(page, `i18n-account-de-${viewport.label}`);
      await page.context().close();
    });
  }

  test('the editor opens in German: UI_LLCC and DC_LLCC are de-DE, the host page is German', async ({ browser }) => {
    const page = await germanPage(browser, person);
    await page.goto(`/?folder=${folder}`);
    await page.getByRole('link', { name: /Brief\.docx/ }).click();
    await expect(page.getByTestId('history-link')).toHaveText('Versionen');
    await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded');
    const frameUrl = new URL(
      page
        .frames()
        .find((f) => f.name() === 'wopi-editor-frame')
        ?.url() ?? 'about:blank',
    );
    expect(frameUrl.searchParams.get('ui')).toBe('de-DE');
    expect(frameUrl.searchParams.get('rs')).toBe('de-DE');
    await screenshot(page, 'i18n-editor-de-1280');
    await page.context().close();
  });

  test('choosing Français on /account: the portal and the editor switch to French; Browser default goes back', async ({
    browser,
  }) => {
    const page = await germanPage(browser, person);
    await page.goto('/account');
    await page.getByTestId('account-locale').selectOption('fr');
    await expect(page.getByRole('heading', { level: 1, name: 'Votre compte' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await screenshot(page, 'i18n-account-fr-1280');

    await page.goto(`/?folder=${folder}`);
    await expect(page.getByRole('link', { name: 'Corbeille' })).toBeVisible();
    await page.getByRole('link', { name: /Brief\.docx/ }).click();
    await expect(page.locator('body')).toHaveAttribute('data-editor-status', 'loaded');
    const frameUrl = new URL(
      page
        .frames()
        .find((f) => f.name() === 'wopi-editor-frame')
        ?.url() ?? 'about:blank',
    );
    expect(frameUrl.searchParams.get('ui')).toBe('fr-FR');

    await page.goto('/account');
    await page.getByTestId('account-locale').selectOption('browser');
    await expect(page.getByRole('heading', { level: 1, name: 'Ihr Konto' })).toBeVisible();
    await page.context().close();
  });

  test('the sign-in page follows the browser and its switch (a cookie) changes it', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Anmelden' })).toBeVisible();
    await page.getByTestId('login-locale').selectOption('fr');
    await expect(page.getByRole('button', { name: 'Se connecter' })).toBeVisible();
    await screenshot(page, 'i18n-login-fr-390');
    await context.close();
  });
});

test('the default (en-US) browser sees English', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('link', { name: 'Trash' })).toBeVisible();
});
