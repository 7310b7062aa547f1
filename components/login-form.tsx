'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';

const fieldValue = (form: FormData, name: string) => {
  const value = form.get(name);

  return typeof value === 'string' ? value : '';
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
      setError(
        result?.error === 'CredentialsSignin' || !result ? 'Wrong email or password.' : 'Sign-in failed; try again.',
      );

      return;
    }
    window.location.assign(returnTo);
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
