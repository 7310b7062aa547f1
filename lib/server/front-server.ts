import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The node:http server of the process on the port (lib/server/serve.ts; the integration tests'
 * in-process WOPI server too), with its limits on clients:
 * - no limit on a request's total duration (`requestTimeout: 0`): Node's default cut every
 *   request at 300 s with a 408, so a 1 GiB save needed 3.6 MB/s to survive and one at the 2 GiB
 *   MAX_UPLOAD_BYTES default 7.2 MB/s;
 * - `idleTimeoutMs` of silence on a connection with a request under way (a client that stops
 *   sending mid-body, or stops reading its answer): the socket is destroyed, which the request
 *   sees as the client gone (a save then changes nothing). Node emits 'timeout' on the socket
 *   and, with no listener on the request, response or server, destroys it (`_http_server.js`
 *   socketOnTimeout);
 * - the request head within Node's `headersTimeout` (60 s), and an idle keep-alive connection
 *   closed after Node's `keepAliveTimeout` (5 s), both as Node sets them.
 * `idleTimeoutMs` is CLIENT_IDLE_TIMEOUT_MS in production (lib/env.ts), in ms.
 */
export const createFrontServer = (listener: RequestListener, { idleTimeoutMs }: { idleTimeoutMs: number }): Server => {
  const server = createServer({ requestTimeout: 0 }, listener);
  server.setTimeout(idleTimeoutMs);

  return server;
};
