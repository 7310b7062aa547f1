import { randomUUID } from 'node:crypto';
import type { Role } from '@/lib/generated/prisma/enums';
import type { Permission } from '@/lib/tokens/permissions';
import { effectivePermissions, ROLE_PERMISSIONS } from '@/lib/users/permissions';
import { type AccessTokenClaims, verifyAccessToken } from '@/lib/tokens/tokens';
import { dispatchContentsOverride, dispatchFileOverride } from '@/lib/wopi/dispatch';
import { invalidToken, notFound, proofFailed } from '@/lib/wopi/errors';
import { OVERRIDES, WOPI_HEADERS } from '@/lib/wopi/headers';
import { getLock } from '@/lib/wopi/operations/get-lock';
import { lock } from '@/lib/wopi/operations/lock';
import { refreshLock } from '@/lib/wopi/operations/refresh-lock';
import { unlock } from '@/lib/wopi/operations/unlock';
import { unlockAndRelock } from '@/lib/wopi/operations/unlock-and-relock';
import { requireLockHeader, wopiRequestOfFetch } from '@/lib/wopi/request';
import { toFetchResponse, toWopiResponse } from '@/lib/wopi/response';
import {
  LOCK_AUDIT_ACTIONS,
  type LockAudit,
  type LockCall,
  type LockCallResult,
  type LockOutcome,
  type LockStore,
  type WopiDocument,
  type WopiPorts,
  type WopiUser,
} from '@/lib/wopi/ports';
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

const BEARER = /^bearer +/i;

/**
 * The token from `?access_token=` or `Authorization: Bearer` (the validator sends both); the
 * scheme's letter case does not matter (RFC 9110 §11.1).
 */
