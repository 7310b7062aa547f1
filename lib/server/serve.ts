import { createServer } from 'node:http';
import next from 'next';
import { createPortalListener } from '@/lib/server/portal-listener';

/** The HTTP server `npm start` (and, with `dev`, `npm run dev`) runs: Next.js plus the WOPI core. */
export const serve = async ({
  dir,
  hostname,
  port,
  dev = false,
}: {
  dir: string;
  hostname: string;
  port: number;
  dev?: boolean;
}) => {
  const app = next({ dev, dir, hostname, port });
  const handleNext = app.getRequestHandler();
  await app.prepare();
  const server = createServer(
    createPortalListener({ origin: `http://${hostname}:${port}`, other: (req, res) => void handleNext(req, res) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });

  return server;
};
