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
 * proxy to the Next.js process, lib/server/serve.ts). The integration tests drive this same
 * listener over real HTTP with a 404 for `other`.
 */
export const createPortalListener = ({ other }: { other: Listener }): Listener => {
  const wopi = createWopiListener({ runtime: defaultWopiRuntime });
  const portal = portalListener(other);

  return (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (isWopiPath(pathname)) wopi(req, res);
    else portal(req, res, pathname);
  };
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
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (isWopiPath(pathname) || hasMalformedEscape(pathname)) {
      socket.on('error', () => {});
      socket.end(REFUSED_UPGRADE);

      return;
    }
    const nonce = newNonce();
    const csp = pageCsp({ nonce, isDev: env.NODE_ENV === 'development', isHttps: publicUrl().startsWith('https:') });
    setPortalRequestHeaders(req, { csp, trustProxy: env.TRUST_PROXY });
    upgrade(req, socket, head);
  };
