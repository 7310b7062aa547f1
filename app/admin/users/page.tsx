import type { Metadata } from 'next';
import { AddUserForm } from '@/components/add-user-form';
import { UsersTable } from '@/components/users-table';
import styles from '@/components/users.module.css';
import { requireAdmin } from '@/lib/auth/session';
import { listUsersForAdmin } from '@/lib/users/admin';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

/** Admin: every user with role, status and actions; adding users. */
const UsersPage = async () => {
  const me = await requireAdmin('/admin/users');
  const users = await listUsersForAdmin();

  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        Viewers open documents read-only; editors also edit, upload and create them; admins do everything, including
        managing users. A disabled user cannot sign in, and their open sessions and editors stop working at once.
      </p>
      <AddUserForm />
      <section className={styles.section} aria-labelledby="all-users-title">
        <h2 id="all-users-title">All users ({users.length})</h2>
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
    </>
  );
};

export default UsersPage;
