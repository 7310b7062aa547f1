import { headers } from 'next/headers';
import { safeCallbackPath } from '@/lib/auth/callback-url';
import { REQUEST_PATH_HEADER } from '@/lib/auth/request-path-header';

// Next.js's own query parameter on client-side navigations (an RSC payload, not a page URL).
const INTERNAL_PARAMS = ['_rsc'];

/**
 * Layouts get no URL from Next.js, so sign-in redirects read the listener's header to send the
 * browser back to the same deep link ("/?folder=Reports").
 * The current request's path and query as a safe callbackUrl (lib/auth/callback-url.ts), or
 * `fallback` when it is not known (a server not behind the portal listener) or not a plain path.
 */
export const currentRequestPath = async (fallback = '/'): Promise<string> => {
  const raw = (await headers()).get(REQUEST_PATH_HEADER);
  if (!raw) return fallback;
  const url = new URL(raw, 'http://portal.invalid');
  for (const name of INTERNAL_PARAMS) url.searchParams.delete(name);
  const path = `${url.pathname}${url.search}`;

  return safeCallbackPath(path) === path ? path : fallback;
};
