import { describe, expect, it } from 'vitest';
import type { Permission } from '@/lib/tokens/permissions';
import type { WopiOperation } from '@/lib/wopi/types';
import {
  ALL_PERMISSIONS,
  createMemoryLockWithContext,
  makeRuntime,
  makeUser,
  type TestRuntime,
} from '../../support/memory-ports';

// Lock requests look up their context and make their lock call in ONE port call
// (WopiPorts.lockWithContext: one SQL statement in production). Every answer, lock and audit
// event must be what the two-step path (loadContext, then the LockStore call) gives.

const { getLock } = await import('@/lib/wopi/operations/get-lock');
const { lock } = await import('@/lib/wopi/operations/lock');
const { refreshLock } = await import('@/lib/wopi/operations/refresh-lock');
const { unlock } = await import('@/lib/wopi/operations/unlock');
const { unlockAndRelock } = await import('@/lib/wopi/operations/unlock-and-relock');

const DOC_ID = '11111111-1111-4111-8111-111111111111';
const DELETED_ID = '22222222-2222-4222-8222-222222222222';
const UNKNOWN_ID = '33333333-3333-4333-8333-333333333333';
const USER_ID = '44444444-4444-4444-8444-444444444444';
const MINUTE = 60 * 1000;

type Wire = { label: string; headers: Record<string, string> };

