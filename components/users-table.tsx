'use client';

import { useState } from 'react';
import { OneTimePassword } from '@/components/one-time-password';
import { UserRow, type UserRowData } from '@/components/user-row';
import styles from '@/components/users.module.css';

type Props = { users: UserRowData[]; currentUserId: string };

/** Every user with their actions; a password reset shows the new password once, above the table. */
export const UsersTable = ({ users, currentUserId }: Props) => {
  const [revealed, setRevealed] = useState<{ email: string; password: string } | null>(null);

  return (
    <>
      {revealed ? <OneTimePassword {...revealed} onDone={() => setRevealed(null)} /> : null}
      <table className={styles.table} data-testid="users-table">
        <caption className="visually-hidden">Users, by email</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
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
