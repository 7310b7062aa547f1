import { createServer } from 'node:http';
import next from 'next';
import { log } from '@/lib/log';
import { sendWebResponse, toWebRequest } from '@/lib/server/node-bridge';
import { handleWopi } from '@/lib/wopi/handler';
import { matchWopiRoute } from '@/lib/wopi/routes';
import { defaultWopiRuntime } from '@/lib/wopi/runtime';

/**
 * The production HTTP server: /wopi requests go straight to the framework-free WOPI core
 * (editors call it constantly, and Next.js routing costs more CPU than a lock change), every
 * other request to Next.js in the same process. `next dev` and `next start` still serve /wopi
 * through the app/wopi route files, with the same operations.
 */
export const serve = async ({ dir, hostname, port }: { dir: string; hostname: string; port: number }) => {
  const app = next({ dev: false, dir, hostname, port });
  const handleNext = app.getRequestHandler();
  await app.prepare();
  const origin = `http://${hostname}:${port}`;

  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    const route = pathname.startsWith('/wopi/') ? matchWopiRoute(req.method ?? 'GET', pathname) : null;
    if (!route) {
      void handleNext(req, res);

      return;
    }
    void handleWopi(route.operation, toWebRequest(req, origin), route.fileId, defaultWopiRuntime())
      .then((response) => sendWebResponse(res, response))
      .catch((error: unknown) => {
        log.error({ err: error, path: pathname }, 'WOPI response failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });

  return server;
};
