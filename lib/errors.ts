import { formatBytes } from '@/lib/format';

/**
 * What went wrong in the domain (documents, tokens, users), in the domain's words; each edge maps
 * `kind` to its own answer: the portal API to an HTTP status and `{ error: { code, message } }`
 * (lib/api/handler.ts), WOPI to its status (lib/wopi/response.ts), the CLI to a message and exit
 * code 1. `message` is meant for people; `details` travel with it (e.g. a suggested free name).
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'conflict' | 'too_large' | 'not_permitted',
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Input the domain refuses (a bad name, folder, lifetime…). */
export const invalidInput = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('invalid', code, message, details);
/** Nothing visible with that id. */
export const notFoundError = (message: string) => new DomainError('not_found', 'not_found', message);
/** The current state forbids it: a name is taken, the document is open for editing… */
export const conflictError = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', code, message, details);
/** A body over `limit` bytes. */
export const tooLargeError = (limit: number) =>
  new DomainError('too_large', 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, { limit });
/** The user's role does not allow it. */
export const notPermittedError = (message: string) => new DomainError('not_permitted', 'forbidden', message);
