'use client';

import { signOut } from 'next-auth/react';

export const SignOutButton = () => (
  <button type="button" className="link-button" onClick={() => void signOut({ callbackUrl: '/login' })}>
    Sign out
  </button>
);
