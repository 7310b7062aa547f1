import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleWopi, type WopiRuntime, type WopiTrace } from '@/lib/wopi/handler';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { matchWopiRoute, type WopiRouteMatch } from '@/lib/wopi/routes';
import { sendWebResponse, toWebRequest } from '@/lib/server/node-bridge';

/** On every /wopi response: bodies are documents or JSON, never something to sniff and render. */
const WOPI_RESPONSE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };

/** The WOPI operation a request asks for, for the log ("CheckFileInfo", "GetFile", "PutFile", or the override). */
const operationName = (req: IncomingMessage, route: Extract<WopiRouteMatch, { kind: 'operation' }>) => {
  if (req.method === 'GET') return route.name === 'files' ? 'CheckFileInfo' : 'GetFile';
  const override = req.headers[WOPI_HEADERS.override.toLowerCase()];
  const value = (Array.isArray(override) ? override[0] : override)?.toUpperCase().slice(0, 32);
  if (route.name === 'contents') return value === 'PUT' ? 'PutFile' : `contents:${value ?? '-'}`;

  return value ?? '-';
};

/** Unread request bodies up to this size are read and dropped, keeping the connection; larger ones close it. */
const DRAIN_MAX_BYTES = 1024 * 1024;

/**
 * What to do with a body the operation did not read (a 409 before PutFile's body, a 413, a 501):
 * editors keep connections alive, and an unread body would stall the next request on it. Never
 * cancel the web stream over it (that crashes Node 20: nodejs/node#54205).
 */
const leftoverBody = (req: IncomingMessage): 'none' | 'drain' | 'close' => {
  if (req.complete || req.readableEnded) return 'none';
  const declared = Number(req.headers['content-length'] ?? NaN);

  return Number.isFinite(declared) && declared <= DRAIN_MAX_BYTES ? 'drain' : 'close';
};

const discardBody = (req: IncomingMessage, leftover: 'none' | 'drain' | 'close') => {
  if (leftover === 'none' || req.complete) return;
  // Readable.toWeb's listener would queue the rest into a stream nobody reads: drop it instead.
  req.removeAllListeners('data');
  req.on('data', () => {});
  req.on('error', () => {});
  if (leftover === 'drain') req.resume();
  else req.socket?.destroy();
};

const refuse = (res: ServerResponse, status: number, headers: Record<string, string> = {}) => {
  res.writeHead(status, { ...WOPI_RESPONSE_HEADERS, 'Content-Length': '0', ...headers }).end();
};

/**
 * The Node request listener for every path under /wopi: the one route table
 * (lib/wopi/routes.ts) over the framework-free core. Used by `npm start`, `npm run dev` and the
 * integration tests, so the tested path is the production path. Never throws, never redirects
 * (a Location would echo the access token), and logs one info line per request: operation,
 * status, duration, bytes, document, user, request id — never the token or the query.
 * `origin` is this server's own origin (for the fetch-API Request; proofs use PUBLIC_URL).
 */
export const createWopiListener =
  ({ runtime, origin }: { runtime: () => WopiRuntime; origin: string }) =>
  (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const current = runtime();
    const trace: WopiTrace = { requestId: randomUUID() };
    const path = (req.url ?? '/').split('?')[0]!;
    const route = matchWopiRoute(req.method ?? 'GET', path);
    const logLine = (fields: Record<string, unknown>) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      current.log.info(
        {
          requestId: trace.requestId,
          method: req.method,
          documentId: route.kind === 'operation' ? route.fileId.slice(0, 64) : undefined,
          userId: trace.userId,
          correlationId: req.headers['x-wopi-correlationid'],
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
    const operation = operationName(req, route);
    let request: Request;
    try {
      request = toWebRequest(req, origin);
    } catch {
      req.resume();
      refuse(res, 400);
      logLine({ operation, status: 400 });

      return;
    }
    void handleWopi(route.operation, request, route.fileId, current, trace)
      .then((response) => {
        const leftover = leftoverBody(req);

        return sendWebResponse(res, response, {
          ...WOPI_RESPONSE_HEADERS,
          ...(leftover === 'close' ? { Connection: 'close' } : {}),
        }).finally(() => discardBody(req, leftover));
      })
      .then(
        (bytesOut) => logLine({ operation, status: res.statusCode, bytesOut }),
        (error: unknown) => {
          // The client went away mid-body, or the body stream failed: nothing left to answer.
          if (!res.headersSent) refuse(res, 500, { [WOPI_HEADERS.serverError]: `request ${trace.requestId}` });
          else res.destroy();
          logLine({ operation, status: res.headersSent ? res.statusCode : 500, aborted: true });
          current.log.warn({ requestId: trace.requestId, err: error }, 'WOPI response not completed');
        },
      );
  };
