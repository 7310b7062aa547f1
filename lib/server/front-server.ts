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

type Exchange = { req: IncomingMessage; res: ServerResponse };
/** A connection's request being answered, the pipelined ones after it, and what runs once all are answered. */
type Connection = { current: Exchange; waiting: Exchange[]; afterLast?: () => void };

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
 * And one request at a time per connection: node:http emits pipelined requests as soon as it
 * has parsed them, so a PutFile and the UNLOCK pipelined after it ran at once and the UNLOCK
 * could win. RFC 9112 §9.3.2 allows parallel processing only for safe methods; `listener` now
 * gets a connection's next request once the previous answer is finished (or its socket closed).
 * A head node:http cannot parse after a complete request (`onClientError`, e.g. bytes after a
 * body longer than declared, which are the next request's) is answered after the answers to the
 * requests before it, in request order, never ahead of them; a body cut short by the client's
 * FIN, or a reset connection, is handled at once.
 * `idleTimeoutMs` is CLIENT_IDLE_TIMEOUT_MS in production (lib/env.ts), in ms.
 */
export const createFrontServer = (
  listener: RequestListener,
  {
    idleTimeoutMs,
    onClientError,
  }: { idleTimeoutMs: number; onClientError: (error: NodeJS.ErrnoException, socket: Socket) => void },
): Server => {
  const connections = new WeakMap<Socket, Connection>();
  const start = (socket: Socket, connection: Connection, exchange: Exchange) => {
    connection.current = exchange;
    exchange.res.once('close', () => {
      const next = connection.waiting.shift();
      if (next && !socket.destroyed) return start(socket, connection, next);
      connections.delete(socket);
      connection.afterLast?.();
    });
    listener(exchange.req, exchange.res);
  };
  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS }, (req, res) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (connection) return void connection.waiting.push({ req, res });
    const fresh: Connection = { current: { req, res }, waiting: [] };
    connections.set(socket, fresh);
    start(socket, fresh, fresh.current);
  });
  server.setTimeout(idleTimeoutMs);
  server.on('timeout', (socket: Socket) => {
    const current = connections.get(socket)?.current;
    if (!current || isClientSilent(current.req, current.res)) socket.destroy();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    socket.on('error', () => {});
    const connection = connections.get(socket);
    // At once when the error is the current request's own (its body cut by the client's FIN: it
    // can never complete, and closing makes node:http abort it, which its operation sees as the
    // client gone), when the connection was reset, or when nothing is being answered on it.
    if (!connection || !connection.current.req.complete || error.code === 'ECONNRESET' || !socket.writable)
      return onClientError(error, socket);
    // Once is enough: node:http may report the same dead parser again as more bytes arrive.
    connection.afterLast ??= () => onClientError(error, socket);
  });

  return server;
};
