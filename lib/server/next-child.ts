import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { NEXT_READY_MESSAGE } from '@/lib/server/next-process';

/** Requests come from the portal listener, which adds a page policy and the client address. */
const MAX_HEADER_BYTES = 64 * 1024;
/** Longer than the front's idle timeout for kept-alive connections (lib/server/portal-proxy.ts). */
const KEEP_ALIVE_MS = 65_000;
const STOP_TIMEOUT_MS = 8_000;

/**
 * The Next.js process (started by lib/server/next-process.ts): Next.js on a Unix socket, only
 * reachable through the process that owns the port. `next` is imported here, at run time, and
 * nowhere else in the server program, so the WOPI process never loads it. Ctrl-C (SIGINT to the
 * whole process group) is left to that process, which stops this one in order with SIGTERM; it
 * also exits when that process is gone (its IPC channel closes).
 */
export const serveNextChild = async ({
  dir,
  dev,
  hostname,
  port,
  socketPath,
}: {
  dir: string;
  dev: boolean;
  hostname: string;
  port: number;
  socketPath: string;
}) => {
  process.on('SIGINT', () => {});
  const { default: next } = await import('next');
  const app = next({ dev, dir, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const handleUpgrade = app.getUpgradeHandler();
  // No request timeout: the front's server has one, and a slow upload must not be cut here first.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 0 }, (req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Also upgraded ones (hot reload), which node:http stops tracking.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Next.js adds its own upgrade listener on its first request; until then, this one forwards to it.
  server.on('upgrade', (req, socket, head) => {
    if (server.listenerCount('upgrade') === 1) void handleUpgrade(req, socket, head);
  });
  rmSync(socketPath, { force: true }); // left behind by a child that crashed
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });

  let isStopping = false;
  const stop = () => {
    if (isStopping) return;
    isStopping = true;
    setTimeout(() => process.exit(0), STOP_TIMEOUT_MS).unref();
    server.close(() => void app.close().finally(() => process.exit(0)));
    // Asked to stop once the WOPI process has finished (or lost) every request it sent here.
    for (const socket of sockets) socket.destroy();
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', () => {
    // The parent is gone without stopping us: nobody else will remove the socket's directory.
    process.once('exit', () => rmSync(path.dirname(socketPath), { recursive: true, force: true }));
    stop();
  });
  process.send?.({ type: NEXT_READY_MESSAGE });
};
