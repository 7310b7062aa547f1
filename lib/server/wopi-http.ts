import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runWopi, type WopiRuntime, type WopiTrace } from '@/lib/wopi/handler';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { wopiRequestOf } from '@/lib/wopi/request';
import { matchWopiRoute, type WopiRouteMatch } from '@/lib/wopi/routes';
import type { WopiReply } from '@/lib/wopi/types';
import { sendReply } from '@/lib/server/node-bridge';

/**
 * On every /wopi response: bodies are documents or JSON, never something to sniff and render.
 * Lowercase, as responseHead (lib/server/node-bridge.ts) writes a reply's own names: a reply's
 * `Cache-Control` then replaces this one instead of going out as a second header.
 */
const WOPI_RESPONSE_HEADERS = Object.freeze({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
const CLOSING_RESPONSE_HEADERS = Object.freeze({ ...WOPI_RESPONSE_HEADERS, connection: 'close' });

const OVERRIDE_KEY = WOPI_HEADERS.override.toLowerCase();
const CORRELATION_KEY = WOPI_HEADERS.correlationId.toLowerCase();

/** The WOPI operation a request asks for, for the log ("CheckFileInfo", "GetFile", "PutFile", or the override). */
const operationName = (req: IncomingMessage, route: Extract<WopiRouteMatch, { kind: 'operation' }>) => {
  if (req.method === 'GET') return route.name === 'files' ? 'CheckFileInfo' : 'GetFile';
  const override = req.headers[OVERRIDE_KEY];
  const value = (Array.isArray(override) ? override[0] : override)?.toUpperCase().slice(0, 32);
  if (route.name === 'contents') return value === 'PUT' ? 'PutFile' : `contents:${value ?? '-'}`;

  return value ?? '-';
};

/** Unread request bodies up to this size are read and dropped, keeping the connection; larger ones close it. */
const DRAIN_MAX_BYTES = 1024 * 1024;

/**
 * What to do with a body the operation did not read (a 409 before PutFile's body, a 413, a 501):
 * editors keep connections alive, and an unread body would stall the next request on it. Never
 * destroy the request over it before the answer is out (that closes the connection first), and
 * never hand it to Readable.toWeb just to cancel it (that crashes Node 20: nodejs/node#54205).
 */
const leftoverBody = (req: IncomingMessage): 'none' | 'drain' | 'close' => {
  if (req.complete || req.readableEnded) return 'none';
  const declared = Number(req.headers['content-length'] ?? NaN);

  return Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES ? 'drain' : 'close';
};

const discardBody = (req: IncomingMessage, leftover: 'none' | 'drain' | 'close') => {
  if (leftover === 'none' || req.complete) return;
  // A reader that gave up (PUT_USER_INFO past its limit) may still listen: drop the rest instead.
  req.removeAllListeners('data');
  req.on('data', () => {});
  req.on('error', () => {});
  if (leftover === 'drain') req.resume();
  else req.socket?.destroy();
};

/** A reply's afterSend, once; a throw is logged, never turned into a failed (already sent) answer. */
const runAfterSend = (reply: WopiReply, log: WopiRuntime['log'], requestId: string) => {
  try {
    reply.afterSend?.();
  } catch (error) {
    log.error({ requestId, err: error }, 'work after a WOPI answer did not start');
  }
};

const refuse = (res: ServerResponse, status: number, headers: Readonly<Record<string, string>> = {}) => {
  res.writeHead(status, { ...WOPI_RESPONSE_HEADERS, 'Content-Length': '0', ...headers }).end();
};

/** False only for a logger that says so (pino below its level): the line is then not even built. */
const isInfoEnabled = (log: WopiRuntime['log']) => {
  const { isLevelEnabled } = log as { isLevelEnabled?: (level: string) => boolean };

  return typeof isLevelEnabled === 'function' ? isLevelEnabled.call(log, 'info') : true;
};

/**
 * The Node request listener for every path under /wopi: the one route table
 * (lib/wopi/routes.ts) over the framework-free core, on Node's own request and response (no
 * fetch-API objects: lib/wopi/request.ts views `req`, lib/server/node-bridge.ts writes the reply).
 * Used by `npm start`, `npm run dev` and the integration tests, so the tested path is the
 * production path. Never throws, never redirects (a Location would echo the access token), and
 * logs one info line per request: operation, status, duration, bytes, document, user, request
 * id — never the token or the query.
 */
export const createWopiListener =
  ({ runtime }: { runtime: () => WopiRuntime }) =>
  (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const current = runtime();
    const trace: WopiTrace = { requestId: randomUUID() };
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const method = req.method ?? 'GET';
    const route = matchWopiRoute(method, queryAt === -1 ? url : url.slice(0, queryAt));
    const isLogged = isInfoEnabled(current.log);
    const logLine = (fields: Record<string, unknown>) => {
      if (!isLogged) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      current.log.info(
        {
          requestId: trace.requestId,
          method: req.method,
          documentId: route.kind === 'operation' ? route.fileId.slice(0, 64) : undefined,
          userId: trace.userId,
          correlationId: req.headers[CORRELATION_KEY],
          bytesIn: Number(req.headers['content-length'] ?? 0) || undefined,
          ms: Math.round(ms * 10) / 10,
          ...fields,
        },
        'WOPI request',
      );
    };
    if (route.kind !== 'operation') {
      // Drain what the client sends so the connection stays usable, then answer.
      req.resume();
      if (route.kind === 'method-not-allowed') refuse(res, 405, { Allow: route.allow });
      else refuse(res, route.kind === 'bad-request' ? 400 : 404);
      logLine({ operation: route.kind, status: res.statusCode });

      return;
    }
    const request = wopiRequestOf({
      method,
      url,
      headers: req.headers,
      body: method === 'GET' || method === 'HEAD' ? null : req,
    });
    void runWopi(route.operation, request, route.fileId, current, trace)
      .then((reply) => {
        const leftover = leftoverBody(req);

        return sendReply(res, reply, leftover === 'close' ? CLOSING_RESPONSE_HEADERS : WOPI_RESPONSE_HEADERS).finally(
          () => {
            // Sent (or failed to send): background work the answer was not to wait for, first.
            runAfterSend(reply, current.log, trace.requestId);
            discardBody(req, leftover);
          },
        );
      })
      .then(
        (bytesOut) => logLine({ operation: operationName(req, route), status: res.statusCode, bytesOut }),
        (error: unknown) => {
          // The client went away mid-body, or the body stream failed: nothing left to answer.
          if (!res.headersSent) refuse(res, 500, { [WOPI_HEADERS.serverError]: `request ${trace.requestId}` });
          else res.destroy();
          logLine({
            operation: operationName(req, route),
            status: res.headersSent ? res.statusCode : 500,
            aborted: true,
          });
          current.log.warn({ requestId: trace.requestId, err: error }, 'WOPI response not completed');
        },
      );
  };
