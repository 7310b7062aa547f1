import Link from 'next/link';
import { HeaderSearch } from '@/components/header-search';
import { SignOutButton } from '@/components/sign-out-button';

type Props = { user: { name: string; email: string; role: string } };

export const PortalHeader = ({ user }: Props) => (
  <header className="topbar">
    <Link href="/" className="brand">
      Documents
    </Link>
    <HeaderSearch />
    <div className="topbar-user">
      <Link href="/account" title={`${user.email}: your account and password`} data-testid="account-link">
        {user.name}
      </Link>
      {user.role === 'admin' ? <Link href="/admin/editors">Editors</Link> : null}
      {user.role === 'admin' ? <Link href="/admin/audit">Audit log</Link> : null}
      <span className="badge" data-testid="user-role">
        {user.role}
      </span>
      <SignOutButton />
    </div>
  </header>
);
