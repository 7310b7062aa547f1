import { Readable } from 'node:stream';
import { DomainError, RETRY_AFTER_SECONDS, unavailableOf } from '@/lib/errors';
import { dependencyFailures } from '@/lib/log';
import { WopiError } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import type { WopiReply } from '@/lib/wopi/types';

/** The access log's status for a request whose client went away before it was answered (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/** A domain refusal in WOPI's terms (the message stays internal, as for every WopiError). */
const wopiErrorOf = (error: DomainError) => {
  const status = { invalid: 400, not_permitted: 401, not_found: 404, conflict: 409, too_large: 413, unavailable: 503 }[
    error.kind
  ];

  return new WopiError(status, `${error.code}: ${error.message}`);
};

/** An empty-bodied WOPI response (WOPI clients ignore bodies unless the operation defines one). */
export const emptyResponse = (status = 200, headers: Record<string, string> = {}): WopiReply => ({
  status,
  headers,
  body: null,
});

export const jsonResponse = (body: unknown, headers: Record<string, string> = {}, status = 200): WopiReply => ({
  status,
  headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/**
 * A fetch Response for a reply (tests and fetch-style callers; the server writes replies
 * directly). The reply's afterSend runs now: a fetch caller sends the Response later, if at all.
 */
export const toFetchResponse = ({ status, headers, body, afterSend }: WopiReply) => {
  try {
    afterSend?.();
  } catch {
    // Background work (a mirror copy) that failed to start is the janitor's; the answer stands.
  }

  return new Response(
    body instanceof Readable
      ? (Readable.toWeb(body) as ReadableStream<Uint8Array>)
      : Buffer.isBuffer(body)
        ? new Uint8Array(body)
        : body,
    { status, headers },
  );
};

type Logger = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

/**
 * A WopiError becomes its status and headers (with its JSON body when it has one, else empty); a
 * DomainError its kind's status (400, 401, 404, 409, 413); Postgres or S3 down, stalled or
 * refusing (DependencyUnavailableError, or a Prisma connection error) a 503 with Retry-After,
 * counted in one log line per interval rather than logged per request; with `isClientGone`
 * (WopiRequest.isClientGone: the client closed the connection mid-request) an info line and
 * CLIENT_CLOSED_REQUEST whatever the error; anything else is logged
 * with a request id and becomes a bare 500. Internal messages, stack traces and storage or
 * database errors never reach the client.
 */
export const toWopiResponse = (
  error: unknown,
  { log, requestId, isClientGone = false }: { log: Logger; requestId: string; isClientGone?: boolean },
): WopiReply => {
  // Nobody is left to answer; not the server's fault, so not a 5xx in logs or metrics. 499 is
  // what nginx logs for "client closed request"; the status is only ever logged.
  if (isClientGone) {
    log.info({ requestId }, 'WOPI request ended: the client closed the connection mid-request');

    return emptyResponse(CLIENT_CLOSED_REQUEST);
  }
  const unavailable = unavailableOf(error);
  if (unavailable) {
    dependencyFailures.note(unavailable.dependency, unavailable.reason);

    return emptyResponse(503, {
      'Retry-After': String(RETRY_AFTER_SECONDS),
      [WOPI_HEADERS.serverError]: `${unavailable.dependency} unavailable (request ${requestId})`,
    });
  }
  if (error instanceof DomainError) return toWopiResponse(wopiErrorOf(error), { log, requestId });
  if (error instanceof WopiError) {
    if (error.status >= 500 && error.status !== 501)
      log.error({ requestId, status: error.status, reason: error.message }, 'WOPI request failed');
    else log.warn({ requestId, status: error.status, reason: error.message }, 'WOPI request refused');

    return error.body === undefined
      ? emptyResponse(error.status, error.headers)
      : jsonResponse(error.body, error.headers, error.status);
  }
  log.error({ requestId, err: error }, 'WOPI request failed');

  return emptyResponse(500, { [WOPI_HEADERS.serverError]: `request ${requestId}` });
};
