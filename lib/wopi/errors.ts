import { WOPI_HEADERS } from '@/lib/wopi/headers';

/**
 * The one protocol error: a status, extra headers and (rarely) a JSON body the editors expect.
 * `message` is internal: logged, never sent.
 */
export class WopiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'WopiError';
  }
}

export const badRequest = (why: string, headers: Record<string, string> = {}) => new WopiError(400, why, headers);
export const invalidToken = (why = 'invalid access token') => new WopiError(401, why);
/** Also for documents the user may not see: indistinguishable from absent. */
export const notFound = (why = 'no such document') => new WopiError(404, why);
/** A lock mismatch ALWAYS names the current lock ('' when unlocked). */
export const lockMismatch = (currentLock: string, reason?: string) =>
  new WopiError(409, `lock mismatch${reason ? `: ${reason}` : ''}`, {
    [WOPI_HEADERS.lock]: currentLock,
    ...(reason ? { [WOPI_HEADERS.lockFailureReason]: reason } : {}),
  });
export const conflict = (why: string, headers: Record<string, string> = {}, body?: unknown) =>
  new WopiError(409, why, headers, body);
export const preconditionFailed = (why = 'precondition failed') => new WopiError(412, why);
export const tooLarge = (why = 'body too large') => new WopiError(413, why);
export const notImplemented = (override: string | null) =>
  new WopiError(501, `unsupported X-WOPI-Override: ${override ?? '(none)'}`);
/** Permission the token or the user's role does not grant. */
export const forbidden = (why: string) => new WopiError(401, why);
/** Proof-key validation failed: the spec asks for a 500. */
export const proofFailed = (why: string) => new WopiError(500, `proof key validation failed: ${why}`);
