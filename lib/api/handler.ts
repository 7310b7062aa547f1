import { randomUUID } from 'node:crypto';
import { ApiError, forbidden, unauthorized } from '@/lib/api/errors';
import { crossSiteReason } from '@/lib/auth/same-origin';
import { userFromRequest, type SessionUser } from '@/lib/auth/session';
import { publicUrl } from '@/lib/env';
import { DomainError, RETRY_AFTER_SECONDS, unavailableOf } from '@/lib/errors';
import { dependencyFailures, log } from '@/lib/log';

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (args: { request: Request; params: P; user: SessionUser }) => Promise<Response>;

export const jsonError = (error: ApiError) =>
  Response.json(
    { error: { code: error.code, message: error.message, ...(error.details ?? {}) } },
    { status: error.status },
  );

const STATUS_OF_KIND: Record<DomainError['kind'], number> = {
  invalid: 400,
  not_permitted: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unavailable: 503,
};

/**
 * Maps a throw to a response: ApiError as it says, a DomainError by its kind (400/403/404/409/
 * 413 with its code, message and details), Postgres or S3 unavailable a 503 with Retry-After
 * (counted in one log line per interval, not logged per request), anything else a bare 500
 * with a request id.
 */
export const toApiResponse = (error: unknown, request: Request) => {
  if (error instanceof ApiError) return jsonError(error);
  const unavailable = unavailableOf(error);
  if (unavailable) {
    dependencyFailures.note(unavailable.dependency, unavailable.reason);
    const response = jsonError(new ApiError(503, unavailable.code, unavailable.message, unavailable.details));
    response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));

    return response;
  }
  if (error instanceof DomainError)
    return jsonError(new ApiError(STATUS_OF_KIND[error.kind], error.code, error.message, error.details));
  const requestId = randomUUID();
  log.error(
    { err: error, requestId, method: request.method, path: new URL(request.url).pathname },
    'unhandled API error',
  );

  return Response.json(
    { error: { code: 'internal', message: `Something went wrong (request ${requestId}).` } },
    { status: 500 },
  );
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_BODY_MAX_BYTES = 64 * 1024;
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Postgres text cannot hold U+0000, and no name, email, password or filter of ours may contain
 * it: client text carrying it (a JSON body, the query string, a route parameter) is refused here
 * once, for every route, instead of reaching the database as a 500.
 */
const nulRefused = (where: string) =>
  new ApiError(400, 'invalid_text', `The ${where} contains the NUL character (U+0000), which no text here may hold.`);
const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;

  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item, depth + 1));
};

const crossSiteRequest = (reason: string) =>
  new ApiError(403, 'cross_site_request', `Requests from other sites are refused (${reason}).`);
const unsupportedMediaType = () =>
  new ApiError(415, 'unsupported_media_type', 'Send this request as Content-Type: application/json.');
const jsonTooLarge = () =>
  new ApiError(413, 'too_large', `The request body is larger than ${JSON_BODY_MAX_BYTES / 1024} KB.`, {
    limit: JSON_BODY_MAX_BYTES,
  });

/** Reads the rest of a refused body without keeping it (cancelling would reset the connection before the answer). */
const discardRest = (reader: ReadableStreamDefaultReader<Uint8Array>) => {
  const pump = (): Promise<void> => reader.read().then(({ done }) => (done ? undefined : pump()));
  pump().catch(() => {});
};

const readJson = async (request: Request): Promise<unknown> => {
  if (Number(request.headers.get('content-length') ?? 0) > JSON_BODY_MAX_BYTES) throw jsonTooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
    total += next.value.byteLength;
    if (total > JSON_BODY_MAX_BYTES) {
      discardRest(reader!);
      throw jsonTooLarge();
    }
    chunks.push(next.value);
  }

  const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (hasNul(value)) throw nulRefused('request body');

  return value;
};

/**
 * `request.json()` as handlers see it: a body not declared as JSON (an HTML form, even
 * enctype=text/plain, cannot declare it) is refused with 415, one over 64 KB with 413. The
 * refusal is remembered, so it is the answer even when the handler caught it and went on.
 */
const guardJsonBody = (request: Request) => {
  const guard: { refusal?: ApiError } = {};
  const json = () => {
    const parsed = JSON_TYPE.test(request.headers.get('content-type') ?? '')
      ? readJson(request)
      : Promise.reject(unsupportedMediaType());

    return parsed.catch((error: unknown) => {
      if (error instanceof ApiError) guard.refusal = error;
      throw error;
    });
  };
  Object.defineProperty(request, 'json', { value: json });

  return guard;
};

/**
 * Every portal API route: a state-changing request from another site is refused first (403;
 * lib/auth/same-origin.ts), then the session and role are checked (401/403), then JSON bodies
 * are guarded (415/413). GET/HEAD are reads: CORS keeps their answers from other sites.
 */
const withRole =
  <P>(check: (user: SessionUser) => void, handler: Handler<P>) =>
  async (request: Request, context: RouteContext<P>) => {
    const guard = guardJsonBody(request);
    try {
      const crossSite = SAFE_METHODS.has(request.method) ? null : crossSiteReason(request, { publicUrl: publicUrl() });
      if (crossSite) throw crossSiteRequest(crossSite);
      const user = await userFromRequest(request);
      if (!user) throw unauthorized();
      check(user);
      const params = await context.params;
      if (hasNul([...new URL(request.url).searchParams].flat())) throw nulRefused('query string');
      if (hasNul(params)) throw nulRefused('address');

      const response = await handler({ request, params, user });
      if (guard.refusal) throw guard.refusal;

      return response;
    } catch (error) {
      return toApiResponse(guard.refusal ?? error, request);
    }
  };

/** API route for any signed-in user. */
export const withUser = <P = Record<string, never>>(handler: Handler<P>) => withRole<P>(() => {}, handler);

/** API route for admins only: 401 without a session, 403 for other roles. */
export const withAdmin = <P = Record<string, never>>(handler: Handler<P>) =>
  withRole<P>((user) => {
    if (user.role !== 'admin') throw forbidden('Only administrators can do this.');
  }, handler);
