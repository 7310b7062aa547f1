'use client';

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { OneTimePassword } from '@/components/one-time-password';

/** A password shown once: for which user (id and email), and the password itself. */
type Shown = { userId: string; email: string; password: string };

type OneTimePasswords = {
  shown: Shown[];
  /** Shows `password` for the user, replacing the one shown for them before (at most one each). */
  show: (entry: Shown) => void;
  /** Removes the password shown for this user, if any (any later action on them makes it stale). */
  clear: (userId: string) => void;
};

const Context = createContext<OneTimePasswords | null>(null);

/**
 * The passwords /admin/users shows once (a new user's generated one, a reset's): one panel per
 * user at most, shared by the add form and every row.
 */
export const OneTimePasswordsProvider = ({ children }: { children: ReactNode }) => {
  const [shown, setShown] = useState<Shown[]>([]);
  const show = useCallback(
    (entry: Shown) => setShown((list) => [...list.filter((item) => item.userId !== entry.userId), entry]),
    [],
  );
  const clear = useCallback((userId: string) => setShown((list) => list.filter((item) => item.userId !== userId)), []);
  const value = useMemo(() => ({ shown, show, clear }), [shown, show, clear]);

  return <Context.Provider value={value}>{children}</Context.Provider>;
};

/** The shown-once passwords' show/clear (inside OneTimePasswordsProvider). */
export const useOneTimePasswords = () => {
  const value = useContext(Context);
  if (!value) throw new Error('useOneTimePasswords needs a OneTimePasswordsProvider around it.');

  return value;
};

/** Every password shown once right now, newest last; each panel's Done removes it. */
export const OneTimePasswordPanels = () => {
  const { shown, clear } = useOneTimePasswords();

  return shown.map((entry) => (
    <OneTimePassword
      key={entry.userId}
      email={entry.email}
      password={entry.password}
      onDone={() => clear(entry.userId)}
    />
  ));
};
