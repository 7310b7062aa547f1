import {
  Agent,
  request,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DECLARED_LENGTH_HEADER } from '@/lib/api/declared-length';
import { isApiPath, methodNotAllowedAnswer } from '@/lib/server/api-errors';

/** Where portal requests go: a Unix socket that a Next.js process listens on once it is ready. */
export type Upstream = {
  socketPath: string;
  isReady: () => boolean;
  /** Resolves when the process is ready (again); rejects after `timeoutMs` or when it is being stopped. */
  whenReady: (timeoutMs: number) => Promise<void>;
};

/**
 * Headers about one connection, not the message (RFC 9110 §7.6.1), and what this hop answers
 * itself: `Expect` (node:http has sent the 100 Continue), `HTTP2-Settings` (no h2c here).
 * Headers a client names in `Connection` are passed on: Next.js saw them when it shared the
 * process, and a client must not be able to strip what the portal listener set.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'http2-settings',
]);

/** Unread request bodies up to this size are drained after an early answer, keeping the connection. */
const DRAIN_MAX_BYTES = 1024 * 1024;
/** Idle keep-alive connections to Next.js close after this (its server keeps them longer: no reuse race). */
export const UPSTREAM_IDLE_MS = 30_000;
/** Next.js's answer heads: its own session cookies and preload links, never a client's; generous. */
const MAX_RESPONSE_HEADER_BYTES = 256 * 1024;

/**
 * The request's end-to-end headers, as node:http parsed them (and the portal listener set them).
 * `Transfer-Encoding` stays: node:http's client frames the body as it says (chunked again);
 * without it, a GET or DELETE body would go unframed and read as the next request.
 */
export const forwardedRequestHeaders = (headers: IncomingHttpHeaders): OutgoingHttpHeaders => {
  const forwarded: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) forwarded[name] = value;
  if (headers['transfer-encoding'] !== undefined) forwarded['transfer-encoding'] = headers['transfer-encoding'];

  return forwarded;
};

/** The answer's end-to-end headers, each name once with all its values, in the order sent. */
export const forwardedResponseHeaders = (rawHeaders: string[]) => {
  const headers = new Map<string, { name: string; values: string[] }>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const key = rawHeaders[index]!.toLowerCase();
    if (HOP_BY_HOP.has(key)) continue;
    const entry = headers.get(key) ?? { name: rawHeaders[index]!, values: [] };
    entry.values.push(rawHeaders[index + 1]!);
    headers.set(key, entry);
  }

  return [...headers.values()];
};

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * What to do with a body still arriving once the answer is settled (an early 413, a 502): a
 * small declared one is read and dropped (the connection stays usable), anything else closes
 * the connection after the answer.
 */
const leftoverOf = (req: IncomingMessage): 'none' | 'drain' | 'close' => {
  if (req.complete || !hasBody(req)) return 'none';
  const declared = Number(req.headers['content-length'] ?? NaN);

  return Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES ? 'drain' : 'close';
};

const discardBody = (req: IncomingMessage, to?: ClientRequest) => {
  if (to) req.unpipe(to);
  req.on('error', () => {});
  req.resume();
};

const answer = (req: IncomingMessage, res: ServerResponse, status: number, text: string, extra = {}) => {
  if (res.headersSent || res.destroyed) return void res.destroy();
  const leftover = leftoverOf(req);
  res
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      ...(leftover === 'close' ? { Connection: 'close' } : {}),
      ...extra,
    })
    .end(text);
  discardBody(req);
};

const headLines = (statusCode: number, statusMessage: string, headers: { name: string; values: string[] }[]) =>
  [
    `HTTP/1.1 ${statusCode} ${statusMessage}`,
    ...headers.flatMap(({ name, values }) => values.map((value) => `${name}: ${value}`)),
    '',
    '',
  ].join('\r\n');

/**
 * Forwards portal requests (everything but /wopi) to Next.js in its own process over a Unix
 * socket: method, path, end-to-end headers and body streamed in, status, headers and body
 * streamed back, backpressure both ways (pipe). Requests that arrive while Next.js is starting
 * or restarting wait for it (up to `readyTimeoutMs`, then 503). A client that goes away aborts
 * the upstream request; an upstream that fails answers 502, or cuts the answer short.
 */
