import { randomUUID } from 'node:crypto';
import { effectivePermissions } from '@/lib/users/permissions';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { invalidToken, notFound, proofFailed } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { wopiRequestOfFetch } from '@/lib/wopi/request';
import { toFetchResponse, toWopiResponse } from '@/lib/wopi/response';
import type { WopiPorts } from '@/lib/wopi/ports';
import type { WopiConfig, WopiContext, WopiOperation, WopiReply, WopiRequest } from '@/lib/wopi/types';

type Logger = Parameters<typeof toWopiResponse>[1]['log'];
export type WopiRuntime = { ports: WopiPorts; config: WopiConfig; log: Logger };

/** `?access_token=` as URLSearchParams reads it (the fragment, never sent by HTTP clients, excluded). */
const queryToken = (url: string) => {
  const hash = url.indexOf('#');
  const end = hash === -1 ? url.length : hash;
  const start = url.indexOf('?');
  if (start === -1 || start > end) return null;

  return new URLSearchParams(url.slice(start + 1, end)).get('access_token');
};

/** The token from `?access_token=` or `Authorization: Bearer` (the validator sends both). */
const tokenOf = (request: WopiRequest) => {
  const fromQuery = queryToken(request.url);
  if (fromQuery) return fromQuery;
  const authorization = request.header('authorization');

  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : null;
};

/**
 * The editor signed the exact public URL it called: rebuild it from PUBLIC_URL (behind a proxy
 * the Host names another server), keeping path and query as received, in the WHATWG URL form
 * proofs have always been checked against (dot segments resolved, unsafe characters escaped).
 */
const checkProof = async (request: WopiRequest, accessToken: string, client: string, runtime: WopiRuntime) => {
  const received = new URL(`http://wopi.invalid${request.url}`);
  const result = await runtime.ports.proofs!.verify(client, {
    accessToken,
    url: `${runtime.config.publicUrl}${received.pathname}${received.search}`,
    timestamp: request.header(WOPI_HEADERS.timestamp),
    proof: request.header(WOPI_HEADERS.proof),
    proofOld: request.header(WOPI_HEADERS.proofOld),
    now: runtime.ports.now(),
  });
  if (result.status === 'failed') throw proofFailed(result.reason);
};

/**
 * Authenticates a WOPI request by its access token only (never a cookie) and builds the
 * context: 401 for a missing, malformed, tampered, expired or other-document token, or a user
 * who no longer exists; 404 for an unknown document. Every throw becomes a WOPI response.
 */
export const createWopiContext = async (
  request: WopiRequest,
  fileId: string,
  runtime: WopiRuntime,
): Promise<WopiContext> => {
  const { ports } = runtime;
  const accessToken = tokenOf(request);
  const claims = await verifyAccessToken(accessToken, ports.now().getTime());
  if (!claims || !accessToken) throw invalidToken('missing, malformed, tampered or expired token');
  if (claims.documentId !== fileId) throw invalidToken('token is for another document');
  if (claims.client && ports.proofs) await checkProof(request, accessToken, claims.client, runtime);
  // Independent lookups, in parallel: they are most of a small request's latency.
  const { user, document } = ports.loadContext
    ? await ports.loadContext(claims.userId, fileId)
    : await Promise.all([ports.users.get(claims.userId), ports.documents.find(fileId)]).then(([u, d]) => ({
        user: u,
        document: d,
      }));
  if (!user) throw invalidToken('token user no longer exists');
  const permissions = effectivePermissions(claims.permissions, user.role);
  if (!permissions.has('read')) throw invalidToken('token grants no access');
  if (!document) throw notFound();

  return { request, fileId, accessToken, claims, user, permissions, document, ports, config: runtime.config };
};

/** What a request turned out to be, for its log line (lib/server/wopi-http.ts). */
export type WopiTrace = { requestId: string; userId?: string };

/**
 * Runs `operation` for a route with a `fileId` param; the framework-free core of every WOPI
 * route. Never throws: every failure becomes a WOPI reply. `trace` learns the user once the
 * token is verified.
 */
export const runWopi = async (
  operation: WopiOperation,
  request: WopiRequest,
  fileId: string,
  runtime: WopiRuntime,
  trace: WopiTrace = { requestId: randomUUID() },
): Promise<WopiReply> => {
  try {
    const ctx = await createWopiContext(request, fileId, runtime);
    trace.userId = ctx.user.id;

    return await operation(ctx);
  } catch (error) {
    return toWopiResponse(error, { log: runtime.log, requestId: trace.requestId });
  }
};

/** `runWopi` for a fetch Request, answering a fetch Response (tests; the server calls runWopi on Node's own objects). */
export const handleWopi = async (
  operation: WopiOperation,
  request: Request,
  fileId: string,
  runtime: WopiRuntime,
  trace?: WopiTrace,
) => toFetchResponse(await runWopi(operation, wopiRequestOfFetch(request), fileId, runtime, trace));
