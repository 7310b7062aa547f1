import { notFound } from '@/lib/api/errors';
import { toApiResponse } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Any /api path no route serves, with any method: 404 `not_found` as JSON (`what: "api_route"`)
 * in the reader's language, like every other API error — not Next.js's HTML 404 page. More
 * specific routes always win over this catch-all.
 */
const noSuchRoute = (request: Request) =>
  toApiResponse(notFound(`No API route ${new URL(request.url).pathname}.`, { what: 'api_route' }), request);

export const GET = noSuchRoute;
export const HEAD = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
export const OPTIONS = noSuchRoute;
