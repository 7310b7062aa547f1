import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { env, publicUrl } from '@/lib/env';
import {
  addMissingHeaders,
  hasMalformedEscape,
  newNonce,
  pageCsp,
  securityHeaders,
  setPortalRequestHeaders,
} from '@/lib/server/security-headers';
import { defaultWopiRuntime } from '@/lib/server/wopi-runtime';
import { createWopiListener } from '@/lib/server/wopi-http';
import { isWopiPath } from '@/lib/wopi/routes';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The portal's request listener: every path under /wopi goes to the framework-free WOPI core
 * (editors call it constantly, and Next.js routing costs more CPU than a lock change; it also
 * never redirects a /wopi URL with its token), everything else to `other` (in production the
 * proxy to the Next.js process, lib/server/serve.ts), except a request elsewhere whose query
 * carries an access token (`//wopi/…`, `/WOPI/…`, a mistyped path): a bare 404 here, since
 * Next.js would echo the query. Absolute-form targets are read as their origin-form first. The
 * integration tests drive this same listener over real HTTP with a 404 for `other`.
 */
export const createPortalListener = ({ other }: { other: Listener }): Listener => {
  const wopi = createWopiListener({ runtime: defaultWopiRuntime });
  const portal = portalListener(other);

  return (req, res) => {
    const { pathname, query } = readTarget(req);
    if (isWopiPath(pathname)) return wopi(req, res);
    // Next.js would redirect (`//wopi/…`: 308 with the query in Location) or render a 404 page
    // whose payload repeats the query: a token must never come back in a header or a body.
    if (carriesAccessToken(query)) {
      req.resume();
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...NOSNIFF })
        .end('Not Found\n');

      return;
    }
    portal(req, res, pathname);
  };
};

const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;

/**
 * The request target in origin-form (`/path?query`): an absolute-form one
 * (`GET http://host/wopi/files/1?access_token=… HTTP/1.1`, which RFC 9112 §3.2.2 says a server
 * MUST accept) loses its scheme and authority, its path and query kept byte for byte. Any other
 * target is returned as it is.
 */
export const originForm = (target: string) => {
  const authority = ABSOLUTE_FORM.exec(target);
  if (!authority) return target;
  const rest = target.slice(authority[0].length);

  return rest.startsWith('/') ? rest : `/${rest}`;
};

/** Whether a query string names `access_token` (any letter case, percent-encoded or not). */
const carriesAccessToken = (query: string) => {
  for (const name of new URLSearchParams(query).keys()) if (name.toLowerCase() === 'access_token') return true;

  return false;
};

/** Sets `req.url` to its origin-form; its path and query (without the "?", '' when none). */
const readTarget = (req: IncomingMessage) => {
  const target = originForm(req.url ?? '/');
  req.url = target;
  const queryAt = target.indexOf('?');

  return queryAt === -1
    ? { pathname: target, query: '' }
    : { pathname: target.slice(0, queryAt), query: target.slice(queryAt + 1) };
};

/**
 * Everything but /wopi: security headers on every answer (lib/server/security-headers.ts), a
 * fresh CSP nonce and the client address handed to Next.js, and a malformed percent escape in
 * the path answered 400 here (Next.js answered it with a 500).
 */
const portalListener = (other: Listener) => (req: IncomingMessage, res: ServerResponse, pathname: string) => {
  const isHttps = publicUrl().startsWith('https:');
  const isDev = env.NODE_ENV === 'development';
  const nonce = newNonce();
  addMissingHeaders(res, securityHeaders({ pathname, nonce, isDev, isHttps }));
  if (hasMalformedEscape(pathname)) {
    req.resume();
    res
      .writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      .end('Bad Request\n');

    return;
  }
  setPortalRequestHeaders(req, { csp: pageCsp({ nonce, isDev, isHttps }), trustProxy: env.TRUST_PROXY });
  other(req, res);
};

const REFUSED_UPGRADE = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * HTTP upgrades (only `npm run dev` listens for them: Next.js's hot-reload WebSocket): the same
 * checks and request headers as any portal request, then `upgrade`. /wopi has no upgrades.
 */
export const createPortalUpgradeListener =
  ({ upgrade }: { upgrade: UpgradeListener }): UpgradeListener =>
  (req, socket, head) => {
    const { pathname, query } = readTarget(req);
    if (isWopiPath(pathname) || hasMalformedEscape(pathname) || carriesAccessToken(query)) {
      socket.on('error', () => {});
      socket.end(REFUSED_UPGRADE);

      return;
    }
    const nonce = newNonce();
    const csp = pageCsp({ nonce, isDev: env.NODE_ENV === 'development', isHttps: publicUrl().startsWith('https:') });
    setPortalRequestHeaders(req, { csp, trustProxy: env.TRUST_PROXY });
    upgrade(req, socket, head);
  };
