import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, type Page } from '@playwright/test';
import { account, expect, test, uniqueName } from './fixtures';

/**
 * An attacker's page on another port of the same host: same-site for the browser (ports do not
 * count), so SameSite=Lax still sends the portal's cookie with its form posts and no-cors fetches.
 */
const attackerSite = async (html: (portal: string) => string, portal: string) => {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html(portal));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};

const signInThroughForm = async (page: Page, path: string) => {
  const { email, password } = account('admin');
  await page.goto(path);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.locator('input[name=email]').fill(email);
  await form.locator('input[name=password]').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
};

base.describe('sign-in callbackUrl', () => {
  for (const callbackUrl of ['/%5Cevil.example', '%2F%5Cevil.example', '/%5C%5Cevil.example', '/%09/evil.example']) {
    base(
      `signed out: /login?callbackUrl=${callbackUrl}, sign in → the portal's own /, not evil.example`,
      async ({ page, baseURL }) => {
        await page.route(
          (url) => url.hostname === 'evil.example',
          (route) => route.fulfill({ status: 200, body: 'evil' }),
        );
        await signInThroughForm(page, `/login?callbackUrl=${callbackUrl}`);
        await expect(page).toHaveURL(`${baseURL}/`);
        await expect(page.getByTestId('user-role')).toHaveText('admin');
      },
    );
  }

  base(
    'signed out: /login?callbackUrl=%2F%3Ffolder%3DA%2520B, sign in → the deep link /?folder=A%20B',
    async ({ page, baseURL }) => {
      await signInThroughForm(page, '/login?callbackUrl=%2F%3Ffolder%3DA%2520B');
      await expect(page).toHaveURL(`${baseURL}/?folder=A%20B`);
    },
  );

  base('10 wrong passwords, then the form → alert "Too many attempts, try again in N s"', async ({ page, request }) => {
    const email = `${uniqueName('nobody')}@example.com`;
    for (let i = 0; i < 10; i++) {
      const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
      await request.post('/api/auth/callback/credentials', {
        form: { csrfToken, email, password: 'wrong', json: 'true' },
      });
    }
    await page.goto('/login');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.locator('input[name=email]').fill(email);
    await form.locator('input[name=password]').fill('wrong');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('alert')).toHaveText(/^Too many attempts, try again in \d+ s\.$/);
  });
});

test('a same-site page (another port) posts an enctype=text/plain form and a no-cors fetch to POST /api/admin/documents?onConflict=replace → both 403, the document unchanged', async ({
  page,
  baseURL,
}) => {
  const folder = uniqueName('csrf');
  const name = 'docB.docx';
  const original = 'the original bytes';
  const created = await page.request.post(`/api/admin/documents?folder=${folder}&name=${name}`, { data: original });
  expect(created.status()).toBe(201);
  const { document } = (await created.json()) as { document: { id: string } };
  const target = `${baseURL}/api/admin/documents?folder=${folder}&name=${name}&onConflict=replace`;

  const attacker = await attackerSite(
    () => `<!doctype html><body>
      <form id="f" method="post" enctype="text/plain" action="${target}"><input name="x" value="replaced by a form"></form>
      <script>
        fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'replaced by fetch' })
          .finally(() => { document.title = 'fetched'; document.getElementById('f').submit(); });
      </script></body>`,
    baseURL!,
  );
  try {
    const formAnswer = page.waitForResponse(
      (response) =>
        response.url() === target &&
        response.request().method() === 'POST' &&
        response.request().resourceType() === 'document',
    );
    const fetchAnswer = page.waitForResponse(
      (response) => response.url() === target && response.request().resourceType() === 'fetch',
    );
    await page.goto(attacker.url);
    expect((await fetchAnswer).status()).toBe(403);
    expect((await formAnswer).status()).toBe(403);
  } finally {
    await attacker.close();
  }
  const content = await page.request.get(`/api/documents/${document.id}/content`);
  expect(await content.text()).toBe(original);
});

test("the signed-in portal framed by another origin → refused (frame-ancestors 'self', X-Frame-Options SAMEORIGIN)", async ({
  page,
  baseURL,
}) => {
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (/frame-ancestors|X-Frame-Options|refused to connect/i.test(message.text())) blocked.push(message.text());
  });
  const attacker = await attackerSite(
    (portal) => `<!doctype html><iframe src="${portal}/" width="800" height="600"></iframe>`,
    baseURL!,
  );
  try {
    await page.goto(attacker.url);
    await expect.poll(() => blocked.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect(page.frameLocator('iframe').getByTestId('user-role')).toHaveCount(0);
  } finally {
    await attacker.close();
  }
});

test('portal pages run under the nonce CSP without a single violation: / (with the upload panel), a folder, /admin/editors, /login', async ({
  page,
}) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto('/');
  await expect(page.getByTestId('user-role')).toHaveText('admin');
  await page.getByTestId('folder-row').filter({ hasText: 'Projects' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/folder=Projects/);
  await page.goto('/admin/editors');
  await page.goto('/login');
  expect(violations).toEqual([]);
});
