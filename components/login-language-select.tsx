'use client';

import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { LOCALE_COOKIE, LOCALES, LOCALE_NAMES } from '@/lib/i18n/locales';

/** The sign-in page's language: a `locale` cookie (no account yet), then the page re-renders in it. */
export const LoginLanguageSelect = () => {
  const t = useTranslations('language');
  const router = useRouter();
  const locale = useLocale();

  return (
    <label className="login-language">
      {t('label')}{' '}
      <select
        name="locale"
        value={locale}
        onChange={(event) => {
          document.cookie = `${LOCALE_COOKIE}=${event.currentTarget.value}; path=/; max-age=31536000; samesite=lax`;
          router.refresh();
        }}
        data-testid="login-locale"
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
};
