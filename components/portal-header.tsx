import Link from 'next/link';
import { HeaderSearch } from '@/components/header-search';
import { SignOutButton } from '@/components/sign-out-button';

type Props = { user: { name: string; email: string; role: string } | null };

/** The portal's banner: the brand, then the user's links (or "Sign in" for a signed-out visitor). */
export const PortalHeader = ({ user }: Props) => (
  <header className="topbar">
    <Link href="/" className="brand">
      Documents
    </Link>
    {user ? <HeaderSearch /> : null}
    {user ? (
      <nav className="topbar-user" aria-label="Your account">
        <Link href="/account" title={`${user.email}: your account and password`} data-testid="account-link">
          {user.name}
        </Link>
        {user.role === 'admin' ? <Link href="/admin/editors">Editors</Link> : null}
        {user.role === 'admin' ? <Link href="/admin/audit">Audit log</Link> : null}
        <span className="badge" data-testid="user-role">
          {user.role}
        </span>
        <SignOutButton />
      </nav>
    ) : (
      <nav className="topbar-user" aria-label="Your account">
        <Link href="/login">Sign in</Link>
      </nav>
    )}
  </header>
);
