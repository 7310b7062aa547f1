import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { account, expect, test, uniqueName } from './fixtures';
import { expectNoHorizontalScroll, screenshot, VIEWPORTS } from './page-checks';

// The portal API's refusals reach the page in the reader's language: the dialogs show the
// server's `message` as it comes, and the server says it in the browser's language.
type Person = { email: string; password: string };

const signIn = async (request: APIRequestContext, { email, password }: Person) => {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email, password, json: 'true' },
  });
  expect(response.ok(), 'sign-in').toBe(true);
};

test.describe('API refusals in a German browser', () => {
  let person: Person;
  let folder: string;

  test.beforeAll(async ({ browser }) => {
    const admin = await browser.newContext();
    const { request } = await admin.newPage();
    await signIn(request, account('admin'));
    // An editor of its own, so no saved language leaks into the shared accounts.
    person = { email: `${uniqueName('api-i18n')}@test.example`, password: randomBytes(12).toString('hex') };
    const created = await request.post('/api/admin/users', { data: { ...person, role: 'editor' } });
    expect(created.status(), 'POST /api/admin/users').toBe(201);
    folder = uniqueName('api-i18n');
    for (const [parent, name] of [
      ['', folder],
      [folder, 'Berichte'],
    ])
      expect((await request.post('/api/folders', { data: { parent, name } })).status(), 'POST /api/folders').toBe(201);
    await admin.close();
  });

  for (const viewport of VIEWPORTS) {
    test(`New folder with a taken name → the German refusal with the free name, at ${viewport.label} px`, async ({
      browser,
    }) => {
      const context = await browser.newContext({
        locale: 'de-DE',
        viewport: { width: viewport.width, height: viewport.height },
      });
      const page = await context.newPage();
      await signIn(page.request, person);
      await page.goto(`/?folder=${encodeURIComponent(folder)}`);
      await page.getByRole('button', { name: 'Neuer Ordner' }).click();
      const dialog = page.getByRole('dialog', { name: 'Neuer Ordner' });
      await dialog.getByLabel('Ordnername').fill('Berichte');
      await dialog.getByRole('button', { name: 'Erstellen' }).click();
      await expect(dialog.getByRole('alert')).toHaveText(
        `Einen Ordner namens „Berichte“ gibt es im Ordner „${folder}“ schon. „Berichte (1)“ ist noch frei.`,
      );
      await expectNoHorizontalScroll(page);
      await screenshot(page, `api-errors-de-${viewport.label}`);
      await context.close();
    });
  }
});
