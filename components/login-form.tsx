'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { safeCallbackPath } from '@/lib/auth/callback-url';

const fieldValue = (form: FormData, name: string) => {
  const value = form.get(name);

  return typeof value === 'string' ? value : '';
};

/** next-auth's error code as a sentence; the rate limit's own message is shown as it is. */
const errorMessage = (error: string | null | undefined) => {
  if (!error || error === 'CredentialsSignin') return 'Wrong email or password.';

  return error.startsWith('Too many attempts') ? error : 'Sign-in failed; try again.';
};

export const LoginForm = ({ returnTo }: { returnTo: string }) => {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);

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
      setError(errorMessage(result?.error));

      return;
    }
    window.location.assign(safeCallbackPath(returnTo));
  };

  return (
    <form className="card stack" onSubmit={(event) => void onSubmit(event)} aria-label="Sign in">
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={isPending}>
        {isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
};
