'use client';

import { signOut } from 'next-auth/react';

/** Signs out and lands on the sign-in page, which says so (`?notice=signed-out`). */
export const SignOutButton = () => (
  <button
    type="button"
    className="link-button"
    onClick={() => void signOut({ callbackUrl: '/login?notice=signed-out' })}
  >
    Sign out
  </button>
);
