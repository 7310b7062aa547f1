import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { DEFAULT_TIME_ZONE, TIME_ZONE_COOKIE, isTimeZone } from '@/lib/audit/time-zone';
import { getUser } from '@/lib/auth/session';
import { LOCALE_COOKIE, resolveLocale, type Locale } from '@/lib/i18n/locales';

const loadMessages = async (locale: Locale) =>
  ((await import(`../../messages/${locale}.json`)) as { default: Record<string, unknown> }).default;

/**
 * next-intl's per-request configuration (next.config.ts points its plugin here): the language
 * (lib/i18n/locales.ts), its messages, and the time zone the browser reported in the `tz` cookie.
 */
export default getRequestConfig(async () => {
  const [user, cookieStore, headerList] = await Promise.all([getUser(), cookies(), headers()]);
  const locale = resolveLocale({
    saved: user?.locale,
    cookie: cookieStore.get(LOCALE_COOKIE)?.value,
    acceptLanguage: headerList.get('accept-language'),
  });
  const tz = cookieStore.get(TIME_ZONE_COOKIE)?.value;

  return {
    locale,
    messages: await loadMessages(locale),
    timeZone: tz && isTimeZone(tz) ? tz : DEFAULT_TIME_ZONE,
    now: new Date(),
  };
});
