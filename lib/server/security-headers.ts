import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_ADDRESS_HEADER, clientAddressOf } from '@/lib/auth/client-address';
import { REQUEST_PATH_HEADER } from '@/lib/auth/request-path-header';

/** 128 random bits per request: Next.js copies it into every script it renders (app router). */
export const newNonce = () => randomBytes(16).toString('base64');

/**
 * The pages' policy. Scripts: only those carrying this request's nonce, and what they load
 * ('strict-dynamic'; the app router adds chunks at run time); development adds 'unsafe-eval'
 * (React's debugging). Styles allow inline because React renders `style` attributes
 * (Nextcloud and oCIS allow inline styles too). Framing only by the portal itself.
 */
export const pageCsp = ({ nonce, isDev, isHttps }: { nonce: string; isDev: boolean; isHttps: boolean }) =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    ...(isHttps ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

/** JSON and downloads render nothing: nothing may load, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** JSON APIs and downloads; next-auth's own pages (/api/auth/error, /api/auth/signout) are pages. */
const isApiPath = (pathname: string) => pathname.startsWith('/api/') && !pathname.startsWith('/api/auth/');

/**
 * Every portal answer's security headers (not /wopi: the WOPI core sets its own), what
 * Nextcloud and oCIS send: CSP, X-Frame-Options SAMEORIGIN, nosniff, no Referer (links in
 * folder listings carry folder names), no powerful features, no Flash/PDF cross-domain policy,
 * no indexing, and HSTS when the public URL is https.
 */
export const securityHeaders = ({
  pathname,
  nonce,
  isDev,
  isHttps,
}: {
  pathname: string;
  nonce: string;
  isDev: boolean;
  isHttps: boolean;
}): Record<string, string> => ({
  'Content-Security-Policy': isApiPath(pathname) ? API_CSP : pageCsp({ nonce, isDev, isHttps }),
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-Robots-Tag': 'noindex, nofollow',
  ...(isHttps ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
});

/**
 * Adds `headers` to the response when its head is written, each only if the route did not set
 * it: a route's own policy wins (the host page's CSP with its editor frame-src). Next.js would
 * keep a header set before it runs instead of its route's, so they are added last, here.
 */
export const addMissingHeaders = (res: ServerResponse, headers: Record<string, string>) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  const withHeaders = (...args: unknown[]) => {
    for (const [name, value] of Object.entries(headers)) if (!res.hasHeader(name)) res.setHeader(name, value);

    return writeHead(...args);
  };
  res.writeHead = withHeaders;
};

/**
 * Request headers Next.js reads: the page policy (the app router takes its nonce from the
 * request's Content-Security-Policy), the client address for the sign-in limit, and the path
 * asked for (sign-in redirects come back to it, lib/auth/return-path.ts). Whatever
 * the client sent under these names is dropped.
 */
export const setPortalRequestHeaders = (
  req: IncomingMessage,
  { csp, trustProxy }: { csp: string; trustProxy: number },
) => {
  delete req.headers['content-security-policy-report-only'];
  req.headers['content-security-policy'] = csp;
  const address = clientAddressOf({
    remoteAddress: req.socket.remoteAddress,
    forwardedFor: req.headers['x-forwarded-for'],
    trustProxy,
  });
  if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
  else delete req.headers[CLIENT_ADDRESS_HEADER];
  req.headers[REQUEST_PATH_HEADER] = req.url ?? '/';
};

/** True when a path segment has a malformed percent escape or is not UTF-8 ("%C0%AE", "%E0%A4%A", "%"). */
export const hasMalformedEscape = (pathname: string) =>
  pathname.split('/').some((segment) => {
    try {
      decodeURIComponent(segment);

      return false;
    } catch {
      return true;
    }
  });
