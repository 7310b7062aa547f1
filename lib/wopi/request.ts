import { LOCK_ID_MAX_LENGTH } from '@/lib/wopi/ports';
import type { Permission } from '@/lib/tokens/permissions';
import { badRequest, invalidToken } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import type { WopiContext } from '@/lib/wopi/types';

/** A lock id header that must be present: 1…1024 characters, else 400. */
export const requireLockHeader = (request: Request, header: string = WOPI_HEADERS.lock) => {
  const value = request.headers.get(header);
  if (value === null) throw badRequest(`${header} missing`);
  if (value.length === 0) throw badRequest(`${header} empty`);
  if (value.length > LOCK_ID_MAX_LENGTH) throw badRequest(`${header} longer than ${LOCK_ID_MAX_LENGTH}`);

  return value;
};

/** The operation needs a permission the token (cut down to the user's role) lacks: 401. */
export const requirePermission = (ctx: WopiContext, permission: Permission) => {
  if (!ctx.permissions.has(permission)) throw invalidToken(`token does not grant ${permission}`);
};

/** A request body, or an empty stream for none (a 0-byte PutFile). */
export const bodyOf = (request: Request): ReadableStream<Uint8Array> =>
  request.body ?? new ReadableStream({ start: (controller) => controller.close() });

/** Declared sizes over the limit fail before any byte is read. */
export const declaredSizeExceeds = (request: Request, limit: number, header = 'content-length') => {
  const value = request.headers.get(header);

  return value !== null && /^\d+$/.test(value) && Number(value) > limit;
};

export const itemVersionHeader = (version: number) => ({ [WOPI_HEADERS.itemVersion]: String(version) });
