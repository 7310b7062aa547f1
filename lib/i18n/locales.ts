/**
 * The portal's languages and how a request's language is chosen: the user's saved choice, then
 * the `locale` cookie (the sign-in page's switch), then Accept-Language, then English. URLs carry
 * no locale: the same address shows each person their own language.
 */
export const LOCALES = ['en', 'de', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The cookie the sign-in page's language switch sets (signed-out pages have no saved choice). */
export const LOCALE_COOKIE = 'locale';

/** Each language's name in itself, for the switches. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français' };

/** The BCP 47 tag editors get as UI_LLCC / DC_LLCC (MS-WOPI discovery placeholders want ll-CC). */
export const EDITOR_LOCALES: Record<Locale, string> = { en: 'en-US', de: 'de-DE', fr: 'fr-FR' };

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

/**
 * The first supported language of an Accept-Language header, by quality (`de-CH;q=0.9` → 'de');
 * null when none is supported.
 */
export const localeFromAcceptLanguage = (header: string | null | undefined): Locale | null => {
  const ranges = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);

      return { language: tag.trim().split('-')[0]!.toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);

  return ranges.map((range) => range.language).find(isLocale) ?? null;
};

/** The request's language: saved choice, then cookie, then Accept-Language, then English. */
export const resolveLocale = ({
  saved,
  cookie,
  acceptLanguage,
}: {
  saved?: string | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale => {
  if (isLocale(saved)) return saved;
  if (isLocale(cookie)) return cookie;

  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE;
};

const cookieIn = (header: string | null, name: string) =>
  (header ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];

/** resolveLocale for a request's Cookie and Accept-Language header values (no user: signed out, or not looked up). */
export const localeOfHeaders = ({
  cookie,
  acceptLanguage,
}: {
  cookie?: string | null;
  acceptLanguage?: string | null;
}) => resolveLocale({ cookie: cookieIn(cookie ?? null, LOCALE_COOKIE), acceptLanguage });

/** resolveLocale for a route handler's raw Request (no next/headers): the user's choice, its cookie, its header. */
export const localeOfRequest = (request: Request, user: { locale: string | null } | null): Locale =>
  resolveLocale({
    saved: user?.locale,
    cookie: cookieIn(request.headers.get('cookie'), LOCALE_COOKIE),
    acceptLanguage: request.headers.get('accept-language'),
  });
