import { describe, expect, it } from 'vitest';
import { LOCK_ID_MAX_LENGTH } from '@/lib/wopi/ports';
import { makeRuntime } from '../../support/memory-ports';

const MINUTE = 60 * 1000;
const DOC_ID = '11111111-1111-4111-8111-111111111111';

type State = 'unlocked' | 'same lock' | 'other lock' | 'expired same lock' | 'expired other lock';

type Operation = {
  label: string;
  path: '' | '/contents';
  headers: Record<string, string>;
  body?: string;
};

// The request always presents lock "L1" (UnlockAndRelock moves L1 → L2); "other" is someone else's.
const OPERATIONS = {
  LOCK: { label: 'LOCK', path: '', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' } },
  UNLOCK_AND_RELOCK: {
    label: 'LOCK + X-WOPI-OldLock (UnlockAndRelock)',
    path: '',
    headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' },
  },
  UNLOCK: { label: 'UNLOCK', path: '', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' } },
  REFRESH_LOCK: {
    label: 'REFRESH_LOCK',
    path: '',
    headers: { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' },
  },
  GET_LOCK: { label: 'GET_LOCK', path: '', headers: { 'X-WOPI-Override': 'GET_LOCK' } },
  PUT_FILE: {
    label: 'PutFile (X-WOPI-Lock: L1)',
    path: '/contents',
    headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1' },
    body: 'new bytes',
  },
  PUT_FILE_NO_LOCK: {
    label: 'PutFile (no X-WOPI-Lock)',
    path: '/contents',
    headers: { 'X-WOPI-Override': 'PUT' },
    body: 'new bytes',
  },
} satisfies Record<string, Operation>;

type Row = {
  op: Operation;
  state: State;
  /** Bytes in the document before the call. */
  content: string;
  status: number;
  /** X-WOPI-Lock in the response; null = header absent. */
  lockHeader: string | null;
  /** The lock held after the call. */
  lockAfter: string;
  /** Set when the code disagrees with the spec: the test is `it.fails` until the bug is fixed. */
  bug?: string;
};

const row = (
  op: Operation,
  state: State,
  status: number,
  lockHeader: string | null,
  lockAfter: string,
  extra: Partial<Row> = {},
): Row => ({ op, state, content: 'hello', status, lockHeader, lockAfter, ...extra });

const { LOCK, UNLOCK_AND_RELOCK, UNLOCK, REFRESH_LOCK, GET_LOCK, PUT_FILE, PUT_FILE_NO_LOCK } = OPERATIONS;

const TABLE: Row[] = [
  row(LOCK, 'unlocked', 200, null, 'L1'),
  row(LOCK, 'same lock', 200, null, 'L1'),
  row(LOCK, 'other lock', 409, 'other', 'other'),
  row(LOCK, 'expired same lock', 200, null, 'L1'),
  row(LOCK, 'expired other lock', 200, null, 'L1'),

  row(UNLOCK_AND_RELOCK, 'unlocked', 409, '', ''),
  row(UNLOCK_AND_RELOCK, 'same lock', 200, null, 'L2'),
  row(UNLOCK_AND_RELOCK, 'other lock', 409, 'other', 'other'),
  row(UNLOCK_AND_RELOCK, 'expired same lock', 409, '', ''),
  row(UNLOCK_AND_RELOCK, 'expired other lock', 409, '', ''),

  row(UNLOCK, 'unlocked', 409, '', ''),
  row(UNLOCK, 'same lock', 200, null, ''),
  row(UNLOCK, 'other lock', 409, 'other', 'other'),
  row(UNLOCK, 'expired same lock', 409, '', ''),
  row(UNLOCK, 'expired other lock', 409, '', ''),

  row(REFRESH_LOCK, 'unlocked', 409, '', ''),
  row(REFRESH_LOCK, 'same lock', 200, null, 'L1'),
  row(REFRESH_LOCK, 'other lock', 409, 'other', 'other'),
  row(REFRESH_LOCK, 'expired same lock', 409, '', ''),
  row(REFRESH_LOCK, 'expired other lock', 409, '', ''),

  row(GET_LOCK, 'unlocked', 200, '', ''),
  row(GET_LOCK, 'same lock', 200, 'L1', 'L1'),
  row(GET_LOCK, 'other lock', 200, 'other', 'other'),
  row(GET_LOCK, 'expired same lock', 200, '', ''),
  row(GET_LOCK, 'expired other lock', 200, '', ''),

  // PutFile on a non-empty file.
  row(PUT_FILE, 'unlocked', 409, '', ''),
  row(PUT_FILE, 'same lock', 200, null, 'L1'),
  row(PUT_FILE, 'other lock', 409, 'other', 'other'),
  row(PUT_FILE, 'expired same lock', 409, '', ''),
  row(PUT_FILE, 'expired other lock', 409, '', ''),
  row(PUT_FILE_NO_LOCK, 'unlocked', 409, '', ''),
  row(PUT_FILE_NO_LOCK, 'same lock', 409, 'L1', 'L1'),
  row(PUT_FILE_NO_LOCK, 'other lock', 409, 'other', 'other'),
  row(PUT_FILE_NO_LOCK, 'expired other lock', 409, '', ''),

  // PutFile on a 0-byte file: unlocked → proceed, with or without X-WOPI-Lock.
  row(PUT_FILE_NO_LOCK, 'unlocked', 200, null, '', { content: '' }),
  row(PUT_FILE_NO_LOCK, 'expired other lock', 200, null, '', { content: '' }),
  row(PUT_FILE_NO_LOCK, 'other lock', 409, 'other', 'other', { content: '' }),
  row(PUT_FILE, 'unlocked', 200, null, '', { content: '' }),
  row(PUT_FILE, 'expired other lock', 200, null, '', { content: '' }),
  row(PUT_FILE, 'same lock', 200, null, 'L1', { content: '' }),
  row(PUT_FILE, 'other lock', 409, 'other', 'other', { content: '' }),
];

const arrange = async ({ state, content }: Pick<Row, 'state' | 'content'>) => {
  const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'report.docx', content }] });
  const held = { 'same lock': 'L1', 'expired same lock': 'L1', 'other lock': 'other', 'expired other lock': 'other' };
  if (state !== 'unlocked') {
    await rt.locks.lock({ documentId: DOC_ID, lockId: held[state], now: rt.clock.now() });
    // Expired: 31 minutes later (TTL 30); otherwise a minute later, well inside the TTL.
    rt.clock.advance((state.startsWith('expired') ? 31 : 1) * MINUTE);
  }
  const { token } = await rt.token({ documentId: DOC_ID });

  return { rt, token };
};

