import { mkdir } from 'node:fs/promises';
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { account, expect, test, uniqueName } from './fixtures';

// /admin/users (admins) and /account (everyone), at 1280 px and 390 px; screenshots of each
// screen under .data/test-results/screenshots/.
const SCREENSHOTS = '.data/test-results/screenshots';
const VIEWPORTS = [
  { label: '1280', width: 1280, height: 900 },
  { label: '390', width: 390, height: 844 },
] as const;

const screenshot = async (page: Page, name: string) => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
};

/**
 * The page's main content fits the viewport: nothing in <main> reaches past its right edge, so
 * it adds no horizontal page scroll. (The shared header is components/portal-header.tsx's own
 * matter: at 390 px an admin's header links are wider than the screen; issue 9, item 8.)
 */
const expectMainFits = async (page: Page) => {
  const overflow = await page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['no <main>'];
    const limit = window.innerWidth + 0.5;

    // Content clipped by an ancestor that itself fits (a visually hidden table head) cannot scroll the page.
    const isClipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== main; parent = parent.parentElement)
        if (getComputedStyle(parent).overflowX !== 'visible' && parent.getBoundingClientRect().right <= limit)
          return true;

      return false;
    };

    // Text wider than its box (a long email in a heading) spills out without widening the box.
    const spills = (element: Element) =>
      !['INPUT', 'SELECT', 'TEXTAREA'].includes(element.tagName) &&
      getComputedStyle(element).overflowX === 'visible' &&
      element.scrollWidth > element.clientWidth + 1 &&
      element.getBoundingClientRect().left + element.scrollWidth > limit;

    return [main, ...main.querySelectorAll('*')]
      .filter((element) => (element.getBoundingClientRect().right > limit || spills(element)) && !isClipped(element))
      .map(
        (element) =>
          `${element.tagName.toLowerCase()}.${element.className}: ${Math.round(element.getBoundingClientRect().right)}`,
      );
  });
  expect(overflow, 'elements of <main> wider than the viewport').toEqual([]);
};

/** next-auth credentials sign-in over HTTP: true when a session was set. */
const signIn = async (request: APIRequestContext, email: string, password: string) => {
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  await request.post('/api/auth/callback/credentials', { form: { csrfToken, email, password, json: 'true' } });
  const session = (await (await request.get('/api/auth/session')).json()) as { user?: { email?: string } };

  return session.user?.email === email;
};

/** Whether these credentials sign in, from a fresh cookie jar. */
const canSignIn = async (browser: Browser, email: string, password: string) => {
  const context = await browser.newContext();
  try {
    return await signIn(context.request, email, password);
  } finally {
    await context.close();
  }
};

