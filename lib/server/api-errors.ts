import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { localizedErrorMessage } from '@/lib/api/localized-error';
import type { ErrorCode } from '@/lib/error-codes';
import { DEFAULT_LOCALE, localeOfHeaders, type Locale } from '@/lib/i18n/locales';

/**
 * The portal API's JSON error bodies for answers this process gives itself, before or after
 * Next.js (lib/api/handler.ts jsonError is the same shape inside Next.js): a 405 for a method a
 * route does not serve (lib/server/portal-proxy.ts), and a request node:http refused before any
 * listener saw it (lib/server/serve.ts).
 */

/** True for the portal API's paths (`/api` and below; `url` may carry a query). */
export const isApiPath = (url: string | undefined) => {
  const pathname = (url ?? '/').split('?')[0]!;

  return pathname === '/api' || pathname.startsWith('/api/');
};

/**
 * `{"error":{...details,"code","message"}}` as a string: `message` in `locale` from
 * messages/<locale>.json `apiErrors.<code>` with `details`, or `english` when that cannot be
 * formatted (lib/api/localized-error.ts).
 */
export const apiErrorJson = ({
  code,
  english,
  details = {},
  locale = DEFAULT_LOCALE,
}: {
  code: ErrorCode;
  english: string;
  details?: Record<string, unknown>;
  locale?: Locale;
}) => JSON.stringify({ error: { ...details, code, message: localizedErrorMessage(locale, code, details, english) } });

/**
 * The answer to `method` on an API path whose route does not serve it: status 405, the route's
 * methods as `Allow` (as Next.js's OPTIONS answer lists them; null when they could not be
 * learned: no Allow header, and the message does not name them) and the JSON error
 * `method_not_allowed` `{method, allow}` in the request's language (locale cookie, then
 * Accept-Language: no session is looked up here).
 */
export const methodNotAllowedAnswer = ({
  method,
  allow,
  headers,
}: {
  method: string;
  allow: string | null;
  headers: IncomingHttpHeaders;
}) => {
  const locale = localeOfHeaders({ cookie: headers.cookie, acceptLanguage: headers['accept-language'] });
  const body =
    allow === null
      ? JSON.stringify({ error: { method, code: 'method_not_allowed', message: `${method} is not allowed here.` } })
      : apiErrorJson({
          code: 'method_not_allowed',
          english: `${method} is not allowed here; use ${allow}.`,
          details: { method, allow },
          locale,
        });

  return {
    status: 405,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      ...(allow === null ? {} : { Allow: allow }),
    },
    body,
  };
};

/** What node:http refuses before any listener runs, by its error code; anything else is 400 `malformed_request`. */
const REFUSED_BY_PARSER: Record<
  string,
  { status: number; code: ErrorCode; english: string; details?: Record<string, unknown> }
> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'header_too_large',
    english: 'The request’s address or headers are too large.',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    code: 'too_large',
    english: 'The request’s chunk extensions are too large.',
    details: { what: 'chunk_extensions' },
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', english: 'The request took too long to arrive.' },
};
const MALFORMED = { status: 400, code: 'malformed_request', english: 'The request is not valid HTTP.' } as const;

/**
 * A complete HTTP/1.1 response (status line, Content-Type, Content-Length, Connection: close,
 * the JSON error in English: the request's headers were never read) for a request node:http's
 * parser refused with `errorCode`: 431 `header_too_large` (a head over the server's limit, e.g.
 * a 100 KB URL), 413 `too_large` (chunk extensions), 408 `request_timeout`, else 400
 * `malformed_request` (garbage bytes). The statuses are node:http's own.
 */
export const clientErrorResponse = (errorCode: string | undefined) => {
  const refusal = (errorCode === undefined ? undefined : REFUSED_BY_PARSER[errorCode]) ?? MALFORMED;
  const body = apiErrorJson({
    code: refusal.code,
    english: refusal.english,
    details: 'details' in refusal ? refusal.details : undefined,
  });

  return [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
};

/**
 * node:http's `clientError` listener for the portal's server (every path, /wopi too: WOPI
 * clients ignore the body): answers with clientErrorResponse when the socket can still be
 * written and no response was started on it, as node:http's default would with a bare one; a
 * connection reset (ECONNRESET) or an answer under way is only closed, as node:http does.
 */
export const onClientError = (error: NodeJS.ErrnoException, socket: Duplex) => {
  socket.on('error', () => {});
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();

    return;
  }
  socket.end(clientErrorResponse(error.code));
};
