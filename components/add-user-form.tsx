'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { OneTimePassword } from '@/components/one-time-password';
import { useApiPost } from '@/components/use-api-post';
import styles from '@/components/users.module.css';

type Created = { user: { email: string }; password?: string };

const text = (form: FormData, name: string) => {
  const value = form.get(name);

  return typeof value === 'string' ? value.trim() : '';
};

/** Adds a user with a generated password (shown once) or one the admin types. */
export const AddUserForm = () => {
  const router = useRouter();
  const { post, isBusy } = useApiPost();
  const [isTyped, setIsTyped] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<Created | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setAdded(null);
    const result = await post<Created>('/api/admin/users', {
      email: text(form, 'email'),
      name: text(form, 'name') || undefined,
      role: text(form, 'role'),
      password: isTyped ? form.get('password') : undefined,
    });
    if (!result.ok) return setError(result.message);
    formElement.reset();
    setIsTyped(false);
    setAdded(result.data);
    router.refresh();
  };

  return (
    <section className={`card stack ${styles.section}`} aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add a user</h2>
      <form className={styles.addForm} onSubmit={(event) => void onSubmit(event)} aria-labelledby="add-user-title">
        <label>
          Email
          <input name="email" type="email" required autoComplete="off" data-testid="new-user-email" />
        </label>
        <label>
          Name (optional)
          <input name="name" type="text" maxLength={100} autoComplete="off" />
        </label>
        <label>
          Role
          <select name="role" className={styles.select} defaultValue="editor" data-testid="new-user-role">
            <option value="viewer">Viewer (read-only)</option>
            <option value="editor">Editor (edits documents)</option>
            <option value="admin">Admin (everything)</option>
          </select>
        </label>
        <fieldset>
          <legend>Password</legend>
          <label className={styles.choice}>
            <input type="radio" name="password-mode" checked={!isTyped} onChange={() => setIsTyped(false)} />
            Generate one (shown once)
          </label>
          <label className={styles.choice}>
            <input type="radio" name="password-mode" checked={isTyped} onChange={() => setIsTyped(true)} />
            Type one
          </label>
        </fieldset>
        {isTyped ? (
          <label>
            Password (at least 8 characters)
            <input name="password" type="password" required minLength={8} maxLength={200} autoComplete="new-password" />
          </label>
        ) : null}
        <div className={styles.formEnd}>
          <button type="submit" disabled={isBusy}>
            {isBusy ? 'Adding…' : 'Add user'}
          </button>
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          {added && !added.password ? <p role="status">Added {added.user.email}.</p> : null}
        </div>
      </form>
      {added?.password ? (
        <OneTimePassword email={added.user.email} password={added.password} onDone={() => setAdded(null)} />
      ) : null}
    </section>
  );
};