const newEmail = (label: string) => `${uniqueName(label)}@e2e.example`;

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.label} px`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test(`/admin/users as admin: add (generated password, copy), change role, disable, enable, reset password (${viewport.label} px)`, async ({
      page,
      browser,
      context,
    }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto('/account');
      await page.getByRole('link', { name: 'Users' }).click();
      await expect(page).toHaveURL((url) => url.pathname === '/admin/users');
      await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
      await expect(page.getByTestId('user-row').filter({ hasText: account('admin').email })).toContainText('(you)');

      // Add a user with a generated password: shown once, copyable, and it signs in.
      const email = newEmail('added');
      const add = page.getByRole('form', { name: 'Add a user' });
      await add.getByLabel('Email').fill(email);
      await add.getByLabel('Name (optional)').fill('Added Person');
      await add.getByLabel('Role').selectOption('viewer');
      await add.getByRole('button', { name: 'Add user' }).click();
      const secret = page.getByTestId('one-time-password');
      await expect(secret.getByRole('heading')).toHaveText(`New password for ${email}`);
      const generated = await secret.getByTestId('one-time-password-value').inputValue();
      expect(generated).toMatch(/^[A-Za-z2-9]{16}$/);
      await secret.getByRole('button', { name: 'Copy' }).click();
      await expect(secret.getByRole('status')).toHaveText('Copied to the clipboard.');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(generated);
      const row = page.getByTestId('user-row').filter({ hasText: email });
      await expect(row).toContainText('Added Person');
      await expect(row.getByTestId('user-status')).toHaveText('active');
      await screenshot(page, `users-admin-added-${viewport.label}`);
      await expectMainFits(page);
      await secret.getByRole('button', { name: 'Done' }).click();
      await expect(secret).toHaveCount(0);
      expect(await canSignIn(browser, email, generated)).toBe(true);

      // Change the role.
      await row.getByLabel(`Role of ${email}`).selectOption('editor');
      await row.getByRole('button', { name: 'Save' }).click();
      await expect(row.getByRole('status')).toHaveText('Role changed to editor.');
      await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('editor');

      // Disable: the user can no longer sign in. Enable: they can again.
      await row.getByRole('button', { name: 'Disable' }).click();
      await expect(row.getByTestId('user-status')).toHaveText('disabled');
      await screenshot(page, `users-admin-disabled-${viewport.label}`);
      expect(await canSignIn(browser, email, generated)).toBe(false);
      await row.getByRole('button', { name: 'Enable' }).click();
      await expect(row.getByTestId('user-status')).toHaveText('active');
      expect(await canSignIn(browser, email, generated)).toBe(true);

      // Reset the password: a new one, shown once; the old one stops working.
      await row.getByRole('button', { name: 'Reset password' }).click();
      await expect(secret.getByRole('heading')).toHaveText(`New password for ${email}`);
      const reset = await secret.getByTestId('one-time-password-value').inputValue();
      expect(reset).not.toBe(generated);
      await screenshot(page, `users-admin-reset-${viewport.label}`);
      await expectMainFits(page);
      expect(await canSignIn(browser, email, generated)).toBe(false);
      expect(await canSignIn(browser, email, reset)).toBe(true);

      // The page again (reload): the password is not shown anymore.
      await page.reload();
      await expect(page.getByTestId('one-time-password')).toHaveCount(0);
    });

    test(`/admin/users: a reset replaces the password shown for that user; any later action on them removes it (${viewport.label} px)`, async ({
      page,
    }) => {
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto('/admin/users');
      const add = page.getByRole('form', { name: 'Add a user' });
      const panels = page.getByTestId('one-time-password');
      const panelFor = (email: string) => panels.filter({ hasText: `New password for ${email}` });
      const addGenerated = async (email: string) => {
        await add.getByLabel('Email').fill(email);
        await add.getByRole('button', { name: 'Add user' }).click();
        await expect(panelFor(email)).toHaveCount(1);

        return panelFor(email).getByTestId('one-time-password-value').inputValue();
      };
      const first = newEmail('panel-a');
      const second = newEmail('panel-b');
      const created = await addGenerated(first);
      const other = await addGenerated(second);
      await expect(panels).toHaveCount(2);

      // Reset the first user while their creation password is still shown: one panel for them, the new password.
      const row = page.getByTestId('user-row').filter({ hasText: first });
      await row.getByRole('button', { name: 'Reset password' }).click();
      await expect(row.getByRole('status')).toHaveText('Password reset.');
      await expect(panelFor(first)).toHaveCount(1);
      const reset = panelFor(first).getByTestId('one-time-password-value');
      await expect(reset).not.toHaveValue(created);
      await expect(panels).toHaveCount(2);
      const shown = await page
        .getByTestId('one-time-password-value')
        .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      expect(shown).toEqual([other, await reset.inputValue()]);
      await screenshot(page, `users-admin-reset-replaces-${viewport.label}`);
      await expectMainFits(page);

      // Any later action on that user (here a role change) removes their stale password; the other stays.
      await row.getByLabel(`Role of ${first}`).selectOption('viewer');
      await row.getByRole('button', { name: 'Save' }).click();
      await expect(row.getByRole('status')).toHaveText('Role changed to viewer.');
      await expect(panelFor(first)).toHaveCount(0);
      await expect(panelFor(second)).toHaveCount(1);
      await screenshot(page, `users-admin-stale-removed-${viewport.label}`);
      await expectMainFits(page);
    });

    test(`/admin/users: a typed password that is too short → the form says why (${viewport.label} px)`, async ({
      page,
    }) => {
      await page.goto('/admin/users');
      const add = page.getByRole('form', { name: 'Add a user' });
      await add.getByLabel('Email').fill(newEmail('short'));
      await add.getByLabel('Type one').check();
      const password = add.getByLabel('Password (at least 8 characters, at most 72 bytes)');
      await password.fill('short');
      // Past the browser's own minlength check, the server's answer is shown.
      await password.evaluate((input) => input.removeAttribute('minlength'));
      await add.getByRole('button', { name: 'Add user' }).click();
      await expect(add.getByRole('alert')).toHaveText('The password must be at least 8 characters.');
      await screenshot(page, `users-admin-error-${viewport.label}`);
      await expectMainFits(page);
    });

    test(`/account: change your own password from the header link (${viewport.label} px)`, async ({
      page,
      browser,
    }) => {
      // A user of this test's own (the seeded accounts are shared with other specs).
      const email = newEmail('own');
      const created = await page.request.post('/api/admin/users', {
        data: { email, role: 'editor', password: 'first password 1' },
      });
      expect(created.status()).toBe(201);

      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
      const own = await context.newPage();
      const other = await browser.newContext();
      try {
        expect(await signIn(own.request, email, 'first password 1')).toBe(true);
        expect(await signIn(other.request, email, 'first password 1')).toBe(true);
        await own.goto('/');
        await own.getByTestId('account-link').click();
        await expect(own).toHaveURL((url) => url.pathname === '/account');
        await expect(own.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
        await expect(own.getByTestId('account-role')).toHaveText('editor');
        await expect(own.getByRole('link', { name: 'Users' })).toHaveCount(0);

        const form = own.getByRole('form', { name: 'Change your password' });
        await form.getByLabel('Current password').fill('not my password');
        await form.getByLabel('New password', { exact: true }).fill('second password 2');
        await form.getByLabel('Repeat the new password').fill('second password 2');
        await form.getByRole('button', { name: 'Change password' }).click();
        await expect(form.getByRole('alert')).toHaveText('The current password is not correct.');
        await screenshot(own, `account-wrong-password-${viewport.label}`);

        await form.getByLabel('Current password').fill('first password 1');
        await form.getByLabel('Repeat the new password').fill('something else');
        await form.getByRole('button', { name: 'Change password' }).click();
        await expect(form.getByRole('alert')).toHaveText('The new password and its confirmation do not match.');

        await form.getByLabel('Repeat the new password').fill('second password 2');
        await form.getByRole('button', { name: 'Change password' }).click();
        await expect(form.getByRole('status')).toHaveText('Your password has been changed.');
        await screenshot(own, `account-changed-${viewport.label}`);
        await expectMainFits(own);

        // This session goes on; the other one ended; only the new password signs in.
        await own.reload();
        await expect(own).toHaveURL((url) => url.pathname === '/account');
        expect((await other.request.post('/api/account/password', { data: {} })).status()).toBe(401);
        expect(await canSignIn(browser, email, 'first password 1')).toBe(false);
        expect(await canSignIn(browser, email, 'second password 2')).toBe(true);
      } finally {
        await context.close();
        await other.close();
      }
    });
  });
}

test.describe('as editor', () => {
  test.use({ role: 'editor' });

  test('editor → /admin/users redirects to /?notice=admin-only; POST /api/admin/users → 403', async ({ page }) => {
    await page.goto('/admin/users');
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.searchParams.get('notice') === 'admin-only');
    const response = await page.request.post('/api/admin/users', { data: { email: newEmail('nope'), role: 'admin' } });
    expect(response.status()).toBe(403);
  });
});

test.describe('as viewer', () => {
  test.use({ role: 'viewer' });

  test('viewer → /admin/users redirects; /account is theirs; POST /api/admin/users/:id/role → 403', async ({
    page,
  }) => {
    await page.goto('/admin/users');
    await expect(page).toHaveURL((url) => url.pathname === '/' && url.searchParams.get('notice') === 'admin-only');
    await page.goto('/account');
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await expect(page.getByTestId('account-role')).toHaveText('viewer');
    const response = await page.request.post(`/api/admin/users/${crypto.randomUUID()}/role`, {
      data: { role: 'admin' },
    });
    expect(response.status()).toBe(403);
  });
});
