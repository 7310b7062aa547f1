import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultWopiRuntime } from '@/lib/server/wopi-runtime';
import { createWopiListener } from '@/lib/server/wopi-http';
import { isWopiPath } from '@/lib/wopi/routes';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The portal's request listener: every path under /wopi goes to the framework-free WOPI core
 * (editors call it constantly, and Next.js routing costs more CPU than a lock change; it also
 * never redirects a /wopi URL with its token), everything else to `other` (Next.js). The
 * integration tests drive this same listener over real HTTP with a 404 for `other`.
 */
export const createPortalListener = ({ origin, other }: { origin: string; other: Listener }): Listener => {
  const wopi = createWopiListener({ runtime: defaultWopiRuntime, origin });

  return (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (isWopiPath(pathname)) wopi(req, res);
    else other(req, res);
  };
};
