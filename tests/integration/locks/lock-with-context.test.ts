import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, getLockPool, getPool } from '@/lib/db';
import { postgresLockWithContext } from '@/lib/locks/postgres-lock-with-context';
import { loadWopiContext } from '@/lib/server/wopi-document-store';
import { LOCK_TTL_MS, type LockCall } from '@/lib/wopi/ports';
import { addDocument, uniqueFolder } from '../../support/documents';
import { holdLock } from '../../support/files-api';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

// Lock requests cost ONE Postgres round trip: the token's user and document, the lock change and
// its audit row in one statement (lib/locks/postgres-lock-with-context.ts), with the semantics of
// loadWopiContext followed by the LockStore call.

const T0 = new Date('2031-03-04T05:06:07.089Z');
const MINUTE = 60 * 1000;
const WRITERS = ['admin', 'editor'] as const;

let folder: string;
let userId: string;
let documentId: string;

beforeEach(async () => {
  folder = uniqueFolder('lock-ctx');
  userId = (await makeUser('editor')).id;
  documentId = (await addDocument(folder, 'Report.docx', 'original bytes', userId)).id;
});

/** The lock row unless it is expired now, or null: an UNLOCK leaves the row expired (UNLOCKED_AT). */
const lockRow = () =>
  db.lock.findFirst({
    where: { documentId, expiresAt: { gt: new Date() } },
    select: { lockId: true, expiresAt: true },
  });
const auditRows = () =>
  db.auditEvent.findMany({
    where: { documentId, action: { startsWith: 'wopi.' } },
    orderBy: { id: 'asc' },
    select: { action: true, outcome: true, userId: true },
  });

const change = (call: LockCall, now = T0, roles: readonly ('admin' | 'editor' | 'viewer')[] = WRITERS) =>
  postgresLockWithContext({ userId, documentId, roles, now, call });
const audit = (action: string) => ({ action, userId });

/**
 * Every statement this process sends (the WOPI server of the HTTP tests runs in it): pool.query
 * and checkouts, on the shared pool and the lock changes' own (getLockPool).
 */
