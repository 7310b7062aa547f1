import type { ErrorCode, ErrorDetails } from '@/lib/error-codes';
import { formatBytes } from '@/lib/format';

/**
 * What went wrong in the domain (documents, tokens, users), in the domain's words; each edge maps
 * `kind` to its own answer: the portal API to an HTTP status and `{ error: { code, message } }`
 * (lib/api/handler.ts), WOPI to its status (lib/wopi/response.ts), the CLI to a message and exit
 * code 1. `message` is English, for the CLI and logs; `details` travel with it (e.g. a suggested
 * free name) and carry every value the message names, so the API edge can say it in the reader's
 * language (messages/*.json `apiErrors.<code>`; codes and their details: lib/error-codes.ts).
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'conflict' | 'too_large' | 'not_permitted' | 'unavailable',
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Input the domain refuses (a bad name, folder, lifetime…). */
export const invalidInput = <C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>) =>
  new DomainError('invalid', code, message, details);
/** Nothing visible with that id; `details.what` says what was looked for (messages' `not_found`). */
export const notFoundError = (message: string, details?: ErrorDetails<'not_found'>) =>
  new DomainError('not_found', 'not_found', message, details);
/** The current state forbids it: a name is taken, the document is open for editing… */
export const conflictError = <C extends ErrorCode>(code: C, message: string, details?: ErrorDetails<C>) =>
  new DomainError('conflict', code, message, details);
/** A body over `limit` bytes. */
export const tooLargeError = (limit: number) =>
  new DomainError('too_large', 'too_large', `The file is larger than the limit of ${formatBytes(limit)}.`, {
    what: 'file',
    limit,
  });
/** The user's role does not allow it; `details.what` says what was refused (messages' `forbidden`). */
export const notPermittedError = (message: string, details?: ErrorDetails<'forbidden'>) =>
  new DomainError('not_permitted', 'forbidden', message, details);

export type Dependency = 'database' | 'storage';

/** How long clients are asked to wait before retrying when a dependency is unavailable (Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Postgres or S3 is down, stalled or refusing connections (kind 'unavailable'): every edge answers
 * 503 with Retry-After, and the failures are logged as one counted line per interval, not one
 * stack trace per request. `cause` keeps the driver's error for the log.
 */
export class DependencyUnavailableError extends DomainError {
  constructor(
    readonly dependency: Dependency,
    options: { reason: string; cause?: unknown },
  ) {
    super('unavailable', `${dependency}_unavailable`, `The ${dependency} is unavailable; try again shortly.`, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    this.name = 'DependencyUnavailableError';
    this.reason = options.reason;
    this.cause = options.cause;
  }

  /** What the driver said (for the log only). */
  readonly reason: string;
}

export const unavailableError = (dependency: Dependency, reason: string, cause?: unknown) =>
  new DependencyUnavailableError(dependency, { reason, cause });

// Postgres SQLSTATEs that mean "not now" rather than "wrong": connection exceptions (08…),
// shutdown and start-up (57P01–57P03), too many connections, and a statement cancelled by
// statement_timeout (57014) or lock_timeout (55P03).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300|57014|55P03)$/;
// What pg and the Prisma driver adapter say when the server is gone, stalled or unreachable.
const UNAVAILABLE_DRIVER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
// Prisma: can't reach (P1001), timed out (P1002, P1008), connection closed (P1017), pool timeout (P2024).
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_PG_MESSAGES =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|timeout expired)$/;
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

type Shape = {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  kind?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
};

/** Whether one error (not its causes) is the database saying "unavailable". */
const isDatabaseUnavailableShape = (error: Shape) => {
  if (typeof error.code === 'string' && UNAVAILABLE_PRISMA_CODES.has(error.code)) return true;
  // P2028 covers every interactive-transaction failure; only "could not start one in time" is the pool's.
  if (error.code === 'P2028' && typeof error.message === 'string' && error.message.includes('Unable to start'))
    return true;
  if (error.name === 'PrismaClientInitializationError') return true;
  if (typeof error.kind === 'string' && UNAVAILABLE_DRIVER_KINDS.has(error.kind)) return true;
  if (typeof error.code === 'string' && UNAVAILABLE_SQLSTATE.test(error.code)) return true;
  if (typeof error.code === 'string' && UNAVAILABLE_SOCKET_CODES.has(error.code)) return true;

  return typeof error.message === 'string' && UNAVAILABLE_PG_MESSAGES.test(error.message);
};

