'use client';

import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { loginErrorMessage } from '@/components/login-error';
import { safeCallbackPath } from '@/lib/auth/callback-url';

const fieldValue = (form: FormData, name: string) => {
  const value = form.get(name);

  return typeof value === 'string' ? value : '';
};

export const LoginForm = ({ returnTo }: { returnTo: string }) => {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);
  const t = useTranslations('login');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setIsPending(true);
    setError(null);
    const result = await signIn('credentials', {
      email: fieldValue(form, 'email'),
      password: fieldValue(form, 'password'),
      redirect: false,
    });
    setIsPending(false);
    if (!result || result.error) {
      const refusal = loginErrorMessage(result?.error);
      setError(refusal.key === 'tooManyAttempts' ? t(refusal.key, { seconds: refusal.seconds }) : t(refusal.key));

      return;
    }
    window.location.assign(safeCallbackPath(returnTo));
  };

  return (
    <form className="card stack" onSubmit={(event) => void onSubmit(event)} aria-label={t('title')}>
      <label>
        {t('email')}
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={isPending}>
        {isPending ? t('submitting') : t('submit')}
      </button>
    </form>
  );
};
