import { WopiError } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';

/** An empty-bodied WOPI response (WOPI clients ignore bodies unless the operation defines one). */
export const emptyResponse = (status = 200, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers });

export const jsonResponse = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });

type Logger = {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

/**
 * A WopiError becomes its status and headers (with its JSON body when it has one, else empty);
 * anything else is logged with a request id and becomes a bare 500. Internal messages, stack
 * traces and storage or database errors never reach the client.
 */
export const toWopiResponse = (error: unknown, { log, requestId }: { log: Logger; requestId: string }) => {
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
