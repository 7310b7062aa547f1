import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import Link from 'next/link';
import { AccountLanguageSelect } from '@/components/account-language-select';
import { ChangePasswordForm } from '@/components/change-password-form';
import styles from '@/components/users.module.css';
import { requireUser } from '@/lib/auth/session';
import { isLocale } from '@/lib/i18n/locales';

export const generateMetadata = async (): Promise<Metadata> => ({ title: (await getTranslations('account'))('title') });
export const dynamic = 'force-dynamic';

/** The signed-in user's account: who they are, their password; links to administration for admins. */
const AccountPage = async () => {
  const user = await requireUser('/account');
  const t = await getTranslations('account');
  const roles = await getTranslations('roles');

  return (
    <>
      <h1>{t('title')}</h1>
      <dl className={`facts ${styles.narrow}`}>
        <dt>{t('name')}</dt>
        <dd>{user.name}</dd>
        <dt>{t('email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('role')}</dt>
        <dd data-testid="account-role">{roles(user.role)}</dd>
      </dl>
      <div className={`${styles.section} ${styles.narrow}`}>
        <AccountLanguageSelect saved={isLocale(user.locale) ? user.locale : null} />
      </div>
      <div className={styles.section}>
        <ChangePasswordForm />
      </div>
      {user.role === 'admin' ? (
        <nav className={styles.section} aria-labelledby="administration-title">
          <h2 id="administration-title">{t('administration')}</h2>
          <ul>
            <li>
              <Link href="/admin/users">{t('users')}</Link>
              {t('usersText')}
            </li>
            <li>
              <Link href="/admin/editors">{t('editors')}</Link>
              {t('editorsText')}
            </li>
          </ul>
        </nav>
      ) : null}
    </>
  );
};

export default AccountPage;
