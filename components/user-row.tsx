'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useFormatter, useTranslations } from 'next-intl';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useOneTimePasswords } from '@/components/one-time-passwords';
import { useApiPost } from '@/components/use-api-post';
import styles from '@/components/users.module.css';

export type UserRowData = {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'editor' | 'viewer';
  createdAt: string;
  disabledAt: string | null;
};

type Props = { user: UserRowData; isSelf: boolean };
type Message = { kind: 'status' | 'alert'; text: string };

const ROLES = ['admin', 'editor', 'viewer'] as const;

/** One wrapper per cell: on phones a cell is a "label | content" grid (components/users.module.css). */
const Cell = ({ label, className, children }: { label: string; className?: string; children: ReactNode }) => (
  <td data-label={label}>
    <div className={className}>{children}</div>
  </td>
);

/**
 * One user: role change, disable/enable and password reset (the signed-in admin's own row only
 * links to /account). Any action removes a password still shown for this user (it is stale); a
 * reset shows its new one in its place.
 */
export const UserRow = ({ user, isSelf }: Props) => {
  const router = useRouter();
  const { post, isBusy } = useApiPost();
  const t = useTranslations('users');
  const roles = useTranslations('roles');
  const format = useFormatter();
  const [role, setRole] = useState(user.role);
  const [message, setMessage] = useState<Message | null>(null);
  const oneTime = useOneTimePasswords();
  const base = `/api/admin/users/${user.id}`;

  const run = async <T,>(path: string, body: unknown, done: (data: T) => string) => {
    setMessage(null);
    oneTime.clear(user.id);
    const result = await post<T>(`${base}/${path}`, body);
    setMessage(result.ok ? { kind: 'status', text: done(result.data) } : { kind: 'alert', text: result.message });
    router.refresh();

    return result.ok;
  };

  const changeRole = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!(await run('role', { role }, () => t('roleChanged', { role: roles(role) })))) setRole(user.role);
  };
  const disable = () => {
    if (!window.confirm(t('confirmDisable', { email: user.email }))) return;
    void run('disable', {}, () => t('disabledDone'));
  };
  const reset = () => {
    if (!window.confirm(t('confirmReset', { email: user.email }))) return;
    void run<{ password?: string }>('password', {}, ({ password }) => {
      if (password) oneTime.show({ userId: user.id, email: user.email, password });

      return t('resetDone');
    });
  };

  return (
    <tr className={user.disabledAt ? styles.disabledRow : undefined} data-testid="user-row" data-email={user.email}>
      <Cell label={t('email')} className={styles.email}>
        {user.email}
        {isSelf ? <span className="muted">{t('you')}</span> : null}
      </Cell>
      <Cell label={t('name')}>{user.name}</Cell>
      <Cell label={t('role')}>
        {isSelf ? (
          roles(user.role)
        ) : (
          <form className={styles.roleForm} onSubmit={(event) => void changeRole(event)}>
            <label htmlFor={`role-${user.id}`} className="visually-hidden">
              {t('roleOf', { email: user.email })}
            </label>
            <select
              id={`role-${user.id}`}
              className={styles.select}
              value={role}
              onChange={(event) => setRole(event.target.value as UserRowData['role'])}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {roles(option)}
                </option>
              ))}
            </select>
            <button type="submit" className={styles.secondary} disabled={isBusy || role === user.role}>
              {t('save')}
            </button>
          </form>
        )}
      </Cell>
      <Cell label={t('status')}>
        <span className={`badge ${user.disabledAt ? styles.statusDisabled : ''}`} data-testid="user-status">
          {user.disabledAt ? t('disabled') : t('active')}
        </span>
      </Cell>
      <Cell label={t('created')} className={styles.nowrap}>
        <time dateTime={user.createdAt}>{format.dateTime(new Date(user.createdAt), { dateStyle: 'medium' })}</time>
      </Cell>
      <Cell label={t('actions')}>
        {isSelf ? (
          <Link href="/account">{t('changeYourPassword')}</Link>
        ) : (
          <div className={styles.rowActions}>
            {user.disabledAt ? (
              <button
                type="button"
                className={styles.secondary}
                disabled={isBusy}
                onClick={() => void run('enable', {}, () => t('enabledDone'))}
              >
                {t('enable')}
              </button>
            ) : (
              <button type="button" className={styles.danger} disabled={isBusy} onClick={disable}>
                {t('disable')}
              </button>
            )}
            <button type="button" className={styles.secondary} disabled={isBusy} onClick={reset}>
              {t('resetPassword')}
            </button>
          </div>
        )}
        {message ? (
          <p role={message.kind} className={`${styles.rowMessage} ${message.kind === 'alert' ? 'error' : 'muted'}`}>
            {message.text}
          </p>
        ) : null}
      </Cell>
    </tr>
  );
};
