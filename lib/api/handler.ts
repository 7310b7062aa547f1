import { randomUUID } from 'node:crypto';
import { ApiError, forbidden, unauthorized } from '@/lib/api/errors';
import { crossSiteReason } from '@/lib/auth/same-origin';
import { userFromRequest, type SessionUser } from '@/lib/auth/session';
import { publicUrl } from '@/lib/env';
import { DomainError, RETRY_AFTER_SECONDS, unavailableOf } from '@/lib/errors';
import { localizedErrorMessage } from '@/lib/api/localized-error';
import { DEFAULT_LOCALE, localeOfRequest, type Locale } from '@/lib/i18n/locales';
import { dependencyFailures, log } from '@/lib/log';

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (args: { request: Request; params: P; user: SessionUser }) => Promise<Response>;

/**
 * `{ error: { code, message, ...details } }` with the error's status; `message` in `locale`
 * (lib/api/localized-error.ts: `apiErrors.<code>` with the details), `code` the stable key.
 */
export const jsonError = (error: ApiError, locale: Locale = DEFAULT_LOCALE) =>
  Response.json(
    {
      error: {
        ...(error.details ?? {}),
        code: error.code,
        message: localizedErrorMessage(locale, error.code, error.details, error.message),
      },
    },
    { status: error.status, headers: error.headers },
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
 * (counted in one log line per interval, not logged per request), a request whose client
 * closed the connection a 499 logged at info, anything else a bare 500 with a request id. Messages are in the request's language (the user's saved choice, the
 * locale cookie, Accept-Language: localeOfRequest), so every client shows them as they are.
 */
export const toApiResponse = (error: unknown, request: Request, user: { locale: string | null } | null = null) => {
  const locale = localeOfRequest(request, user);
  if (error instanceof ApiError) return jsonError(error, locale);
  const unavailable = unavailableOf(error);
  if (unavailable) {
    dependencyFailures.note(unavailable.dependency, unavailable.reason);
    const response = jsonError(new ApiError(503, unavailable.code, unavailable.message, unavailable.details), locale);
    response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));

    return response;
  }
  if (error instanceof DomainError)
    return jsonError(new ApiError(STATUS_OF_KIND[error.kind], error.code, error.message, error.details), locale);
  const requestId = randomUUID();
  // The client closed the connection mid-request (an upload cancelled): its body failed, nothing
  // went wrong here, and nobody reads the answer (499, as nginx and the WOPI access log say).
  if (request.signal.aborted) {
    log.info({ requestId, method: request.method, path: new URL(request.url).pathname }, 'API request: client gone');

    return new Response(null, { status: 499 });
  }
  log.error(
    { err: error, requestId, method: request.method, path: new URL(request.url).pathname },
    'unhandled API error',
  );

  const english = `Something went wrong (request ${requestId}).`;

  return Response.json(
    { error: { code: 'internal', message: localizedErrorMessage(locale, 'internal', { requestId }, english) } },
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
const NUL_PLACES = { request_body: 'request body', query_string: 'query string', address: 'address' } as const;
const nulRefused = (where: keyof typeof NUL_PLACES) =>
  new ApiError(
    400,
    'invalid_text',
    `The ${NUL_PLACES[where]} contains the NUL character (U+0000), which no text here may hold.`,
    { where },
  );
const hasNul = (value: unknown, depth = 0): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;

  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || hasNul(item, depth + 1));
};

const crossSiteRequest = (reason: string) =>
  new ApiError(403, 'cross_site_request', `Requests from other sites are refused (${reason}).`, { reason });
const unsupportedMediaType = () =>
  new ApiError(415, 'unsupported_media_type', 'Send this request as Content-Type: application/json.', {
    what: 'json',
  });
const jsonTooLarge = () =>
  new ApiError(413, 'too_large', `The request body is larger than ${JSON_BODY_MAX_BYTES / 1024} KB.`, {
    what: 'body',
    limit: JSON_BODY_MAX_BYTES,
  });
const invalidJson = () => new ApiError(400, 'invalid_json', 'The body is not JSON.');

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

  const text = Buffer.concat(chunks).toString('utf8');
  // An empty body stays the routes' business (most read it as {}); a malformed one is refused.
  if (text.trim() === '') throw new SyntaxError('The request body is empty.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson();
  }
  if (hasNul(value)) throw nulRefused('request_body');

  return value;
};

/**
 * `request.json()` as handlers see it: a body not declared as JSON (an HTML form, even
 * enctype=text/plain, cannot declare it) is refused with 415, one over 64 KB with 413, one that
 * is not JSON with 400 `invalid_json` (an empty one throws as before, unremembered). The
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
 * The JSON body of a route whose body is optional, read before anything is changed: `{}` when
 * nothing was sent (no body, or an empty one); otherwise the guarded `request.json()`, whose
 * refusals (415 not JSON, 413 too large, 400 `invalid_json`, NUL) are thrown, never swallowed —
 * a route that went on with `{}` after a malformed body would act on a request it refuses.
 */
export const jsonBodyOrEmpty = async (request: Request): Promise<unknown> => {
  const hasNoBody =
    !request.headers.has('content-type') &&
    !request.headers.has('transfer-encoding') &&
    (request.headers.get('content-length') ?? '0') === '0';
  if (hasNoBody) return {};
  try {
    return await request.json();
  } catch (error) {
    // readJson's "empty body" (not an ApiError): nothing was sent.
    if (error instanceof SyntaxError) return {};
    throw error;
  }
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
    let user: SessionUser | null = null;
    try {
      const crossSite = SAFE_METHODS.has(request.method) ? null : crossSiteReason(request, { publicUrl: publicUrl() });
      if (crossSite) throw crossSiteRequest(crossSite);
      user = await userFromRequest(request);
      if (!user) throw unauthorized();
      check(user);
      const params = await context.params;
      if (hasNul([...new URL(request.url).searchParams].flat())) throw nulRefused('query_string');
      if (hasNul(params)) throw nulRefused('address');

      const response = await handler({ request, params, user });
      if (guard.refusal) throw guard.refusal;

      return response;
    } catch (error) {
      return toApiResponse(guard.refusal ?? error, request, user);
    }
  };

/** API route for any signed-in user. */
export const withUser = <P = Record<string, never>>(handler: Handler<P>) => withRole<P>(() => {}, handler);

/** API route for admins only: 401 without a session, 403 for other roles. */
export const withAdmin = <P = Record<string, never>>(handler: Handler<P>) =>
  withRole<P>((user) => {
    if (user.role !== 'admin') throw forbidden('Only administrators can do this.', { what: 'admin_only' });
  }, handler);
