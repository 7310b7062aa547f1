import { NextRequest } from 'next/server';
import { ApiError } from '@/lib/api/errors';
import { jsonError } from '@/lib/api/handler';
import { crossSiteReason } from '@/lib/auth/same-origin';
import { publicUrl } from '@/lib/env';
import { localeOfRequest } from '@/lib/i18n/locales';

type RouteHandler = (request: Request, context: unknown) => Promise<Response>;

// next-auth's forms (sign-in, sign-out) are a few hundred bytes.
const BODY_MAX_BYTES = 16 * 1024;
const FORM_OR_JSON = /^application\/(?:x-www-form-urlencoded|json)\s*(?:;|$)/i;

/** The body, or null once it passes `limit` (the rest is read and dropped: cancelling would reset the connection). */
const readLimited = async (request: Request, limit: number) => {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > limit) {
      const drain = (): Promise<void> => reader.read().then((next) => (next.done ? undefined : drain()));
      drain().catch(() => {});

      return null;
    }
    chunks.push(value);
  }
};

const refusal = async (request: Request): Promise<ApiError | NextRequest> => {
  const crossSite = crossSiteReason(request, { publicUrl: publicUrl() });
  if (crossSite)
    return new ApiError(403, 'cross_site_request', `Requests from other sites are refused (${crossSite}).`, {
      reason: crossSite,
    });
  const type = request.headers.get('content-type') ?? '';
  if (!FORM_OR_JSON.test(type))
    return new ApiError(415, 'unsupported_media_type', 'Send a form or JSON.', { what: 'form' });
  const tooLarge = new ApiError(413, 'too_large', `The request body is larger than ${BODY_MAX_BYTES / 1024} KB.`, {
    what: 'body',
    limit: BODY_MAX_BYTES,
  });
  if (Number(request.headers.get('content-length') ?? 0) > BODY_MAX_BYTES) return tooLarge;
  const body = await readLimited(request, BODY_MAX_BYTES);
  if (!body) return tooLarge;
  if (type.toLowerCase().startsWith('application/json')) {
    try {
      JSON.parse(Buffer.from(body).toString('utf8') || 'null');
    } catch {
      return new ApiError(400, 'invalid_json', 'The body is not JSON.');
    }
  }

  return new NextRequest(request.url, { method: 'POST', headers: request.headers, body });
};

/**
 * next-auth's route with the portal's checks in front of its POSTs (sign-in, sign-out, session
 * update): cross-site requests are refused (403, on top of next-auth's own CSRF token), only
 * forms or JSON up to 16 KB reach it (415/413), and malformed JSON is a 400, not a 500.
 */
export const guardNextAuth =
  (handler: RouteHandler): RouteHandler =>
  async (request, context) => {
    if (request.method !== 'POST') return handler(request, context);
    const checked = await refusal(request);

    return checked instanceof ApiError ? jsonError(checked, localeOfRequest(request, null)) : handler(checked, context);
  };