const tokenOf = (request: WopiRequest) => {
  const fromQuery = queryToken(request.url);
  if (fromQuery) return fromQuery;
  const authorization = request.header('authorization');
  const scheme = authorization ? BEARER.exec(authorization) : null;

  return scheme ? authorization!.slice(scheme[0].length).trim() : null;
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

// ─── Lock requests: the context lookup and the lock call in one statement ───────────────

type LockMethod = LockCall['method'];

const LOCK_METHOD_OF_OPERATION = new Map<WopiOperation, LockMethod>([
  [lock, 'lock'],
  [unlock, 'unlock'],
  [refreshLock, 'refresh'],
  [unlockAndRelock, 'unlockAndRelock'],
  [getLock, 'get'],
]);

const LOCK_METHOD_OF_OVERRIDE = new Map<string, LockMethod>([
  [OVERRIDES.lock, 'lock'],
  [OVERRIDES.unlock, 'unlock'],
  [OVERRIDES.refreshLock, 'refresh'],
  [OVERRIDES.getLock, 'get'],
]);

/**
 * The LockStore method `operation` calls for this request (picked as dispatch.ts picks
 * operations), else null. PutFile reads the lock before it reads the body (put-file.ts): that
 * read rides on the context's round trip too.
 */
const lockMethodOf = (operation: WopiOperation, request: WopiRequest): LockMethod | null => {
  if (operation === dispatchContentsOverride)
    return request.header(WOPI_HEADERS.override)?.toUpperCase() === OVERRIDES.put ? 'get' : null;
  if (operation !== dispatchFileOverride) return LOCK_METHOD_OF_OPERATION.get(operation) ?? null;
  const override = request.header(WOPI_HEADERS.override)?.toUpperCase();
  if (override === OVERRIDES.lock && request.header(WOPI_HEADERS.oldLock) !== null) return 'unlockAndRelock';

  return override === undefined ? null : (LOCK_METHOD_OF_OVERRIDE.get(override) ?? null);
};

/** A lock header exactly as the operation accepts it, else null: the operation answers its 400 itself. */
const lockHeaderOf = (request: WopiRequest, header: string) => {
  try {
    return requireLockHeader(request, header);
  } catch {
    return null;
  }
};

/** The call the lock operation will make, with the arguments it will pass; null when it would not get that far. */
const lockCallOf = (method: LockMethod, request: WopiRequest, userId: string): LockCall | null => {
  if (method === 'get') return { method };
  const lockId = lockHeaderOf(request, WOPI_HEADERS.lock);
  if (lockId === null) return null;
  const audit = { action: LOCK_AUDIT_ACTIONS[method], userId };
  if (method !== 'unlockAndRelock') return { method, lockId, audit };
  const oldLockId = lockHeaderOf(request, WOPI_HEADERS.oldLock);

  return oldLockId === null ? null : { method, oldLockId, lockId, audit };
};

const isWriter = (permissions: readonly Permission[]) => permissions.includes('read') && permissions.includes('write');
/** Roles whose permissions include read (the context's check) and write (every lock change's). */
const WRITER_ROLES = (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((role) => isWriter(ROLE_PERMISSIONS[role]));
const NO_ROLES: readonly Role[] = [];

type CallInput = { documentId: string; lockId?: string; oldLockId?: string; audit?: LockAudit };

/** Whether the operation calls exactly what the context statement ran. */
const isSameCall = (call: LockCall, method: LockMethod, input: CallInput, documentId: string) => {
  if (method !== call.method || input.documentId !== documentId) return false;
  if (call.method === 'get') return true;
  const isSameOldLock = call.method !== 'unlockAndRelock' || input.oldLockId === call.oldLockId;

  return input.lockId === call.lockId && isSameOldLock && input.audit?.action === call.audit.action;
};

/**
 * The lock port the operation sees once its call ran in the context statement: that call answers
 * the statement's result, once. A call the statement did not run (result null: a check refuses
 * before it) goes to the store; any other call is a bug that must not pass (the change is made).
 */
const answeredLocks = (locks: LockStore, call: LockCall, documentId: string, result: LockCallResult | null) => {
  let answer = result;
  const take = (method: LockMethod, input: CallInput) => {
    const taken = answer;
    answer = null;
    if (taken !== null && !isSameCall(call, method, input, documentId)) {
      throw new Error(`lock port: ${method} called after the context statement ran ${call.method}`);
    }

    return taken;
  };
  const outcome = (method: Exclude<LockMethod, 'get'>, input: CallInput) => take(method, input) as LockOutcome | null;

  return {
    lock: async (input) => outcome('lock', input) ?? (await locks.lock(input)),
    unlock: async (input) => outcome('unlock', input) ?? (await locks.unlock(input)),
    refresh: async (input) => outcome('refresh', input) ?? (await locks.refresh(input)),
    unlockAndRelock: async (input) => outcome('unlockAndRelock', input) ?? (await locks.unlockAndRelock(input)),
    get: async (input) => (take('get', input) as string | null) ?? (await locks.get(input)),
  } satisfies LockStore;
};

type Found = { user: WopiUser | null; document: WopiDocument | null; ports: WopiPorts };

/**
 * The token's user and the document, in one round trip when the ports allow: a lock request
 * (with `lockWithContext`) makes its lock call in that same statement, gated on what the checks
 * in createWopiContext and the operation require, so a refused request changes nothing.
 */
const lookUp = async (
  operation: WopiOperation | undefined,
  request: WopiRequest,
  fileId: string,
  claims: AccessTokenClaims,
  ports: WopiPorts,
): Promise<Found> => {
  const method = operation && ports.lockWithContext ? lockMethodOf(operation, request) : null;
  const call = method && lockCallOf(method, request, claims.userId);
  if (call) {
    const { user, document, result } = await ports.lockWithContext!({
      userId: claims.userId,
      documentId: fileId,
      roles: isWriter(claims.permissions) ? WRITER_ROLES : NO_ROLES,
      now: ports.now(),
      call,
    });
    if (!document) return { user, document, ports };

    return { user, document, ports: { ...ports, locks: answeredLocks(ports.locks, call, document.id, result) } };
  }
  if (ports.loadContext) return { ...(await ports.loadContext(claims.userId, fileId)), ports };
  // Independent lookups, in parallel: they are most of a small request's latency.
  const [user, document] = await Promise.all([ports.users.get(claims.userId), ports.documents.find(fileId)]);

  return { user, document, ports };
};

/**
 * Authenticates a WOPI request by its access token only (never a cookie) and builds the
 * context: 401 for a missing, malformed, tampered, expired or other-document token, or a user
 * who no longer exists; 404 for an unknown document. Every throw becomes a WOPI response.
 * With `operation`, a lock request makes its lock call in the context's round trip (lookUp).
 */
export const createWopiContext = async (
  request: WopiRequest,
  fileId: string,
  runtime: WopiRuntime,
  operation?: WopiOperation,
): Promise<WopiContext> => {
  const accessToken = tokenOf(request);
  const claims = await verifyAccessToken(accessToken, runtime.ports.now().getTime());
  if (!claims || !accessToken) throw invalidToken('missing, malformed, tampered or expired token');
  if (claims.documentId !== fileId) throw invalidToken('token is for another document');
  if (claims.client && runtime.ports.proofs) await checkProof(request, accessToken, claims.client, runtime);
  const { user, document, ports } = await lookUp(operation, request, fileId, claims, runtime.ports);
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
    const ctx = await createWopiContext(request, fileId, runtime, operation);
    trace.userId = ctx.user.id;

    return await operation(ctx);
  } catch (error) {
    return toWopiResponse(error, {
      log: runtime.log,
      requestId: trace.requestId,
      isClientGone: request.isClientGone(),
    });
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
