'use client';

import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useState, type ChangeEvent } from 'react';
import { useApiPost } from '@/components/use-api-post';
import { LOCALES, LOCALE_NAMES, type Locale } from '@/lib/i18n/locales';

const BROWSER = 'browser';

/** /account's language: saved to the user (POST /api/account/locale), then the page re-renders in it. */
export const AccountLanguageSelect = ({ saved }: { saved: Locale | null }) => {
  const t = useTranslations('language');
  const router = useRouter();
  const locale = useLocale();
  const { post, isBusy } = useApiPost();
  const [choice, setChoice] = useState<string>(saved ?? BROWSER);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  const onChange = async (event: ChangeEvent<HTMLSelectElement>) => {
    const value = event.currentTarget.value;
    setChoice(value);
    setStatus(null);
    const result = await post('/api/account/locale', { locale: value === BROWSER ? null : value });
    if (!result.ok) return setStatus({ ok: false, text: result.message });
    setStatus({ ok: true, text: t('saved') });
    router.refresh();
  };

  return (
    <div className="stack" lang={locale}>
      <label>
        {t('label')}
        <select
          name="locale"
          value={choice}
          disabled={isBusy}
          onChange={(event) => void onChange(event)}
          aria-describedby="language-hint"
          data-testid="account-locale"
        >
          <option value={BROWSER}>{t('browserDefault')}</option>
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LOCALE_NAMES[code]}
            </option>
          ))}
        </select>
      </label>
      <p id="language-hint" className="muted">
        {t('hint')}
      </p>
      {status ? (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? undefined : 'error'}>
          {status.text}
        </p>
      ) : null}
    </div>
  );
};