const countStatements = () => {
  const spies = [getPool(), getLockPool()].map((pool) => ({
    query: vi.spyOn(pool, 'query'),
    // pool.query checks a client out too: a checkout beyond the queries is a transaction or a client of its own.
    connect: vi.spyOn(pool, 'connect'),
  }));
  const sum = (pick: (spy: (typeof spies)[number]) => { mock: { calls: unknown[] } }) =>
    spies.reduce((total, spy) => total + pick(spy).mock.calls.length, 0);

  return () => ({ queries: sum((spy) => spy.query), checkouts: sum((spy) => spy.connect) });
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('postgresLockWithContext (one statement: context, lock change, audit row)', () => {
  it('finds the user and document exactly as loadWopiContext does', async () => {
    const { user, document } = await change({ method: 'get' });
    expect({ user, document }).toEqual(await loadWopiContext(userId, documentId));
    expect(document?.lastModifiedAt).toBeInstanceOf(Date);
  });

  it('an unknown or disabled user, a deleted or missing document, malformed ids → as loadWopiContext, and no lock change', async () => {
    const stranger = randomUUID();
    const disabled = (await makeUser('editor')).id;
    await db.user.update({ where: { id: disabled }, data: { disabledAt: T0 } });
    const other = await addDocument(folder, 'Other.docx', 'x', userId);
    const gone = await addDocument(folder, 'Gone.docx', 'x', userId);
    await db.document.update({ where: { id: other.id }, data: { missingSince: T0 } });
    // Deleted now, not at T0: a trash entry in the future would sort above every other file's
    // (tests/integration/api/trash-paging.test.ts pages through the shared trash).
    await db.document.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    const call: LockCall = { method: 'lock', lockId: 'L1', audit: audit('wopi.lock') };
    for (const [user, doc] of [
      [stranger, documentId],
      [disabled, documentId],
      [userId, other.id],
      [userId, gone.id],
      [userId, randomUUID()],
      ['not-a-uuid', documentId],
      [userId, 'not-a-uuid'],
    ] as const) {
      const found = await postgresLockWithContext({ userId: user, documentId: doc, roles: WRITERS, now: T0, call });
      const expected = await loadWopiContext(user, doc);
      expect(found, `${user} ${doc}`).toEqual({ ...expected, result: null });
    }
    expect(await db.lock.count({ where: { documentId: { in: [documentId, other.id, gone.id] } } })).toBe(0);
    expect(await auditRows()).toEqual([]);
  });

  it('LOCK on an unlocked document → ok, the lock row, and one success audit row', async () => {
    expect((await change({ method: 'lock', lockId: 'L1', audit: audit('wopi.lock') })).result).toEqual({ ok: true });
    expect(await lockRow()).toEqual({ lockId: 'L1', expiresAt: new Date(T0.getTime() + LOCK_TTL_MS) });
    expect(await auditRows()).toEqual([{ action: 'wopi.lock', outcome: 'success', userId }]);
  });

  it('LOCK with another lock → { ok: false, current } from the same statement, and a failure audit row', async () => {
    await change({ method: 'lock', lockId: 'L1', audit: audit('wopi.lock') });
    const count = countStatements();
    const { result } = await change(
      { method: 'lock', lockId: 'L2', audit: audit('wopi.lock') },
      new Date(T0.getTime() + MINUTE),
    );
    expect(result).toEqual({ ok: false, current: 'L1' });
    expect(count()).toEqual({ queries: 1, checkouts: 1 });
    expect((await lockRow())?.lockId).toBe('L1');
    expect((await auditRows()).map((row) => row.outcome)).toEqual(['success', 'failure']);
  });

  it('a role that may not write → result null: no lock, no audit row (the request gets its 401)', async () => {
    const { user, document, result } = await change(
      { method: 'lock', lockId: 'L1', audit: audit('wopi.lock') },
      T0,
      [],
    );
    expect(user?.id).toBe(userId);
    expect(document?.id).toBe(documentId);
    expect(result).toBeNull();
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });

  it('UNLOCK, REFRESH_LOCK and UnlockAndRelock keep the LockStore semantics (expiry, mismatch, audit)', async () => {
    const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
    await change({ method: 'lock', lockId: 'L1', audit: audit('wopi.lock') });
    expect(
      (await change({ method: 'refresh', lockId: 'L1', audit: audit('wopi.refresh_lock') }, at(10))).result,
    ).toEqual({
      ok: true,
    });
    expect((await lockRow())?.expiresAt).toEqual(new Date(at(10).getTime() + LOCK_TTL_MS));
    expect((await change({ method: 'unlock', lockId: 'L9', audit: audit('wopi.unlock') }, at(11))).result).toEqual({
      ok: false,
      current: 'L1',
    });
    const relock: LockCall = {
      method: 'unlockAndRelock',
      oldLockId: 'L1',
      lockId: 'L2',
      audit: audit('wopi.unlock_and_relock'),
    };
    expect((await change(relock, at(12))).result).toEqual({ ok: true });
    expect((await change({ method: 'get' }, at(12))).result).toBe('L2');
    expect((await change({ method: 'unlock', lockId: 'L2', audit: audit('wopi.unlock') }, at(13))).result).toEqual({
      ok: true,
    });
    expect((await change({ method: 'unlock', lockId: 'L2', audit: audit('wopi.unlock') }, at(14))).result).toEqual({
      ok: false,
      current: '',
    });
    // Expired: absent for every change, taken over by LOCK.
    await change({ method: 'lock', lockId: 'L3', audit: audit('wopi.lock') }, at(20));
    const expired = at(20 + 30);
    expect(
      (await change({ method: 'refresh', lockId: 'L3', audit: audit('wopi.refresh_lock') }, expired)).result,
    ).toEqual({
      ok: false,
      current: '',
    });
    expect((await change({ method: 'lock', lockId: 'L4', audit: audit('wopi.lock') }, expired)).result).toEqual({
      ok: true,
    });
    expect((await auditRows()).map((row) => `${row.action}:${row.outcome}`)).toEqual([
      'wopi.lock:success',
      'wopi.refresh_lock:success',
      'wopi.unlock:failure',
      'wopi.unlock_and_relock:success',
      'wopi.unlock:success',
      'wopi.unlock:failure',
      'wopi.lock:success',
      'wopi.refresh_lock:failure',
      'wopi.lock:success',
    ]);
  });

  it('50 parallel LOCKs with different ids → exactly one ok; every refusal names the winner', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `lock-${i}`);
    const found = await Promise.all(ids.map((lockId) => change({ method: 'lock', lockId, audit: audit('wopi.lock') })));
    const winners = ids.filter((_, i) => (found[i]!.result as { ok: boolean }).ok);
    expect(winners).toHaveLength(1);
    for (const { result } of found)
      if (result && typeof result === 'object' && !result.ok) expect(result.current).toBe(winners[0]);
    expect((await lockRow())?.lockId).toBe(winners[0]);
    expect(await auditRows()).toHaveLength(50);
  });

  it('20 parallel UnlockAndRelocks from the same old id → exactly one wins; every refusal names it', async () => {
    await change({ method: 'lock', lockId: 'A', audit: audit('wopi.lock') });
    const ids = Array.from({ length: 20 }, (_, i) => `next-${i}`);
    const found = await Promise.all(
      ids.map((lockId) =>
        change({ method: 'unlockAndRelock', oldLockId: 'A', lockId, audit: audit('wopi.unlock_and_relock') }),
      ),
    );
    const winners = ids.filter((_, i) => (found[i]!.result as { ok: boolean }).ok);
    expect(winners).toHaveLength(1);
    for (const { result } of found)
      if (result && typeof result === 'object' && !result.ok) expect(result.current).toBe(winners[0]);
  });
});

