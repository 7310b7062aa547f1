import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Node's own default for the request head (http.Server headersTimeout), kept explicitly. */
const HEADERS_TIMEOUT_MS = 60_000;

/**
 * Whether a connection silent for the idle limit is the client's fault: it stopped sending a
 * body the server has room for, or stopped reading an answer the server is writing. A request
 * whose body arrived while the server works (a long copy, a slow dependency, bounded by their
 * own limits) is not cut: the socket's timer fires once per silence, and re-arms on the next byte.
 */
const isClientSilent = (req: IncomingMessage, res: ServerResponse) =>
  (!req.complete && req.readableLength < req.readableHighWaterMark) || res.writableNeedDrain;

/**
 * The node:http server of the process on the port (lib/server/serve.ts; the integration tests'
 * in-process WOPI server too), with its limits on clients:
 * - no limit on a request's total duration (`requestTimeout: 0`): Node's default of 300 s for
 *   receiving a request cut any save slower than 3.6 MB/s per GiB with a 408;
 * - the request head within 60 s (`headersTimeout`, Node's default, set explicitly: without it
 *   Node derives min(60 s, requestTimeout), which 0 would turn off);
 * - `idleTimeoutMs` of silence on a connection whose client is silent (isClientSilent): the
 *   socket is destroyed, which the request sees as the client gone (a save then changes
 *   nothing). Node emits 'timeout' on the socket; with this server's listener it no longer
 *   destroys it by itself (`_http_server.js` socketOnTimeout);
 * - an idle keep-alive connection between requests: closed at once on that timeout (Node's own
 *   `keepAliveTimeout`, 5 s, normally comes first). Upgraded sockets (`npm run dev`'s hot
 *   reload) leave the server's timeout handling.
 * `idleTimeoutMs` is CLIENT_IDLE_TIMEOUT_MS in production (lib/env.ts), in ms.
 */
export const createFrontServer = (listener: RequestListener, { idleTimeoutMs }: { idleTimeoutMs: number }): Server => {
  const inFlight = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS }, (req, res) => {
    const { socket } = req;
    inFlight.set(socket, { req, res });
    res.once('close', () => {
      if (inFlight.get(socket)?.res === res) inFlight.delete(socket);
    });
    listener(req, res);
  });
  server.setTimeout(idleTimeoutMs);
  server.on('timeout', (socket: Socket) => {
    const current = inFlight.get(socket);
    if (!current || isClientSilent(current.req, current.res)) socket.destroy();
  });

  return server;
};
