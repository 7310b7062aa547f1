import { test as base } from '@playwright/test';
import { account, expect } from './fixtures';

// These tests drive the sign-in form themselves, so they start without a session.
const test = base;

test('sign in through the form as admin → / lists the documents; Sign out → /login', async ({ page }) => {
  const { email, password } = account('admin');
  await page.goto('/login');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL((url) => url.pathname === '/');
  await expect(page.getByTestId('user-role')).toHaveText('admin');
  await expect(page.getByTestId('document-row').filter({ hasText: 'Welcome.docx' })).toBeVisible();
  await expect(page.getByTestId('folder-row').filter({ hasText: 'Projects' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  await page.goto('/');
  await expect(page).toHaveURL((url) => url.pathname === '/login');
});

test('sign in with a wrong password → alert "Wrong email or password.", stays on /login', async ({ page }) => {
  await page.goto('/login');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.locator('input[name=email]').fill(account('admin').email);
  await form.locator('input[name=password]').fill('not-the-password');
  await form.getByRole('button', { name: 'Sign in' }).click();

  await expect(form.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain('next-auth.session-token');
});

test('GET / without a session → redirected to /login', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL((url) => url.pathname === '/login');
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
});
