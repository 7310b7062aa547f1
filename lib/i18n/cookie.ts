import { LOCALE_COOKIE, type Locale } from '@/lib/i18n/locales';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * The `locale` cookie's Set-Cookie value (a year, this site, readable by the sign-in page's
 * script): the language signed-out pages show. Null clears it, so the browser's language applies.
 */
export const localeCookie = (locale: Locale | null) =>
  locale
    ? `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${YEAR_SECONDS}; SameSite=Lax`
    : `${LOCALE_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
