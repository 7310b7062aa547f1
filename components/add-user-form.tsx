'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { useOneTimePasswords } from '@/components/one-time-passwords';
import { useApiPost } from '@/components/use-api-post';
import styles from '@/components/users.module.css';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@/lib/users/password-rules';

type Created = { user: { id: string; email: string }; password?: string };

const text = (form: FormData, name: string) => {
  const value = form.get(name);

  return typeof value === 'string' ? value.trim() : '';
};

/** Adds a user with a generated password (shown once, in OneTimePasswordPanels) or one the admin types. */
export const AddUserForm = () => {
  const router = useRouter();
  const { post, isBusy } = useApiPost();
  const t = useTranslations('users');
  const [isTyped, setIsTyped] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<Created | null>(null);
  const oneTime = useOneTimePasswords();

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
    const { user, password } = result.data;
    if (password) oneTime.show({ userId: user.id, email: user.email, password });
    router.refresh();
  };

  return (
    <section className={`card stack ${styles.section}`} aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('addTitle')}</h2>
      <form className={styles.addForm} onSubmit={(event) => void onSubmit(event)} aria-labelledby="add-user-title">
        <label>
          {t('email')}
          <input name="email" type="email" required autoComplete="off" data-testid="new-user-email" />
        </label>
        <label>
          {t('nameOptional')}
          <input name="name" type="text" maxLength={100} autoComplete="off" />
        </label>
        <label>
          {t('role')}
          <select name="role" className={styles.select} defaultValue="editor" data-testid="new-user-role">
            <option value="viewer">{t('roleViewer')}</option>
            <option value="editor">{t('roleEditor')}</option>
            <option value="admin">{t('roleAdmin')}</option>
          </select>
        </label>
        <fieldset>
          <legend>{t('password')}</legend>
          <label className={styles.choice}>
            <input type="radio" name="password-mode" checked={!isTyped} onChange={() => setIsTyped(false)} />
            {t('generate')}
          </label>
          <label className={styles.choice}>
            <input type="radio" name="password-mode" checked={isTyped} onChange={() => setIsTyped(true)} />
            {t('typeOne')}
          </label>
        </fieldset>
        {isTyped ? (
          <label>
            {t('passwordMin', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_BYTES })}
            <input
              name="password"
              type="password"
              required
              minLength={PASSWORD_MIN_LENGTH}
              maxLength={PASSWORD_MAX_BYTES}
              autoComplete="new-password"
            />
          </label>
        ) : null}
        <div className={styles.formEnd}>
          <button type="submit" disabled={isBusy}>
            {isBusy ? t('adding') : t('add')}
          </button>
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          {added && !added.password ? <p role="status">{t('added', { email: added.user.email })}</p> : null}
        </div>
      </form>
    </section>
  );
};
