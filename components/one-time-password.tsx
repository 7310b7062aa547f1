'use client';

import { useTranslations } from 'next-intl';
import { useId, useRef, useState } from 'react';
import styles from '@/components/users.module.css';

type Props = { email: string; password: string; onDone: () => void };

/** A generated password, shown once with a copy button; gone when dismissed or the page reloads. */
export const OneTimePassword = ({ email, password, onDone }: Props) => {
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const t = useTranslations('users');
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'manual'>('idle');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setCopyState('copied');
    } catch {
      // No clipboard API (a plain-http portal): select it so the person can copy it themselves.
      input.current?.select();
      setCopyState('manual');
    }
  };

  return (
    <section className={`card stack ${styles.secret}`} aria-labelledby={`${id}-title`} data-testid="one-time-password">
      <h2 id={`${id}-title`}>{t('newPasswordFor', { email })}</h2>
      <div className={styles.secretValue}>
        <label htmlFor={`${id}-value`} className="visually-hidden">
          {t('password')}
        </label>
        <input
          id={`${id}-value`}
          ref={input}
          type="text"
          readOnly
          value={password}
          onFocus={(event) => event.currentTarget.select()}
          data-testid="one-time-password-value"
        />
        <button type="button" onClick={() => void copy()}>
          {t('copy')}
        </button>
      </div>
      <p role="status" className="muted">
        {copyState === 'copied' ? t('copied') : copyState === 'manual' ? t('selected') : t('shownOnce')}
      </p>
      <p>
        <button type="button" className={styles.secondary} onClick={onDone}>
          {t('done')}
        </button>
      </p>
    </section>
  );
};
