import { formatBytes } from '@/lib/format';

/** The error type of the portal's JSON APIs: `{ error: { code, message } }` with a status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(400, code, message, details);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in first.');
export const forbidden = (message = 'You do not have permission to do this.') =>
  new ApiError(403, 'forbidden', message);
export const notFound = (message = 'Not found.') => new ApiError(404, 'not_found', message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new ApiError(409, code, message, details);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, { limit });
export const serviceUnavailable = (code: string, message: string) => new ApiError(503, code, message);
