import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { HeaderSearch } from '@/components/header-search';
import { SignOutButton } from '@/components/sign-out-button';

type Props = { user: { name: string; email: string; role: string } | null };

/** The portal's banner: the brand, then the user's links (or "Sign in" for a signed-out visitor). */
export const PortalHeader = ({ user }: Props) => {
  const t = useTranslations('shell');
  const roles = useTranslations('roles');

  return (
    <header className="topbar">
      <Link href="/" className="brand">
        {t('brand')}
      </Link>
      {user ? <HeaderSearch /> : null}
      {user ? (
        <nav className="topbar-user" aria-label={t('yourAccount')}>
          <Link href="/account" title={t('accountTitle', { email: user.email })} data-testid="account-link">
            {user.name}
          </Link>
          {user.role === 'admin' ? <Link href="/admin/editors">{t('editors')}</Link> : null}
          {user.role === 'admin' ? <Link href="/admin/audit">{t('auditLog')}</Link> : null}
          <span className="badge" data-testid="user-role">
            {roles(user.role as 'admin')}
          </span>
          <SignOutButton />
        </nav>
      ) : (
        <nav className="topbar-user" aria-label={t('yourAccount')}>
          <Link href="/login">{t('signIn')}</Link>
        </nav>
      )}
    </header>
  );
};
