import { randomUUID } from 'node:crypto';
import { ApiError, forbidden, unauthorized } from '@/lib/api/errors';
import { userFromRequest, type SessionUser } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { log } from '@/lib/log';

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
};

/**
 * Maps a throw to a response: ApiError as it says, a DomainError by its kind (400/403/404/409/
 * 413 with its code, message and details), anything else a bare 500 with a request id.
 */
export const toApiResponse = (error: unknown, request: Request) => {
  if (error instanceof ApiError) return jsonError(error);
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

const withRole =
  <P>(check: (user: SessionUser) => void, handler: Handler<P>) =>
  async (request: Request, context: RouteContext<P>) => {
    try {
      const user = await userFromRequest(request);
      if (!user) throw unauthorized();
      check(user);

      return await handler({ request, params: await context.params, user });
    } catch (error) {
      return toApiResponse(error, request);
    }
  };

/** API route for any signed-in user. */
export const withUser = <P = Record<string, never>>(handler: Handler<P>) => withRole<P>(() => {}, handler);

/** API route for admins only: 401 without a session, 403 for other roles. */
export const withAdmin = <P = Record<string, never>>(handler: Handler<P>) =>
  withRole<P>((user) => {
    if (user.role !== 'admin') throw forbidden('Only administrators can do this.');
  }, handler);
