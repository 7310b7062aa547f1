// UnlockAndRelock: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/unlockandrelock
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { lockMismatch } from '@/lib/wopi/errors';
import { itemVersionHeader, requireLockHeader, requirePermission } from '@/lib/wopi/request';
import { emptyResponse } from '@/lib/wopi/response';
import { LOCK_AUDIT_ACTIONS } from '@/lib/wopi/ports';
import type { WopiOperation } from '@/lib/wopi/types';

/** LOCK with X-WOPI-OldLock: swaps the lock id in one statement when the old one is current. */
export const unlockAndRelock: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  const { request, document: doc, ports, user } = ctx;
  const lockId = requireLockHeader(request);
  const oldLockId = requireLockHeader(request, WOPI_HEADERS.oldLock);
  const outcome = await ports.locks.unlockAndRelock({
    documentId: doc.id,
    oldLockId,
    lockId,
    now: ports.now(),
    audit: { action: LOCK_AUDIT_ACTIONS.unlockAndRelock, userId: user.id },
  });
  if (!outcome.ok)
    throw lockMismatch(outcome.current, outcome.current ? 'Locked with another lock' : 'File is not locked');

  return emptyResponse(200, itemVersionHeader(doc.version));
};
