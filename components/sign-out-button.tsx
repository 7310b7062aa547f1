'use client';

import { signOut } from 'next-auth/react';
import { useTranslations } from 'next-intl';

/** Signs out and lands on the sign-in page, which says so (`?notice=signed-out`). */
export const SignOutButton = () => {
  const t = useTranslations('shell');

  return (
    <button
      type="button"
      className="link-button"
      onClick={() => void signOut({ callbackUrl: '/login?notice=signed-out' })}
    >
      {t('signOut')}
    </button>
  );
};
