import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { AddUserForm } from '@/components/add-user-form';
import { OneTimePasswordPanels, OneTimePasswordsProvider } from '@/components/one-time-passwords';
import { UsersTable } from '@/components/users-table';
import styles from '@/components/users.module.css';
import { requireAdmin } from '@/lib/auth/session';
import { listUsersForAdmin } from '@/lib/users/admin';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('users'))('title') });
export const dynamic = 'force-dynamic';

/** Admin: every user with role, status and actions; adding users. */
const UsersPage = async () => {
  const me = await requireAdmin('/admin/users');
  const users = await listUsersForAdmin();
  const t = await getTranslations('users');

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <OneTimePasswordsProvider>
        <AddUserForm />
        <OneTimePasswordPanels />
        <section className={styles.section} aria-labelledby="all-users-title">
          <h2 id="all-users-title">{t('all', { count: users.length })}</h2>
          <UsersTable
            currentUserId={me.id}
            users={users.map((user) => ({
              id: user.id,
              email: user.email,
              name: user.name,
              role: user.role,
              createdAt: user.createdAt.toISOString(),
              disabledAt: user.disabledAt?.toISOString() ?? null,
            }))}
          />
        </section>
      </OneTimePasswordsProvider>
    </>
  );
};

export default UsersPage;
