// Lock: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/lock
import { lockMismatch } from '@/lib/wopi/errors';
import { itemVersionHeader, requireLockHeader, requirePermission } from '@/lib/wopi/request';
import { emptyResponse } from '@/lib/wopi/response';
import { LOCK_AUDIT_ACTIONS } from '@/lib/wopi/ports';
import type { WopiOperation } from '@/lib/wopi/types';

/** LOCK: takes the lock, or refreshes it when the same id is presented; another lock → 409. */
export const lock: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  const { request, document: doc, ports, user } = ctx;
  const lockId = requireLockHeader(request);
  const outcome = await ports.locks.lock({
    documentId: doc.id,
    lockId,
    now: ports.now(),
    audit: { action: LOCK_AUDIT_ACTIONS.lock, userId: user.id },
  });
  if (!outcome.ok) throw lockMismatch(outcome.current, outcome.current ? 'Locked with another lock' : undefined);

  return emptyResponse(200, itemVersionHeader(doc.version));
};
