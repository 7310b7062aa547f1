import { request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { expect, signInViaApi, uniqueName } from './fixtures';

// Shared by files.spec.ts and trash.spec.ts: screenshots, the 390 px layout check and seeding
// documents as an admin (editors and viewers cannot upload).

export { screenshot, VIEWPORTS } from './page-checks';

/**
 * Nothing in <main> reaches past the viewport's right edge (no horizontal page scroll from this
 * page's content; the shared header is components/portal-header.tsx's matter, issue 9 item 8).
 * The document table scrolls inside its own box.
 */
export const expectMainFits = async (page: Page) => {
  const overflow = await page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['no <main>'];
    const limit = window.innerWidth + 0.5;
    const isClipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== main; parent = parent.parentElement)
        if (getComputedStyle(parent).overflowX !== 'visible' && parent.getBoundingClientRect().right <= limit)
          return true;

      return false;
    };

    return [main, ...main.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > limit && !isClipped(element))
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
  });
  expect(overflow, 'elements of <main> wider than the viewport').toEqual([]);
};

/** An API context signed in as the seeded admin (to seed documents whatever the page's role). */
export const adminApi = async (baseURL: string) => {
  const context = await playwrightRequest.newContext({ baseURL });
  await signInViaApi(context, 'admin');

  return context;
};

/** Uploads `names` into a new folder as the admin; returns the folder and the documents' ids by name. */
export const seedFolder = async (api: APIRequestContext, names: string[], prefix = 'e2e-files') => {
  const folder = uniqueName(prefix);
  const ids: Record<string, string> = {};
  for (const name of names) {
    const response = await api.post(
      `/api/admin/documents?folder=${encodeURIComponent(folder)}&name=${encodeURIComponent(name)}`,
      {
        data: `bytes of ${name}`,
      },
    );
    expect(response.status(), `upload ${name}`).toBe(201);
    ids[name] = ((await response.json()) as { document: { id: string } }).document.id;
  }

  return { folder, ids };
};

/** Accepts the next window.confirm(). */
export const acceptConfirm = (page: Page) => page.once('dialog', (dialog) => void dialog.accept());

/** The list's row of the document named `name`. */
export const documentRow = (page: Page, name: string) => page.getByTestId('document-row').filter({ hasText: name });
/** The list's row of the subfolder named `name`. */
export const folderRow = (page: Page, name: string) => page.locator(`[data-testid="folder-row"][data-name="${name}"]`);
