import type { Tx } from '@/lib/db';
import { conflictError } from '@/lib/errors';

type ActiveAdmins = { id: string }[];

/**
 * Locks every active admin row (FOR UPDATE, in id order, so concurrent callers queue instead of
 * deadlocking) for the rest of the transaction. Call it before locking any other user row.
 * Two admins demoting each other at once: the second waits for the first to commit, then no
 * longer sees the first (Postgres re-checks a locked row that changed) and is refused.
 */
export const lockActiveAdmins = (tx: Tx) =>
  tx.$queryRaw<ActiveAdmins>`
    SELECT id::text AS id FROM "User" WHERE role = 'admin' AND "disabledAt" IS NULL ORDER BY id FOR UPDATE`;

/** Throws a `last_admin` conflict when `user` is the only active admin in `admins`. */
export const assertNotLastAdmin = (admins: ActiveAdmins, user: { id: string; email: string }) => {
  const isLast = admins.length === 1 && admins[0]!.id === user.id;
  if (isLast)
    throw conflictError(
      'last_admin',
      `${user.email} is the last active administrator: make another user an administrator first.`,
      { email: user.email },
    );
};
