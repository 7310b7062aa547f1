import type { ErrorCode, ErrorDetails } from '@/lib/error-codes';
import { formatBytes } from '@/lib/format';

/**
 * The error type of the portal's JSON APIs: `{ error: { code, message } }` with a status.
 * `message` is English; the edge answers in the request's language from `code` and `details`
 * (lib/api/localized-error.ts), so details carry every value the message names.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Headers the answer carries besides the JSON (416's Content-Range). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = <C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>) =>
  new ApiError(400, code, message, details);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in first.');
/** 403; `details.what` names the refusal (messages' `forbidden`), without it the generic one. */
export const forbidden = (message = 'You do not have permission to do this.', details?: ErrorDetails<'forbidden'>) =>
  new ApiError(403, 'forbidden', message, details);
/** 404; `details.what` says what was looked for (messages' `not_found`), without it "Not found." */
export const notFound = (message = 'Not found.', details?: ErrorDetails<'not_found'>) =>
  new ApiError(404, 'not_found', message, details);
export const conflict = <C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>) =>
  new ApiError(409, code, message, details);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, {
    what: 'file',
    limit,
  });
/** 416 for a `Range` no byte of a body of `size` bytes satisfies, with `Content-Range: bytes *\/size` (RFC 9110 §15.5.17). */
export const rangeNotSatisfiable = (size: number) =>
  new ApiError(
    416,
    'range_not_satisfiable',
    `The requested range lies outside the document (${size.toLocaleString('en')} ${size === 1 ? 'byte' : 'bytes'}).`,
    { size },
    { 'Content-Range': `bytes */${size}` },
  );
export const serviceUnavailable = (code: ErrorCode, message: string) => new ApiError(503, code, message);
