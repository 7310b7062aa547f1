import { readFile, stat } from 'node:fs/promises';
import { inject } from 'vitest';

let origin: string | undefined;

/**
 * The origin (and PUBLIC_URL) of the portal the API tests drive: the production server the
 * integration tier's global setup started (tests/integration/global-setup.ts), unless a test
 * file pointed them at a portal of its own with `sendApiCallsTo`.
 */
export const portalOrigin = () => origin ?? inject('portalOrigin');

/** Sends this file's API calls to `baseUrl` (a portal it started with other settings); undefined: back to the tier's. */
export const sendApiCallsTo = (baseUrl: string | undefined) => {
  origin = baseUrl;
};

export type PortalCall = {
  cookie?: string;
  /** JSON-encoded unless already a string (both sent as application/json unless `headers` say otherwise); bytes, streams and forms as they are. */
  body?: unknown;
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

const isRawBody = (body: unknown): body is BodyInit =>
  body instanceof Uint8Array ||
  body instanceof ArrayBuffer ||
  body instanceof Blob ||
  body instanceof ReadableStream ||
  body instanceof URLSearchParams ||
  body instanceof FormData;

/**
 * One request to the portal over real HTTP, as a script sends it (no Origin, no Sec-Fetch-Site
 * unless given in `headers`): `cookie` as the Cookie header, a JSON body with its content type,
 * redirects not followed. Resolves with the response as the server sent it.
 */
export const portalFetch = (path: string, { cookie, body, method = 'POST', headers = {}, signal }: PortalCall = {}) =>
  fetch(`${portalOrigin()}${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined || isRawBody(body) ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined || isRawBody(body) ? body : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
    signal,
    duplex: 'half',
  } as RequestInit);

/**
 * What the tier's production portal printed (stdout and stderr) from now on: call the returned
 * function to read everything it printed since (a string of whole lines, in order).
 */
export const portalOutputFromNow = async () => {
  const file = inject('portalLog');
  const start = (await stat(file).catch(() => ({ size: 0 }))).size;

  return async () => (await readFile(file).catch(() => Buffer.alloc(0))).subarray(start).toString('utf8');
};
