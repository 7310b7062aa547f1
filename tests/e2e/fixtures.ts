import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

export type Role = 'admin' | 'editor' | 'viewer';

const ENV_PREFIX: Record<Role, string> = { admin: 'E2E_ADMIN', editor: 'E2E_USER', viewer: 'E2E_VIEWER' };

/** The accounts scripts/e2e.ts seeded (admin, the seeded editor) or created (viewer). */
export const account = (role: Role) => {
  const prefix = ENV_PREFIX[role];
  const email = process.env[`${prefix}_EMAIL`];
  const password = process.env[`${prefix}_PASSWORD`];
  if (!email || !password)
    throw new Error(`${prefix}_EMAIL/_PASSWORD are not set: run the browser tests with \`npm run test:e2e\`.`);

  return { email, password };
};

/** A name no other test (or earlier run) uses: `prefix-1a2b3c4d` plus `ext`. */
export const uniqueName = (prefix: string, ext = '') => `${prefix}-${randomBytes(4).toString('hex')}${ext}`;

/** next-auth v4 credentials sign-in over HTTP; the session cookie lands in `request`'s cookie jar. */
export const signInViaApi = async (request: APIRequestContext, role: Role) => {
  const { email, password } = account(role);
  const csrf = await request.get('/api/auth/csrf');
  expect(csrf.ok(), 'GET /api/auth/csrf').toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email, password, json: 'true' },
  });
  expect(response.ok(), `POST /api/auth/callback/credentials as ${role}`).toBe(true);
  const session = (await (await request.get('/api/auth/session')).json()) as { user?: { email?: string } };
  expect(session.user?.email, `session after signing in as ${role}`).toBe(email);
};

type MakeFile = (name: string, content: Buffer | string | { bytes: number }) => Promise<string>;

type Fixtures = {
  /** Who `page` is signed in as; change it with `test.use({ role: 'viewer' })`. */
  role: Role;
  /** A page whose context is signed in as `role`. */
  page: Page;
  /** Writes a file in a per-test temp folder (deleted afterwards) and returns its path. */
  makeFile: MakeFile;
};

export const test = base.extend<Fixtures>({
  role: ['admin', { option: true }],
  page: async ({ page, role }, provide) => {
    await signInViaApi(page.request, role); // page.request shares the context's cookies
    await provide(page);
  },
  makeFile: async ({}, provide) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-e2e-files-'));
    await provide(async (name, content) => {
      const file = path.join(dir, name);
      const data = typeof content === 'object' && 'bytes' in content ? randomBytes(content.bytes) : content;
      await writeFile(file, data);

      return file;
    });
    await rm(dir, { recursive: true, force: true });
  },
});

export { expect };

/** The names in the document table, documents only, in display order (without the aria-hidden file icon). */
export const documentNames = (page: Page) =>
  page
    .getByTestId('document-row')
    .locator('td:first-child')
    .evaluateAll((cells) =>
      cells.map((cell) => {
        const copy = cell.cloneNode(true) as HTMLElement;
        for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();

        return (copy.textContent ?? '').trim();
      }),
    );
