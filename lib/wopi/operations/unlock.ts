// Unlock: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/unlock
import { lockMismatch } from '@/lib/wopi/errors';
import { itemVersionHeader, requireLockHeader, requirePermission } from '@/lib/wopi/request';
import { emptyResponse } from '@/lib/wopi/response';
import { LOCK_AUDIT_ACTIONS } from '@/lib/wopi/ports';
import type { WopiOperation } from '@/lib/wopi/types';

/** UNLOCK: releases the lock when the presented id is the current one; else 409 with the current lock. */
export const unlock: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  const { request, document: doc, ports, user } = ctx;
  const lockId = requireLockHeader(request);
  const outcome = await ports.locks.unlock({
    documentId: doc.id,
    lockId,
    now: ports.now(),
    audit: { action: LOCK_AUDIT_ACTIONS.unlock, userId: user.id },
  });
  if (!outcome.ok)
    throw lockMismatch(outcome.current, outcome.current ? 'Locked with another lock' : 'File is not locked');

  return emptyResponse(200, itemVersionHeader(doc.version));
};