export const createPortalProxy = ({ upstream, readyTimeoutMs }: { upstream: Upstream; readyTimeoutMs: number }) => {
  const agent = new Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_MS });

  /** The methods the route of `req`'s path serves, as Next.js's OPTIONS answer lists them; null if it says none. */
  const allowOf = (req: IncomingMessage) =>
    new Promise<string | null>((resolve) => {
      const {
        'content-length': _length,
        'content-type': _type,
        'transfer-encoding': _encoding,
        ...headers
      } = forwardedRequestHeaders(req.headers);
      const probe = request({
        socketPath: upstream.socketPath,
        agent,
        method: 'OPTIONS',
        path: req.url,
        headers,
        setHost: false,
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      });
      probe.once('response', (answer) => {
        answer.resume();
        const allow = answer.headers.allow;
        resolve(answer.statusCode === 204 && typeof allow === 'string' && allow !== '' ? allow : null);
      });
      probe.on('error', () => resolve(null));
      probe.end();
    });

  /**
   * Next.js answers a method an API route does not export with a bare 405 (no body, no Allow):
   * here it becomes the API's JSON error with the route's methods as Allow, for every /api route
   * at once (lib/server/api-errors.ts). /wopi never comes through this proxy.
   */
  const methodNotAllowed = (req: IncomingMessage, res: ServerResponse, to: ClientRequest, from: IncomingMessage) => {
    const leftover = leftoverOf(req);
    from.once('end', () => {
      if (req.complete) return;
      to.destroy();
      discardBody(req, to);
    });
    from.on('error', () => {});
    from.resume();
    void allowOf(req).then((allow) => {
      if (res.headersSent || res.destroyed) return;
      const answer = methodNotAllowedAnswer({ method: req.method ?? 'GET', allow, headers: req.headers });
      res
        .writeHead(answer.status, { ...answer.headers, ...(leftover === 'close' ? { Connection: 'close' } : {}) })
        .end(answer.body);
    });
  };

  const relay = (req: IncomingMessage, res: ServerResponse, to: ClientRequest, from: IncomingMessage) => {
    if (res.destroyed) return void to.destroy();
    // Only Next.js's own bare 405: a route that answers 405 itself keeps its answer.
    if (from.statusCode === 405 && from.headers['content-type'] === undefined && isApiPath(req.url))
      return methodNotAllowed(req, res, to, from);
    const leftover = leftoverOf(req);
    res.statusMessage = from.statusMessage ?? '';
    for (const { name, values } of forwardedResponseHeaders(from.rawHeaders))
      res.setHeader(name, values.length === 1 ? values[0]! : values);
    // The length a route declared, which Next.js took off (lib/api/declared-length.ts): sent
    // with Content-Length, the body is not chunked, and a short one reads as cut off. Not when
    // something compressed the body on the way (the declared length is of the bytes before).
    const declared = from.headers[DECLARED_LENGTH_HEADER];
    res.removeHeader(DECLARED_LENGTH_HEADER);
    if (
      typeof declared === 'string' &&
      /^\d+$/.test(declared) &&
      from.headers['content-length'] === undefined &&
      from.headers['content-encoding'] === undefined
    )
      res.setHeader('Content-Length', declared);
    if (leftover === 'close') res.setHeader('Connection', 'close');
    // The portal listener adds its security headers in writeHead.
    res.writeHead(from.statusCode ?? 502);
    from.on('error', () => res.destroy());
    from.once('close', () => {
      if (!from.complete) res.destroy();
    });
    from.once('end', () => {
      if (req.complete) return;
      // Answered before the body was read (an early 413): stop sending it on.
      to.destroy();
      discardBody(req, to);
    });
    from.pipe(res);
  };

  const send = (req: IncomingMessage, res: ServerResponse, mayRetry: boolean) => {
    if (res.destroyed || req.destroyed) return;
    const withBody = hasBody(req);
    let to: ClientRequest;
    try {
      to = request({
        socketPath: upstream.socketPath,
        agent,
        method: req.method,
        path: req.url,
        headers: forwardedRequestHeaders(req.headers),
        setHost: false,
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      });
    } catch {
      // A path node:http's client refuses (ERR_UNESCAPED_CHARACTERS) is not a request we serve.
      return answer(req, res, 400, 'Bad Request\n');
    }
    const onClientGone = () => {
      if (!res.writableFinished) to.destroy();
    };
    res.once('close', onClientGone);
    to.once('response', (from) => relay(req, res, to, from));
    to.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        if (!res.writableEnded) res.destroy();

        return;
      }
      // Next.js closed an idle kept-alive connection just as we reused it: once more, on a new one.
      if (mayRetry && !withBody && to.reusedSocket && error.code === 'ECONNRESET') {
        res.off('close', onClientGone);

        return send(req, res, false);
      }
      if (withBody) req.unpipe(to);
      answer(req, res, 502, 'Bad Gateway: the portal did not answer.\n');
    });
    if (withBody) req.pipe(to);
    else to.end();
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (upstream.isReady()) return send(req, res, true);
    upstream.whenReady(readyTimeoutMs).then(
      // A client that left while the portal started is not forwarded: its closed answer would
      // never tell the upstream request to stop, and a body piped from a destroyed request never ends.
      () => (req.socket.destroyed ? undefined : send(req, res, true)),
      () =>
        answer(req, res, 503, 'The portal is starting or restarting; try again in a moment.\n', { 'Retry-After': '5' }),
    );
  };

  /** Upgraded (or upgrading) client connections: node:http no longer tracks them, so close() ends them. */
  const tunnels = new Set<Duplex>();

  /** An HTTP upgrade (Next.js's development WebSocket): the handshake forwarded, then bytes both ways. */
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    // The client gave up before the handshake was answered (Next.js leaves unknown upgrades
    // unanswered): node:http keeps such sockets half-open, which would hold a stop forever.
    const onEndBeforeHandshake = () => socket.destroy();
    socket.once('end', onEndBeforeHandshake);
    const connect = () => {
      if (socket.destroyed) return;
      const to = request({
        socketPath: upstream.socketPath,
        agent: false,
        method: req.method,
        path: req.url,
        headers: { ...forwardedRequestHeaders(req.headers), connection: 'Upgrade', upgrade: req.headers.upgrade },
        setHost: false,
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      });
      socket.once('close', () => to.destroy());
      to.on('error', () => socket.destroy());
      to.once('upgrade', (from, tunnel: Socket, tunnelHead: Buffer) => {
        socket.off('end', onEndBeforeHandshake);
        tunnel.on('error', () => socket.destroy());
        socket.write(headLines(101, from.statusMessage ?? 'Switching Protocols', groupedRaw(from.rawHeaders)));
        if (tunnelHead.length > 0) socket.write(tunnelHead);
        if (head.length > 0) tunnel.write(head);
        tunnel.pipe(socket).pipe(tunnel);
        tunnel.once('close', () => socket.destroy());
        socket.once('close', () => tunnel.destroy());
      });
      to.once('response', (from) => {
        // Refused: its answer, then the connection closes (the body is close-delimited).
        const headers = forwardedResponseHeaders(from.rawHeaders).filter(({ name }) => !/^content-length$/i.test(name));
        socket.write(
          headLines(from.statusCode ?? 502, from.statusMessage ?? '', [
            ...headers,
            { name: 'Connection', values: ['close'] },
          ]),
        );
        from.on('error', () => socket.destroy());
        from.pipe(socket);
      });
      to.end();
    };
    if (upstream.isReady()) return connect();
    upstream
      .whenReady(readyTimeoutMs)
      .then(connect, () =>
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'),
      );
  };

  return {
    forward,
    upgrade,
    /** Ends upgraded connections (hot reload: nothing to finish on a stop). */
    closeTunnels: () => {
      for (const socket of tunnels) socket.destroy();
    },
    /** Ends every connection to Next.js, also those under way. */
    close: () => {
      for (const socket of tunnels) socket.destroy();
      agent.destroy();
    },
  };
};

/** All raw headers, grouped by name (the 101 keeps Connection and Upgrade: they are the handshake). */
const groupedRaw = (rawHeaders: string[]) => {
  const headers: { name: string; values: string[] }[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2)
    headers.push({ name: rawHeaders[index]!, values: [rawHeaders[index + 1]!] });

  return headers;
};