const check = async ({ op, state, content, status, lockHeader, lockAfter }: Row) => {
  const { rt, token } = await arrange({ state, content });
  const response = await rt.send({
    method: 'POST',
    path: op.path,
    fileId: DOC_ID,
    token,
    headers: op.headers,
    body: op.body,
  });

  expect(response.status).toBe(status);
  expect(response.headers.get('X-WOPI-Lock')).toBe(lockHeader);
  if (status === 409) {
    // A lock mismatch ALWAYS names the current lock (possibly ''), and has no body.
    expect(response.headers.has('X-WOPI-Lock')).toBe(true);
    expect(await response.text()).toBe('');
  }
  expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe(lockAfter);
  const isWrite = op.path === '/contents';
  expect(rt.documents.bytes(DOC_ID).toString()).toBe(isWrite && status === 200 ? op.body : content);
};

const title = 'POST /wopi/files/:id%s %s, %s document, %s → %i + X-WOPI-Lock %j';
const cases = (rows: Row[]) =>
  rows.map((r) => [
    r.op.path,
    r.op.label,
    r.content === '' ? '0-byte' : 'non-empty',
    r.state,
    r.status,
    r.lockHeader,
    r,
  ]);

describe('WOPI lock state machine (operation × lock state)', () => {
  it.each(cases(TABLE.filter((r) => !r.bug)))(title, async (...args) => {
    await check(args.at(-1) as Row);
  });

  // Known bug (BUG_PUTFILE_ZERO_BYTES): lib/wopi/operations/put-file.ts refuses these.
  it.fails.each(cases(TABLE.filter((r) => r.bug)))(title, async (...args) => {
    await check(args.at(-1) as Row);
  });

  it('LOCK with the same lock extends the expiry: held 29 minutes after the refresh, past the first expiry', async () => {
    const { rt, token } = await arrange({ state: 'unlocked', content: 'hello' });
    const lock = { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' };
    expect((await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: lock })).status).toBe(200);
    rt.clock.advance(20 * MINUTE);
    expect((await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: lock })).status).toBe(200);
    rt.clock.advance(29 * MINUTE);
    const get = await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': 'GET_LOCK' } });
    expect(get.headers.get('X-WOPI-Lock')).toBe('L1');
  });

  it('REFRESH_LOCK extends the expiry by 30 minutes from the refresh', async () => {
    const { rt, token } = await arrange({ state: 'same lock', content: 'hello' });
    const refresh = { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' };
    expect((await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: refresh })).status).toBe(200);
    rt.clock.advance(29 * MINUTE);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('L1');
    rt.clock.advance(MINUTE);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('');
  });

  it('POST /wopi/files/:id LOCK with another lock → 409 + X-WOPI-Lock + X-WOPI-LockFailureReason', async () => {
    const { rt, token } = await arrange({ state: 'other lock', content: 'hello' });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
    });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('other');
    expect(response.headers.get('X-WOPI-LockFailureReason')).toBeTruthy();
  });

  it('POST /wopi/files/:id LOCK / UNLOCK / LOCK again → 200s and the lock is audited', async () => {
    const { rt, token } = await arrange({ state: 'unlocked', content: 'hello' });
    const send = (override: string) =>
      rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': override, 'X-WOPI-Lock': 'L1' } });
    expect((await send('LOCK')).status).toBe(200);
    expect((await send('UNLOCK')).status).toBe(200);
    expect((await send('LOCK')).status).toBe(200);
    expect(rt.audit.map((event) => `${event.action}:${event.outcome}`)).toEqual([
      'wopi.lock:success',
      'wopi.unlock:success',
      'wopi.lock:success',
    ]);
  });

  it('POST /wopi/files/:id LOCK → 200 + X-WOPI-ItemVersion', async () => {
    const { rt, token } = await arrange({ state: 'unlocked', content: 'hello' });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
    });
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('1');
  });
});