describe('POST /wopi/files/:id lock requests: one SQL statement each (production listener)', () => {
  const post = async (headers: Record<string, string>, token?: string) =>
    wopi.override(documentId, headers['X-WOPI-Override']!, {
      token: token ?? (await tokenFor(documentId, userId)),
      headers,
    });
  /** The request alone: the token is minted before counting. */
  const countedPost = async (headers: Record<string, string>) => {
    const token = await tokenFor(documentId, userId);
    const count = countStatements();
    const response = await post(headers, token);

    return { response, statements: count() };
  };
  const ONE = { queries: 1, checkouts: 1 };

  it('POST /wopi/files/:id LOCK → 200 + X-WOPI-ItemVersion, in one statement', async () => {
    await db.document.update({ where: { id: documentId }, data: { version: 5 } });
    const { response, statements } = await countedPost({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('5');
    expect(statements).toEqual(ONE);
    expect((await lockRow())?.lockId).toBe('L1');
    expect(await auditRows()).toEqual([{ action: 'wopi.lock', outcome: 'success', userId }]);
  });

  it('POST /wopi/files/:id LOCK with another lock → 409 + X-WOPI-Lock, in one statement', async () => {
    await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'first' });
    const { response, statements } = await countedPost({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'second' });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('first');
    expect(response.headers.get('X-WOPI-LockFailureReason')).toBe('Locked with another lock');
    expect(statements).toEqual(ONE);
    expect((await auditRows()).map((row) => row.outcome)).toEqual(['success', 'failure']);
  });

  it.each([
    ['REFRESH_LOCK', { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' }, 'L1'],
    ['LOCK + X-WOPI-OldLock', { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' }, 'L2'],
    ['UNLOCK', { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' }, null],
  ])('POST /wopi/files/:id %s → 200, in one statement', async (_label, headers, lockAfter) => {
    await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' });
    const { response, statements } = await countedPost(headers);
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('1');
    expect(statements).toEqual(ONE);
    expect((await lockRow())?.lockId ?? null).toBe(lockAfter);
  });

  it('POST /wopi/files/:id UNLOCK on an unlocked file → 409 + X-WOPI-Lock "", in one statement', async () => {
    const { response, statements } = await countedPost({ 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('');
    expect(response.headers.get('X-WOPI-LockFailureReason')).toBe('File is not locked');
    expect(statements).toEqual(ONE);
  });

  it('POST /wopi/files/:id GET_LOCK → 200 + X-WOPI-Lock, in one statement', async () => {
    await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' });
    const { response, statements } = await countedPost({ 'X-WOPI-Override': 'GET_LOCK' });
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    expect(statements).toEqual(ONE);
  });

  it('POST /wopi/files/:id LOCK by a viewer (full token) → 401; no lock, no audit row', async () => {
    const viewer = await makeUser('viewer');
    const response = await post(
      { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
      await tokenFor(documentId, viewer.id),
    );
    expect(response.status).toBe(401);
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });

  it('POST /wopi/files/:id LOCK with a read-only token → 401; no lock, no audit row', async () => {
    const response = await post(
      { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
      await tokenFor(documentId, userId, ['read']),
    );
    expect(response.status).toBe(401);
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });

  it('POST /wopi/files/:id LOCK by a user deleted since the token was minted → 401; no lock', async () => {
    const gone = await makeUser('editor');
    const token = await tokenFor(documentId, gone.id);
    await db.user.delete({ where: { id: gone.id } });
    expect((await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' }, token)).status).toBe(401);
    expect(await lockRow()).toBeNull();
  });

  it('POST /wopi/files/:id LOCK by a disabled user → 401; no lock, no audit row', async () => {
    const token = await tokenFor(documentId, userId);
    await db.user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
    expect((await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' }, token)).status).toBe(401);
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });

  it('POST /wopi/files/:id LOCK on a deleted document → 404; no lock, no audit row', async () => {
    const token = await tokenFor(documentId, userId);
    await db.document.update({ where: { id: documentId }, data: { deletedAt: new Date() } });
    expect((await post({ 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' }, token)).status).toBe(404);
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });

  it('POST /wopi/files/:id LOCK without X-WOPI-Lock → 400; no lock', async () => {
    expect((await post({ 'X-WOPI-Override': 'LOCK' })).status).toBe(400);
    expect(await lockRow()).toBeNull();
  });
});

// A statement queued behind a stalled Postgres runs once it wakes, after this server answered 503:
// past its deadline (statementDeadline, lib/db.ts) it must change nothing. Moving this process's
// clock back a minute makes every statement arrive "after" its deadline as Postgres sees it.
describe('lock statements reaching Postgres after their deadline (lateGate)', () => {
  const late = async (run: () => Promise<unknown>) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 60_000);
    try {
      return await run().then(
        () => null,
        (error: unknown) => error,
      );
    } finally {
      vi.useRealTimers();
    }
  };

  it('LOCK / REFRESH_LOCK / UNLOCK / UnlockAndRelock after the deadline → 503 (database_unavailable) naming the clock skew; no lock change, no audit row', async () => {
    const now = new Date();
    await holdLock(documentId, 'HELD', new Date(now.getTime() + MINUTE));
    const calls: LockCall[] = [
      { method: 'lock', lockId: 'HELD', audit: audit('wopi.lock') },
      { method: 'refresh', lockId: 'HELD', audit: audit('wopi.refresh_lock') },
      { method: 'unlockAndRelock', oldLockId: 'HELD', lockId: 'NEW', audit: audit('wopi.unlock_and_relock') },
      { method: 'unlock', lockId: 'HELD', audit: audit('wopi.unlock') },
    ];
    for (const call of calls) {
      const error = await late(() => change(call, now));
      expect(error, call.method).toMatchObject({ code: 'database_unavailable' });
      expect((error as { reason: string }).reason).toMatch(/clock is about 60 s ahead/);
    }
    expect(await lockRow()).toMatchObject({ lockId: 'HELD', expiresAt: new Date(now.getTime() + MINUTE) });
    expect(await auditRows()).toEqual([]);
  });

  it('the LockStore statements (without the context) are gated the same way', async () => {
    const { postgresLockStore } = await import('@/lib/locks/postgres-lock-store');
    const error = await late(() =>
      postgresLockStore.lock({ documentId, lockId: 'L1', now: new Date(), audit: audit('wopi.lock') }),
    );
    expect(error).toMatchObject({ code: 'database_unavailable' });
    expect(await lockRow()).toBeNull();
    expect(await auditRows()).toEqual([]);
  });
});