const WIRES: Wire[] = [
  { label: 'LOCK', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' } },
  { label: 'lock (override in lower case)', headers: { 'X-WOPI-Override': 'lock', 'X-WOPI-Lock': 'L1' } },
  { label: 'UNLOCK', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' } },
  { label: 'REFRESH_LOCK', headers: { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' } },
  {
    label: 'LOCK + X-WOPI-OldLock (UnlockAndRelock)',
    headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' },
  },
  { label: 'GET_LOCK', headers: { 'X-WOPI-Override': 'GET_LOCK' } },
  { label: 'LOCK without X-WOPI-Lock', headers: { 'X-WOPI-Override': 'LOCK' } },
  { label: 'UNLOCK with an empty X-WOPI-Lock', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': '' } },
  {
    label: 'LOCK + an empty X-WOPI-OldLock',
    headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': '' },
  },
  {
    label: 'REFRESH_LOCK with a 1025-character lock',
    headers: { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'x'.repeat(1025) },
  },
  { label: 'an unknown override', headers: { 'X-WOPI-Override': 'LOCKS', 'X-WOPI-Lock': 'L1' } },
  {
    label: 'an override named like an Object member',
    headers: { 'X-WOPI-Override': 'hasOwnProperty', 'X-WOPI-Lock': 'L1' },
  },
];

const STATES = ['unlocked', 'locked L1', 'locked OTHER', 'L1 expired'] as const;
type State = (typeof STATES)[number];

type Caller = {
  label: string;
  role?: 'admin' | 'editor' | 'viewer';
  permissions?: readonly Permission[];
  /** The token's document: deleted, or never known. */
  document?: 'deleted' | 'unknown';
  /** The token's user was removed after the token was minted. */
  isUserRemoved?: boolean;
};

const CALLERS: Caller[] = [
  { label: 'an editor' },
  { label: 'an admin', role: 'admin' },
  { label: 'a viewer (role) with a full token', role: 'viewer' },
  { label: 'a read-only token', permissions: ['read'] },
  { label: 'a token without read', permissions: ['write', 'rename', 'delete', 'create'] },
  { label: 'a token with read and write only', permissions: ['read', 'write'] },
  { label: 'a removed user', isUserRemoved: true },
  { label: 'a deleted document', document: 'deleted' },
  { label: 'an unknown document', document: 'unknown' },
];

const arrange = async ({ state, caller, isFused }: { state: State; caller: Caller; isFused: boolean }) => {
  const user = makeUser({ id: USER_ID, role: caller.role ?? 'editor' });
  const rt = makeRuntime({
    docs: [
      { id: DOC_ID, name: 'report.docx', content: 'hello', version: 7 },
      { id: DELETED_ID, name: 'gone.docx', content: 'gone' },
    ],
    users: [user],
    hasLockWithContext: isFused,
  });
  const documentId = caller.document === 'deleted' ? DELETED_ID : caller.document === 'unknown' ? UNKNOWN_ID : DOC_ID;
  if (state !== 'unlocked') {
    const held = state === 'locked OTHER' ? 'OTHER' : 'L1';
    await rt.locks.lock({ documentId, lockId: held, now: rt.clock.now() });
    rt.clock.advance((state === 'L1 expired' ? 31 : 1) * MINUTE);
  }
  if (caller.document === 'deleted') {
    await rt.documents.delete({ doc: (await rt.documents.find(DELETED_ID))!, userId: user.id, now: rt.clock.now() });
  }
  if (caller.isUserRemoved) rt.users.remove(user.id);
  const { token } = await rt.token({ documentId, permissions: caller.permissions ?? ALL_PERMISSIONS });

  return { rt, token, documentId };
};

const WIRE_HEADERS = ['x-wopi-lock', 'x-wopi-lockfailurereason', 'x-wopi-itemversion'];

/** What a client and the database see of one request: answer, WOPI headers, locks after, audit. */
const observe = async (rt: TestRuntime, response: Response) => ({
  status: response.status,
  headers: Object.fromEntries(WIRE_HEADERS.map((name) => [name, response.headers.get(name)])),
  body: await response.text(),
  locks: [...rt.locks.rows.entries()],
  audit: rt.audit,
});

const run = async (input: {
  state: State;
  caller: Caller;
  isFused: boolean;
  wire: Wire;
  operation?: WopiOperation;
}) => {
  const { rt, token, documentId } = await arrange(input);
  const request = { fileId: documentId, token, headers: input.wire.headers, method: 'POST' as const };
  const response = input.operation ? await rt.call(input.operation, request) : await rt.send(request);

  return observe(rt, response);
};

describe('lock requests in one port call answer exactly as the two-step path', () => {
  const cases = WIRES.flatMap((wire) => CALLERS.flatMap((caller) => STATES.map((state) => ({ wire, caller, state }))));

  it.each(cases.map((c) => [`POST /wopi/files/:id ${c.wire.label} by ${c.caller.label}, ${c.state}`, c] as const))(
    '%s → same status, headers, locks and audit',
    async (_label, { wire, caller, state }) => {
      const twoSteps = await run({ wire, caller, state, isFused: false });
      const oneCall = await run({ wire, caller, state, isFused: true });
      expect(oneCall).toEqual(twoSteps);
    },
  );

  it.each([
    ['lock', lock, { 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' }],
    ['unlock', unlock, { 'X-WOPI-Lock': 'L1' }],
    ['refreshLock', refreshLock, { 'X-WOPI-Lock': 'L1' }],
    ['unlockAndRelock', unlockAndRelock, { 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' }],
    ['getLock', getLock, {}],
  ] as const)('the %s operation called directly → same answer either way', async (_name, operation, headers) => {
    for (const state of STATES) {
      const wire = { label: 'direct', headers };
      const twoSteps = await run({ wire, caller: CALLERS[0]!, state, isFused: false, operation });
      const oneCall = await run({ wire, caller: CALLERS[0]!, state, isFused: true, operation });
      expect(oneCall, state).toEqual(twoSteps);
    }
  });
});

/** Counts the handler's port calls (memory ports have no loadContext: users.get + documents.find instead). */
const countPortCalls = (rt: TestRuntime) => {
  const calls: string[] = [];
  const original = { users: rt.ports.users, documents: rt.ports.documents, locks: rt.ports.locks };
  const counted = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get: (object, key) => {
        const value: unknown = Reflect.get(object, key);
        if (typeof value !== 'function') return value;

        return (...args: unknown[]) => {
          calls.push(`${name}.${String(key)}`);

          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  const ports = rt.ports as unknown as Record<string, unknown>;
  const lockWithContext = createMemoryLockWithContext(() => original);
  ports.lockWithContext = (input: Parameters<typeof lockWithContext>[0]) => {
    calls.push('lockWithContext');

    return lockWithContext(input);
  };
  ports.users = counted('users', original.users);
  ports.documents = counted('documents', original.documents);
  ports.locks = counted('locks', original.locks);

  return calls;
};

describe('one port call per lock request', () => {
  const arrangeCounted = async (state: State) => {
    const { rt, token } = await arrange({ state, caller: CALLERS[0]!, isFused: true });

    return { rt, token, calls: countPortCalls(rt) };
  };
  const post = (rt: TestRuntime, token: string, headers: Record<string, string>) =>
    rt.send({ method: 'POST', fileId: DOC_ID, token, headers });

  it('POST /wopi/files/:id LOCK → 200 + X-WOPI-ItemVersion, with lockWithContext as its only port call', async () => {
    const { rt, token, calls } = await arrangeCounted('unlocked');
    const response = await post(rt, token, { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('7');
    expect(calls).toEqual(['lockWithContext']);
    expect(rt.audit).toEqual([{ action: 'wopi.lock', outcome: 'success', userId: rt.user.id, documentId: DOC_ID }]);
  });

  it('POST /wopi/files/:id LOCK with another lock → 409 + X-WOPI-Lock, with lockWithContext as its only port call', async () => {
    const { rt, token, calls } = await arrangeCounted('locked OTHER');
    const response = await post(rt, token, { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('OTHER');
    expect(calls).toEqual(['lockWithContext']);
    expect(rt.audit).toEqual([{ action: 'wopi.lock', outcome: 'failure', userId: rt.user.id, documentId: DOC_ID }]);
  });

  it.each([
    ['UNLOCK', { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' }],
    ['REFRESH_LOCK', { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' }],
    ['LOCK + X-WOPI-OldLock', { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' }],
  ])('POST /wopi/files/:id %s → 200, with lockWithContext as its only port call', async (_label, headers) => {
    const { rt, token, calls } = await arrangeCounted('locked L1');
    expect((await post(rt, token, headers)).status).toBe(200);
    expect(calls).toEqual(['lockWithContext']);
  });

  it('POST /wopi/files/:id GET_LOCK → 200 + X-WOPI-Lock, with lockWithContext as its only port call', async () => {
    const { rt, token, calls } = await arrangeCounted('locked L1');
    const response = await post(rt, token, { 'X-WOPI-Override': 'GET_LOCK' });
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    expect(calls).toEqual(['lockWithContext']);
  });

  it('POST /wopi/files/:id LOCK without X-WOPI-Lock → 400 after the usual lookup, no lock call', async () => {
    const { rt, token, calls } = await arrangeCounted('unlocked');
    // Without a valid lock id there is nothing to run in the context statement: the two-step path.
    const response = await post(rt, token, { 'X-WOPI-Override': 'LOCK' });
    expect(response.status).toBe(400);
    expect(calls.sort()).toEqual(['documents.find', 'users.get']);
  });

  it('POST /wopi/files/:id PUT_RELATIVE → not a lock request: the usual lookup', async () => {
    const { rt, token, calls } = await arrangeCounted('unlocked');
    await post(rt, token, { 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.docx' });
    expect(calls).not.toContain('lockWithContext');
  });
});
