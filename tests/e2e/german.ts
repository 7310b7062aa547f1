import { readFileSync } from 'node:fs';
import { IntlMessageFormat } from 'intl-messageformat';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { expect, signInViaApi, type Role } from './fixtures';

// German browsers for the flows in i18n-flows.spec.ts. Every label a test looks for comes from
// messages/de.json (and its English twin from messages/en.json), formatted by the same ICU
// library next-intl uses: a test passes only when the German string is what the page shows.

type Messages = { [key: string]: string | Messages };
type Values = Record<string, string | number | boolean | Date>;

const load = (locale: string) =>
  JSON.parse(readFileSync(new URL(`../../messages/${locale}.json`, import.meta.url), 'utf8')) as Messages;

const MESSAGES = { de: load('de'), en: load('en') };

const lookUp = (locale: 'de' | 'en', key: string) => {
  let node: string | Messages | undefined = MESSAGES[locale];
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`messages/${locale}.json has no message "${key}"`);

  return node;
};

/** Rich-text tags (<strong>, <code>…) render as their text. */
const plainTags = (message: string) =>
  Object.fromEntries(
    [...message.matchAll(/<([a-z]+)>/g)].map(([, tag]) => [tag!, (chunks: unknown[]) => chunks.join('')]),
  );

const format = (locale: 'de' | 'en', key: string, values: Values = {}) => {
  const message = lookUp(locale, key);
  const result = new IntlMessageFormat(message, locale).format({ ...plainTags(message), ...values });

  return Array.isArray(result) ? result.join('') : String(result);
};

/**
 * The German text of `key` ("files.newFolder", "trash.restoreAs"…) with its ICU placeholders
 * filled from `values`, as next-intl renders it. Throws when the key is missing.
 */
export const de = (key: string, values?: Values) => format('de', key, values);

/** The English text of `key`: what an untranslated page would show instead. */
export const en = (key: string, values?: Values) => format('en', key, values);

/**
 * `scope` shows the German `key` and not its English twin (when the two differ): catches a
 * string that was never put through next-intl, or a page that fell back to English.
 */
export const expectGerman = async (scope: Page | Locator, key: string, values?: Values) => {
  const german = de(key, values);
  const english = en(key, values);
  await expect(scope.getByText(german, { exact: false }).first()).toBeVisible();
  if (english !== german) await expect(scope.getByText(english, { exact: true })).toHaveCount(0);
};

/**
 * A role's German browser: locale de-DE (Accept-Language and navigator.language), signed in as
 * `role`, on the test portal (or `baseURL`: another portal the test started).
 */
export const germanContext = async (
  browser: Browser,
  role: Role,
  viewport: { width: number; height: number },
  baseURL?: string,
): Promise<BrowserContext> => {
  const context = await browser.newContext({
    ...(baseURL ? { baseURL } : {}),
    locale: 'de-DE',
    extraHTTPHeaders: { 'Accept-Language': 'de-DE,de;q=0.9' },
    viewport: { width: viewport.width, height: viewport.height },
  });
  await signInViaApi(context.request, role);

  return context;
};
