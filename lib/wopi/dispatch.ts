import { notImplemented } from '@/lib/wopi/errors';
import { OVERRIDES, WOPI_HEADERS } from '@/lib/wopi/headers';
import { deleteFile } from '@/lib/wopi/operations/delete-file';
import { getLock } from '@/lib/wopi/operations/get-lock';
import { lock } from '@/lib/wopi/operations/lock';
import { putFile } from '@/lib/wopi/operations/put-file';
import { putRelativeFile } from '@/lib/wopi/operations/put-relative-file';
import { putUserInfo } from '@/lib/wopi/operations/put-user-info';
import { refreshLock } from '@/lib/wopi/operations/refresh-lock';
import { renameFile } from '@/lib/wopi/operations/rename-file';
import { unlock } from '@/lib/wopi/operations/unlock';
import { unlockAndRelock } from '@/lib/wopi/operations/unlock-and-relock';
import type { WopiOperation } from '@/lib/wopi/types';

const FILE_OVERRIDES: Record<string, WopiOperation> = {
  [OVERRIDES.lock]: lock,
  [OVERRIDES.unlock]: unlock,
  [OVERRIDES.refreshLock]: refreshLock,
  [OVERRIDES.getLock]: getLock,
  [OVERRIDES.putRelative]: putRelativeFile,
  [OVERRIDES.renameFile]: renameFile,
  [OVERRIDES.delete]: deleteFile,
  [OVERRIDES.putUserInfo]: putUserInfo,
};

/** POST /wopi/files/:id by X-WOPI-Override; LOCK with X-WOPI-OldLock is UnlockAndRelock; unknown → 501. */
export const dispatchFileOverride: WopiOperation = (ctx) => {
  const override = ctx.request.header(WOPI_HEADERS.override)?.toUpperCase() ?? null;
  if (override === OVERRIDES.lock && ctx.request.header(WOPI_HEADERS.oldLock) !== null) return unlockAndRelock(ctx);
  const operation = override ? FILE_OVERRIDES[override] : undefined;
  if (!operation) throw notImplemented(override);

  return operation(ctx);
};

/** POST /wopi/files/:id/contents: only PutFile (X-WOPI-Override: PUT). */
export const dispatchContentsOverride: WopiOperation = (ctx) => {
  const override = ctx.request.header(WOPI_HEADERS.override)?.toUpperCase() ?? null;
  if (override !== OVERRIDES.put) throw notImplemented(override);

  return putFile(ctx);
};
