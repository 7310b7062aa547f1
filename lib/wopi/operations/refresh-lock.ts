// RefreshLock: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/refreshlock
import { lockMismatch } from '@/lib/wopi/errors';
import { itemVersionHeader, requireLockHeader, requirePermission } from '@/lib/wopi/request';
import { emptyResponse } from '@/lib/wopi/response';
import { LOCK_AUDIT_ACTIONS } from '@/lib/wopi/ports';
import type { WopiOperation } from '@/lib/wopi/types';

/** REFRESH_LOCK: another 30 minutes for the current lock; any other id (or none held) → 409. */
export const refreshLock: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  const { request, document: doc, ports, user } = ctx;
  const lockId = requireLockHeader(request);
  const outcome = await ports.locks.refresh({
    documentId: doc.id,
    lockId,
    now: ports.now(),
    audit: { action: LOCK_AUDIT_ACTIONS.refresh, userId: user.id },
  });
  if (!outcome.ok)
    throw lockMismatch(outcome.current, outcome.current ? 'Locked with another lock' : 'File is not locked');

  return emptyResponse(200, itemVersionHeader(doc.version));
};
