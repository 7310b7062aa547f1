import { postgresLockWithContext } from '@/lib/locks/postgres-lock-with-context';

/**
 * One lock change by `userId` through the process's group commit (postgresLockWithContext), as
 * the WOPI handler makes it for a full token of a user who may write: the LockWithContextResult.
 */
export const lockChangeBy =
  (userId: string) => (documentId: string, method: 'lock' | 'unlock' | 'refresh', lockId: string) =>
    postgresLockWithContext({
      userId,
      documentId,
      roles: ['admin', 'editor'],
      now: new Date(),
      call: { method, lockId, audit: { action: `wopi.${method}`, userId } },
    });
