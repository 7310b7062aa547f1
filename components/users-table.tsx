'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { OneTimePassword } from '@/components/one-time-password';
import { UserRow, type UserRowData } from '@/components/user-row';
import styles from '@/components/users.module.css';

type Props = { users: UserRowData[]; currentUserId: string };

/** Every user with their actions; a password reset shows the new password once, above the table. */
export const UsersTable = ({ users, currentUserId }: Props) => {
  const t = useTranslations('users');
  const [revealed, setRevealed] = useState<{ email: string; password: string } | null>(null);

  return (
    <>
      {revealed ? <OneTimePassword {...revealed} onDone={() => setRevealed(null)} /> : null}
      <table className={styles.table} data-testid="users-table">
        <caption className="visually-hidden">{t('caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('email')}</th>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('role')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('created')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow
              key={user.id}
              user={user}
              isSelf={user.id === currentUserId}
              onPasswordReset={(password) => setRevealed({ email: user.email, password })}
            />
          ))}
        </tbody>
      </table>
    </>
  );
};
