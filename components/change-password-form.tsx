'use client';

import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { useApiPost } from '@/components/use-api-post';
import styles from '@/components/users.module.css';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@/lib/users/password-rules';

const value = (form: FormData, name: string) => {
  const entry = form.get(name);

  return typeof entry === 'string' ? entry : '';
};

/** The signed-in user's own password: the current one, then the new one twice. */
export const ChangePasswordForm = () => {
  const { post, isBusy } = useApiPost();
  const [error, setError] = useState<string | null>(null);
  const [isDone, setIsDone] = useState(false);
  const t = useTranslations('account');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setIsDone(false);
    if (value(form, 'newPassword') !== value(form, 'confirmPassword')) return setError(t('mismatch'));
    const result = await post('/api/account/password', {
      currentPassword: value(form, 'currentPassword'),
      newPassword: value(form, 'newPassword'),
    });
    if (!result.ok) return setError(result.message);
    formElement.reset();
    setIsDone(true);
  };

  return (
    <form
      className={`card stack ${styles.narrow}`}
      onSubmit={(event) => void onSubmit(event)}
      aria-labelledby="change-password-title"
    >
      <h2 id="change-password-title">{t('changePassword')}</h2>
      <label>
        {t('currentPassword')}
        <input name="currentPassword" type="password" required autoComplete="current-password" />
      </label>
      <label>
        {t('newPassword')}
        <input
          name="newPassword"
          type="password"
          required
          minLength={PASSWORD_MIN_LENGTH}
          maxLength={PASSWORD_MAX_BYTES}
          autoComplete="new-password"
          aria-describedby="new-password-hint"
        />
      </label>
      <p id="new-password-hint" className="muted">
        {t('newPasswordHint', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_BYTES })}
      </p>
      <label>
        {t('repeatPassword')}
        <input name="confirmPassword" type="password" required autoComplete="new-password" />
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {isDone ? <p role="status">{t('changed')}</p> : null}
      <p>
        <button type="submit" disabled={isBusy}>
          {isBusy ? t('changing') : t('change')}
        </button>
      </p>
    </form>
  );
};
