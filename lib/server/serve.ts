import type { Server } from 'node:http';
import { env } from '@/lib/env';
import { createFrontServer } from '@/lib/server/front-server';
import { onClientError } from '@/lib/server/api-errors';
import { createPortalListener, createPortalUpgradeListener } from '@/lib/server/portal-listener';
import { createPortalProxy } from '@/lib/server/portal-proxy';
import { startNextProcess } from '@/lib/server/next-process';

/** How long a portal request waits for Next.js while it starts or restarts (development compiles first). */
const READY_WAIT_MS = { dev: 120_000, production: 30_000 };
/**
 * A stop lets requests under way finish for this long, then closes their connections: a hung
 * one must not keep this process (and Next.js) alive. scripts/start.ts kills it after 15 s.
 */
const STOP_GRACE_MS = 8_000;

export type PortalServer = {
  server: Server;
  /** Stops listening, lets requests under way finish, then stops Next.js. */
  close: () => Promise<void>;
};

/**
 * The HTTP server `npm start` (and, with `dev`, `npm run dev`) runs. This process owns the port
 * and serves /wopi itself; it never loads Next.js, whose process-wide hooks (async-context
 * tracking on every promise, a patched `Date`) cost the small WOPI requests ~20 % more CPU when
 * they shared a process. Every other path goes to Next.js in a child process
 * (lib/server/next-process.ts) over a Unix socket (lib/server/portal-proxy.ts), after the
 * portal listener's checks and headers. `childCommand` runs this server program again as that
 * child (scripts/serve.ts). Resolves once both listen.
 */
export const serve = async ({
  dir,
  hostname,
  port,
  dev = false,
  childCommand,
  log,
}: {
  dir: string;
  hostname: string;
  port: number;
  dev?: boolean;
  childCommand: string[];
  log: (line: string) => void;
}): Promise<PortalServer> => {
  const next = startNextProcess({ command: childCommand, cwd: dir, dev, log });
  const proxy = createPortalProxy({
    upstream: next,
    readyTimeoutMs: dev ? READY_WAIT_MS.dev : READY_WAIT_MS.production,
  });
  // A request node:http refuses before any listener (a head over its size limit, bytes that are
  // not HTTP) gets the API's JSON error instead of a bare status line.
  const server = createFrontServer(createPortalListener({ other: proxy.forward }), {
    idleTimeoutMs: env.CLIENT_IDLE_TIMEOUT_MS,
    onClientError,
  });
  // Next.js's development server talks to the browser over a WebSocket (hot reload). Production
  // has no upgrades: without a listener, node:http serves such requests as ordinary ones.
  if (dev) server.on('upgrade', createPortalUpgradeListener({ upgrade: proxy.upgrade }));
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });
  const failed = (await Promise.allSettled([listening, next.started])).find((result) => result.status === 'rejected');
  if (failed) {
    if (server.listening) server.close();
    await next.stop();
    proxy.close();
    throw failed.reason;
  }

  return {
    server,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      proxy.closeTunnels();
      const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      await closed;
      clearTimeout(force);
      proxy.close();
      await next.stop();
    },
  };
};
