import { createTranslator } from 'next-intl';
import { FOLDER_DETAILS, SIZE_DETAILS } from '@/lib/error-codes';
import { formatBytes } from '@/lib/format';
import type { Locale } from '@/lib/i18n/locales';
import { log } from '@/lib/log';
import de from '@/messages/de.json';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';

const API_ERRORS: Record<Locale, Record<string, string>> = { en: en.apiErrors, de: de.apiErrors, fr: fr.apiErrors };
// What a validation error's `field` (a request's key) is called for people (apiFields in messages/*.json).
const API_FIELDS: Record<Locale, Record<string, string>> = { en: en.apiFields, de: de.apiFields, fr: fr.apiFields };

/** How each language quotes a name or path inside a sentence. */
const QUOTES: Record<Locale, readonly [string, string]> = { en: ['"', '"'], de: ['„', '“'], fr: ['« ', ' »'] };

const quoted = (locale: Locale, text: string) => `${QUOTES[locale][0]}${text}${QUOTES[locale][1]}`;

/**
 * An error's details as ICU values in `locale`: byte counts (SIZE_DETAILS) as sizes (64 KB,
 * 64 Ko), folder paths (FOLDER_DETAILS) as places (the top folder by its name, any other
 * quoted), lists of names quoted and comma-separated, a validation error's `field` by its
 * name in apiFields when it has one; other strings and numbers as they are.
 * `what`, `rule`, `where` and `unit` (the messages' select arguments) default to their `other` branch.
 */
const valuesOf = (locale: Locale, details: Record<string, unknown>) => {
  // The select arguments, when the thrower gave none: the message's generic branch.
  const values: Record<string, string | number> = { what: 'other', rule: 'other', where: 'other', unit: 'other' };
  for (const [key, value] of Object.entries(details)) {
    if (SIZE_DETAILS.has(key) && typeof value === 'number') values[key] = formatBytes(value, locale);
    else if (FOLDER_DETAILS.has(key) && typeof value === 'string')
      values[key] = value === '' ? API_ERRORS[locale].topFolder! : quoted(locale, value);
    else if (key === 'field' && typeof value === 'string' && Object.hasOwn(API_FIELDS[locale], value))
      values[key] = API_FIELDS[locale][value]!;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
      values[key] = value.map((item) => quoted(locale, item)).join(', ');
    else if (typeof value === 'string' || typeof value === 'number') values[key] = value;
  }

  return values;
};

/**
 * The message of an API error `code` in `locale`: `apiErrors.<code>` of messages/<locale>.json
 * (ICU, next-intl's translator) with the error's `details` as values. `english` (the message
 * the error was thrown with) is the answer when the code has no message or a value the message
 * needs is missing from the details; that is logged, and tests/unit/api/error-messages keeps it
 * from happening for the codes in lib/error-codes.ts.
 */
export const localizedErrorMessage = (
  locale: Locale,
  code: string,
  details: Record<string, unknown> | undefined,
  english: string,
): string => {
  if (!Object.hasOwn(API_ERRORS[locale], code) || code === 'topFolder') return english;
  let failure: unknown;
  const t = createTranslator({
    locale,
    messages: { apiErrors: API_ERRORS[locale] },
    namespace: 'apiErrors',
    onError: (error) => {
      failure = error;
    },
  });
  const message = (t as (key: string, values: Record<string, string | number>) => string)(
    code,
    valuesOf(locale, details ?? {}),
  );
  if (failure === undefined) return message;
  log.warn({ err: failure, code, locale }, 'API error message could not be formatted; answering in English');

  return english;
};
