// GetLock: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/getlock
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { emptyResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';

/** GET_LOCK: 200 with the current lock in X-WOPI-Lock, "" when unlocked (or the lock expired). */
export const getLock: WopiOperation = async ({ document: doc, ports }) => {
  const current = await ports.locks.get({ documentId: doc.id, now: ports.now() });

  return emptyResponse(200, { [WOPI_HEADERS.lock]: current });
};
