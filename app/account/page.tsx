import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm } from '@/components/change-password-form';
import styles from '@/components/users.module.css';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Your account' };
export const dynamic = 'force-dynamic';

/** The signed-in user's account: who they are, their password; links to administration for admins. */
const AccountPage = async () => {
  const user = await requireUser('/account');

  return (
    <>
      <h1>Your account</h1>
      <dl className={`facts ${styles.narrow}`}>
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd data-testid="account-role">{user.role}</dd>
      </dl>
      <div className={styles.section}>
        <ChangePasswordForm />
      </div>
      {user.role === 'admin' ? (
        <nav className={styles.section} aria-labelledby="administration-title">
          <h2 id="administration-title">Administration</h2>
          <ul>
            <li>
              <Link href="/admin/users">Users</Link>: add users, change roles, disable accounts, reset passwords
            </li>
            <li>
              <Link href="/admin/editors">Editors</Link>: the configured editors and their discovery
            </li>
          </ul>
        </nav>
      ) : null}
    </>
  );
};

export default AccountPage;
