import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { LOCK_ID_MAX_LENGTH } from '@/lib/wopi/ports';
import type { Permission } from '@/lib/tokens/permissions';
import { isClientAbort } from '@/lib/errors';
import { badRequest, invalidToken } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import type { WopiContext, WopiRequest } from '@/lib/wopi/types';

const HEADER_KEYS = new Map<string, string>();
const HEADER_KEYS_MAX = 256;

/** The lowercase name Node keys `req.headers` by, computed once per distinct name (the code's constants). */
const headerKey = (name: string) => {
  let key = HEADER_KEYS.get(name);
  if (key === undefined) {
    key = name.toLowerCase();
    if (HEADER_KEYS.size < HEADER_KEYS_MAX) HEADER_KEYS.set(name, key);
  }

  return key;
};

/** `Headers.get` semantics over Node's table: repeated headers (never set-cookie here) joined by ", ". */
const valueOf = (value: string | string[] | undefined) =>
  value === undefined ? null : typeof value === 'string' ? value : value.join(', ');

/**
 * A WopiRequest over a table keyed by lowercase names (Node's `req.headers`, as is) and a body
 * source called only when an operation reads the body. A class: one allocation per request.
 */
class TableRequest implements WopiRequest {
  #body: Readable | undefined;
  #headers: Headers | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    private readonly table: IncomingHttpHeaders,
    private readonly source: () => Readable | null,
    fetchHeaders?: Headers,
  ) {
    this.#headers = fetchHeaders;
  }

  header(name: string) {
    return valueOf(this.table[headerKey(name)]);
  }

  fetchHeaders() {
    if (this.#headers) return this.#headers;
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.table)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    }

    return (this.#headers = headers);
  }

  body() {
    if (this.#body) return this.#body;
    const body = this.source();
    // No body (GET): a fresh empty stream per call, never "used", as fetch's null body was.
    if (!body) return Readable.from([]);

    return (this.#body = body);
  }

  get isBodyUsed() {
    const body = this.#body;

    return body !== undefined && (Readable.isDisturbed(body) || body.readableEnded);
  }

  isClientGone() {
    // Only a body handed out can have been cut short (Node's IncomingMessage has `complete`).
    const body: (Readable & { complete?: boolean }) | undefined = this.#body;

    return body !== undefined && body.complete === false && isClientAbort(body.errored);
  }
}

/**
 * The WopiRequest for Node's own request: `headers` is `req.headers` (lowercase keys), `url` the
 * path and query as received, `body` the request itself (null for GET and HEAD).
 */
export const wopiRequestOf = ({
  method,
  url,
  headers,
  body,
}: {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Readable | null;
}): WopiRequest => new TableRequest(method, url, headers, () => body);

/** The WopiRequest for a fetch Request (tests and fetch-style callers; not the server's path). */
export const wopiRequestOfFetch = (request: Request): WopiRequest => {
  const { pathname, search } = new URL(request.url);
  const table: IncomingHttpHeaders = {};
  request.headers.forEach((value, name) => {
    table[name] = value;
  });

  return new TableRequest(
    request.method,
    `${pathname}${search}`,
    table,
    () => (request.body ? Readable.fromWeb(request.body as never) : null),
    request.headers,
  );
};

/** A lock id header that must be present: 1…1024 characters, else 400. */
export const requireLockHeader = (request: WopiRequest, header: string = WOPI_HEADERS.lock) => {
  const value = request.header(header);
  if (value === null) throw badRequest(`${header} missing`);
  if (value.length === 0) throw badRequest(`${header} empty`);
  if (value.length > LOCK_ID_MAX_LENGTH) throw badRequest(`${header} longer than ${LOCK_ID_MAX_LENGTH}`);

  return value;
};

/** The operation needs a permission the token (cut down to the user's role) lacks: 401. */
export const requirePermission = (ctx: WopiContext, permission: Permission) => {
  if (!ctx.permissions.has(permission)) throw invalidToken(`token does not grant ${permission}`);
};

/** The request's Content-Length when it is a plain decimal number (chunked requests have none). */
export const declaredLength = (request: WopiRequest) => {
  const value = request.header('content-length');

  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
};

/** Declared sizes over the limit fail before any byte is read. */
export const declaredSizeExceeds = (request: WopiRequest, limit: number, header = 'content-length') => {
  const value = request.header(header);

  return value !== null && /^\d+$/.test(value) && Number(value) > limit;
};

export const itemVersionHeader = (version: number) => ({ [WOPI_HEADERS.itemVersion]: String(version) });