describe('lock id validation (X-WOPI-Lock / X-WOPI-OldLock: 1…1024 characters)', () => {
  const lockWith = async (headers: Record<string, string>) => {
    const { rt, token } = await arrange({ state: 'unlocked', content: 'hello' });
    const response = await rt.send({ method: 'POST', fileId: DOC_ID, token, headers });

    return { response, lockAfter: await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() }) };
  };

  it('POST /wopi/files/:id LOCK without X-WOPI-Lock → 400 and no lock', async () => {
    const { response, lockAfter } = await lockWith({ 'X-WOPI-Override': 'LOCK' });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('');
    expect(lockAfter).toBe('');
  });

  it('POST /wopi/files/:id LOCK with an empty X-WOPI-Lock → 400 and no lock', async () => {
    const { response, lockAfter } = await lockWith({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': '' });
    expect(response.status).toBe(400);
    expect(lockAfter).toBe('');
  });

  it('POST /wopi/files/:id LOCK with a 1025-character X-WOPI-Lock → 400 and no lock', async () => {
    const { response, lockAfter } = await lockWith({
      'X-WOPI-Override': 'LOCK',
      'X-WOPI-Lock': 'x'.repeat(LOCK_ID_MAX_LENGTH + 1),
    });
    expect(response.status).toBe(400);
    expect(lockAfter).toBe('');
  });

  it('POST /wopi/files/:id LOCK with a 1024-character X-WOPI-Lock → 200 and that lock', async () => {
    const lockId = 'x'.repeat(LOCK_ID_MAX_LENGTH);
    const { response, lockAfter } = await lockWith({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': lockId });
    expect(response.status).toBe(200);
    expect(lockAfter).toBe(lockId);
  });

  it('POST /wopi/files/:id LOCK with a JSON lock id (as Office sends) → 200 and GET_LOCK returns it verbatim', async () => {
    const lockId = '{"S":"d2e1c9b0-1111-4c3a-9a6f-0a0b0c0d0e0f","F":4,"E":2,"M":"x"}';
    const { rt, token } = await arrange({ state: 'unlocked', content: 'hello' });
    await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': lockId },
    });
    const get = await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': 'GET_LOCK' } });
    expect(get.headers.get('X-WOPI-Lock')).toBe(lockId);
  });

  it.each([
    ['UNLOCK', {}],
    ['UNLOCK', { 'X-WOPI-Lock': '' }],
    ['REFRESH_LOCK', {}],
    ['REFRESH_LOCK', { 'X-WOPI-Lock': 'x'.repeat(LOCK_ID_MAX_LENGTH + 1) }],
    ['LOCK', { 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': '' }],
    ['LOCK', { 'X-WOPI-Lock': '', 'X-WOPI-OldLock': 'L1' }],
    ['LOCK', { 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'x'.repeat(LOCK_ID_MAX_LENGTH + 1) }],
  ])('POST /wopi/files/:id %s with lock headers %j (held: L1) → 400 and L1 unchanged', async (override, headers) => {
    const { rt, token } = await arrange({ state: 'same lock', content: 'hello' });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': override, ...headers },
    });
    expect(response.status).toBe(400);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('L1');
  });
});
