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
  (!req.complete && req.readableLength < req.readableHighWaterMark) ||
  res.writableNeedDrain ||
  // Ended with bytes still buffered (a GetFile's last chunks): only the client's reading finishes it.
  (res.writableEnded && !res.writableFinished);

/**
 * Pipelined requests a connection may have waiting before its socket is paused (read again once
 * fewer wait): waiting requests write nothing, so node:http's own pause on unsent answers never
 * comes, and one slow request followed by megabytes of tiny ones queued ~78,000 (+115 MB heap).
 */
const MAX_WAITING = 32;

/** node:http's own flag and parser (`_http_server.js`): what it sets when unsent answers pile up. */
type HttpSocket = Socket & { _paused?: boolean; parser?: { pause: () => void; resume: () => void } | null };

/**
 * Stops reading as node:http itself does for unsent answers (parserOnIncoming): `_paused` makes
 * it pause the parser once the chunk in hand is parsed (onParserExecuteCommon), since the parser
 * reads the socket's handle directly and `socket.pause()` alone does not stop it.
 */
const pauseReading = (socket: HttpSocket) => {
  socket._paused = true;
  socket.pause();
};

/** Reads again (node:http's socketOnDrain does the same when its own pause ends). */
const resumeReading = (socket: HttpSocket) => {
  if (!socket._paused) return;
  socket._paused = false;
  socket.parser?.resume();
  socket.resume();
};

type Exchange = { req: IncomingMessage; res: ServerResponse };
/**
 * A connection's request being answered, the pipelined ones after it, what runs once all are
 * answered, and whether this server paused its socket.
 */
type Connection = { current: Exchange; waiting: Exchange[]; afterLast?: () => void; isPaused: boolean };

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
 * At most MAX_WAITING wait; past that the socket is paused until one more is answered.
 * A head node:http cannot parse after a complete request (`onClientError`, e.g. bytes after a
 * body longer than declared, which are the next request's) is answered after the answers to the
 * requests before it, in request order, never ahead of them; a body cut short by the client's
 * FIN, or a reset connection, is handled at once (a waiting request with such a body is dropped).
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
      if (connection.isPaused && connection.waiting.length < MAX_WAITING) {
        connection.isPaused = false;
        resumeReading(socket);
      }
      if (next && !socket.destroyed) return start(socket, connection, next);
      connections.delete(socket);
      connection.afterLast?.();
    });
    listener(exchange.req, exchange.res);
  };
  const server = createServer({ requestTimeout: 0, headersTimeout: HEADERS_TIMEOUT_MS }, (req, res) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (connection) {
      connection.waiting.push({ req, res });
      if (connection.waiting.length >= MAX_WAITING && !connection.isPaused) {
        connection.isPaused = true;
        pauseReading(socket);
      }

      return;
    }
    const fresh: Connection = { current: { req, res }, waiting: [], isPaused: false };
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
    // A waiting request whose own body broke is never started (it could only wait for bytes that
    // will not come); the answers before it go out first, then the 400.
    const last = connection.waiting.at(-1);
    if (last && !last.req.complete) connection.waiting.pop();
    // Once is enough: node:http may report the same dead parser again as more bytes arrive.
    connection.afterLast ??= () => onClientError(error, socket);
  });

  return server;
};
