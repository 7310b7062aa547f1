'use client';

import { useTranslations } from 'next-intl';
import { UserRow, type UserRowData } from '@/components/user-row';
import styles from '@/components/users.module.css';

type Props = { users: UserRowData[]; currentUserId: string };

/** Every user with their actions (a reset's new password shows in OneTimePasswordPanels). */
export const UsersTable = ({ users, currentUserId }: Props) => {
  const t = useTranslations('users');

  return (
    <>
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
            <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} />
          ))}
        </tbody>
      </table>
    </>
  );
};