/** The line of a driver's message that says what happened (Prisma's end with it), for the log. */
const messageOf = (error: unknown) => {
  const message = (error as { message?: unknown } | null)?.message;
  const lines = (typeof message === 'string' ? message : String(error)).split('\n').filter((line) => line.trim());

  return (lines.at(-1) ?? '').trim().slice(0, 300);
};

/**
 * The database error behind `error`, if it means Postgres is unavailable (down, stalled,
 * refusing, timed out): pg's own errors, the Prisma driver adapter's (DriverAdapterError, its
 * `cause` or `meta.driverAdapterError`) and Prisma's connection codes. The shared pg pool wraps
 * its errors itself (lib/db.ts); this also catches what Prisma rethrows in its own types.
 */
export const asDatabaseUnavailable = (error: unknown): DependencyUnavailableError | undefined => {
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): DependencyUnavailableError | undefined => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 6) return undefined;
    seen.add(value);
    if (value instanceof DependencyUnavailableError) return value;
    const shape = value as Shape;
    if (isDatabaseUnavailableShape(shape))
      return unavailableError('database', messageOf(typeof shape.message === 'string' ? value : error), error);

    return walk(shape.meta?.driverAdapterError, depth + 1) ?? walk(shape.cause, depth + 1);
  };

  return walk(error, 0);
};

/**
 * The DependencyUnavailableError behind `error` (itself, one in its cause chain, or a database
 * error that means Postgres is unavailable), else undefined. Storage errors are wrapped where
 * they happen (lib/storage/client.ts), database errors in the shared pool (lib/db.ts); Prisma's
 * are recognised here.
 */
export const unavailableOf = (error: unknown): DependencyUnavailableError | undefined => {
  for (let value: unknown = error, depth = 0; value && depth < 6; depth++) {
    if (value instanceof DependencyUnavailableError) return value;
    value = (value as { cause?: unknown }).cause;
  }
  const shape = error as (Shape & { severity?: unknown }) | null;
  const name = shape?.name;
  const isFromPrisma = typeof name === 'string' && (name.startsWith('Prisma') || name === 'DriverAdapterError');
  // pg's own errors, which Prisma passes through unchanged: its fixed messages, or a server
  // error (it has a severity) with an "unavailable" SQLSTATE.
  const isFromPg =
    (typeof shape?.message === 'string' && UNAVAILABLE_PG_MESSAGES.test(shape.message)) ||
    (typeof shape?.severity === 'string' && typeof shape.code === 'string' && UNAVAILABLE_SQLSTATE.test(shape.code));

  return isFromPrisma || isFromPg ? asDatabaseUnavailable(error) : undefined;
};

/**
 * Whether `error` is node:http's word that the client closed the connection before its request
 * was complete: the `Error('aborted')` with code ECONNRESET that `_http_server.js`
 * (abortIncoming → connResetException) destroys the request body with when its socket closes,
 * whether the client went away or the front server's idle limit closed it
 * (lib/server/front-server.ts). Give it the request's own error (`req.errored`): an S3 answer
 * cut mid-body carries the same shape.
 */
export const isClientAbort = (error: unknown): boolean => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };

  return code === 'ECONNRESET' && message === 'aborted';
};

/**
 * The error a body stream already ended in before it was read to its end, else undefined: its
 * own error (node:http destroys a request with isClientAbort's `Error('aborted')` when its
 * connection closes mid-body, which can happen while the operation still awaits the database),
 * or ERR_STREAM_PREMATURE_CLOSE for one destroyed without an error. Check it before `pipe` or
 * 'data'/'end' listeners: a destroyed stream emits nothing more, and its reader would wait forever.
 */
export const bodyAlreadyFailed = (body: {
  destroyed: boolean;
  readableEnded: boolean;
  errored: Error | null;
}): Error | undefined => {
  if (!body.destroyed || body.readableEnded) return undefined;

  return body.errored ?? Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
};
