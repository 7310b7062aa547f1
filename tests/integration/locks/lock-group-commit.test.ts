import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db, getPool, statementDeadline } from '@/lib/db';
import {
  lockChangeGroupCommit,
  sendLockChange,
  sendLockChanges,
  type ChangeItem,
  type Sent,
} from '@/lib/locks/postgres-lock-with-context';
import { addDocument, uniqueFolder } from '../../support/documents';
import { lockChangeBy } from '../../support/lock-changes';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

// Group commit of WOPI lock changes (lib/locks/group-commit.ts, lib/locks/postgres-lock-with-context.ts):
// changes arriving while others are in Postgres share ONE statement (BATCH_STATEMENT). It must
// answer and change exactly what the one-change statements do, case by case, on real Postgres.

const T0 = new Date('2031-03-04T05:06:07.089Z');
const MINUTE = 60 * 1000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const WRITERS = ['admin', 'editor'] as const;

type LockState = { lockId: string; expiresAt: Date; createdAt: Date } | 'released' | null;

/** One case: the lock row before, and the change (its user, roles and document may be altered). */
type Case = {
  label: string;
  before: LockState;
  change: Pick<ChangeItem, 'method' | 'lockId'> & Partial<Pick<ChangeItem, 'oldLockId' | 'roles'>>;
  user?: 'disabled' | 'unknown' | 'viewer';
  document?: 'deleted' | 'unknown';
};

const held = (lockId: string, minutesLeft = 20): LockState => ({
  lockId,
  expiresAt: at(minutesLeft),
  createdAt: at(-10),
});

const CASES: Case[] = [
  { label: 'LOCK, no lock row', before: null, change: { method: 'lock', lockId: 'A' } },
  { label: 'LOCK, released row', before: 'released', change: { method: 'lock', lockId: 'A' } },
  {
    label: 'LOCK with the held id (refresh; createdAt kept)',
    before: held('A'),
    change: { method: 'lock', lockId: 'A' },
  },
  { label: 'LOCK with another id', before: held('B'), change: { method: 'lock', lockId: 'A' } },
  { label: 'LOCK over an expired lock', before: held('B', -1), change: { method: 'lock', lockId: 'A' } },
  { label: 'UNLOCK with the held id', before: held('A'), change: { method: 'unlock', lockId: 'A' } },
  { label: 'UNLOCK with another id', before: held('B'), change: { method: 'unlock', lockId: 'A' } },
  { label: 'UNLOCK, not locked', before: null, change: { method: 'unlock', lockId: 'A' } },
  { label: 'UNLOCK, expired', before: held('A', -1), change: { method: 'unlock', lockId: 'A' } },
  { label: 'REFRESH_LOCK with the held id', before: held('A', 1), change: { method: 'refresh', lockId: 'A' } },
  { label: 'REFRESH_LOCK with another id', before: held('B'), change: { method: 'refresh', lockId: 'A' } },
  {
    label: 'UnlockAndRelock from the held id',
    before: held('OLD'),
    change: { method: 'unlockAndRelock', lockId: 'NEW', oldLockId: 'OLD' },
  },
  {
    label: 'UnlockAndRelock from another id',
    before: held('OTHER'),
    change: { method: 'unlockAndRelock', lockId: 'NEW', oldLockId: 'OLD' },
  },
  { label: 'LOCK with a read-only token (no roles)', before: null, change: { method: 'lock', lockId: 'A', roles: [] } },
  { label: 'LOCK by a viewer', before: null, change: { method: 'lock', lockId: 'A' }, user: 'viewer' },
  { label: 'LOCK by a disabled user', before: null, change: { method: 'lock', lockId: 'A' }, user: 'disabled' },
  { label: 'LOCK by an unknown user', before: null, change: { method: 'lock', lockId: 'A' }, user: 'unknown' },
  {
    label: 'UNLOCK of a deleted document',
    before: held('A'),
    change: { method: 'unlock', lockId: 'A' },
    document: 'deleted',
  },
  { label: 'LOCK of an unknown document', before: null, change: { method: 'lock', lockId: 'A' }, document: 'unknown' },
  {
    label: 'LOCK with a lock id of quotes, braces, commas and UTF-8 (array literal escaping)',
    before: null,
    change: { method: 'lock', lockId: `{"a",b\\c} 'ä' ✓ NULL` },
  },
];

let folder: string;
let editorId: string;
let viewerId: string;
let disabledId: string;

beforeEach(async () => {
  folder = uniqueFolder('lock-batch');
  editorId = (await makeUser('editor')).id;
  viewerId = (await makeUser('viewer')).id;
  disabledId = (await makeUser('editor')).id;
  await db.user.update({ where: { id: disabledId }, data: { disabledAt: T0 } });
});

/** A document in the case's starting state, and the change item for it. */
const prepare = async (testCase: Case, copy: string): Promise<ChangeItem> => {
  const doc = await addDocument(folder, `${copy}-${randomUUID().slice(0, 8)}.docx`, 'bytes', editorId);
  const { before } = testCase;
  if (before === 'released') {
    await db.lock.create({ data: { documentId: doc.id, lockId: 'GONE', expiresAt: new Date(0), createdAt: at(-30) } });
  } else if (before) {
    await db.lock.create({ data: { documentId: doc.id, ...before } });
  }
  // Deleted now, not at T0: a trash entry in the future would sort above every other file's
  // (tests/integration/api/trash-paging.test.ts pages through the shared trash).
  if (testCase.document === 'deleted')
    await db.document.update({ where: { id: doc.id }, data: { deletedAt: new Date() } });
  const users: Record<NonNullable<Case['user']>, string> = {
    viewer: viewerId,
    disabled: disabledId,
    unknown: randomUUID(),
  };
  const userId = testCase.user ? users[testCase.user] : editorId;

  return {
    userId,
    documentId: testCase.document === 'unknown' ? randomUUID() : doc.id,
    roles: testCase.change.roles ?? WRITERS,
    now: T0,
    method: testCase.change.method,
    lockId: testCase.change.lockId,
    oldLockId: testCase.change.oldLockId ?? '',
    action: `wopi.${testCase.change.method}`,
    auditUserId: userId,
  };
};

/** What a change left and answered, without what differs between the two copies (ids, names, times of creation). */
const observe = async (item: ChangeItem, sent: Sent) => {
  const { row } = sent;
  const lock = await db.lock.findUnique({
    where: { documentId: item.documentId },
    select: { lockId: true, expiresAt: true, createdAt: true },
  });
  const audit = await db.auditEvent.findMany({
    where: { documentId: item.documentId, action: { startsWith: 'wopi.' } },
    orderBy: { id: 'asc' },
    select: { action: true, outcome: true, userId: true },
  });
  const document = row?.document;

  return {
    user: row?.user ?? null,
    document: document
      ? { version: document.version, size: document.size, extension: document.extension, sha256: document.sha256 }
      : null,
    documentIsItem: document ? document.id === item.documentId : null,
    isPermitted: row?.isPermitted,
    changed: row?.changed,
    held: row?.held,
    onTime: row?.onTime,
    lock,
    audit,
  };
};

describe('BATCH_STATEMENT (several lock changes in one statement)', () => {
  it('answers and changes exactly what one statement per change does, for every case at once', async () => {
    const singles = await Promise.all(CASES.map((testCase) => prepare(testCase, 'one')));
    const batched = await Promise.all(CASES.map((testCase) => prepare(testCase, 'batch')));
    const singleResults: unknown[] = [];
    for (const item of singles) singleResults.push(await observe(item, await sendLockChange(item)));
    const sent = await sendLockChanges(batched);
    const batchResults = await Promise.all(batched.map((item, index) => observe(item, sent[index]!)));
    CASES.forEach((testCase, index) => {
      expect(batchResults[index], testCase.label).toEqual(singleResults[index]);
    });
    // The comparison is not vacuous: the cases change, refuse and deny.
    const changed = batchResults.map((result) => (result as { changed: boolean }).changed);
    expect(changed.filter(Boolean).length).toBeGreaterThan(5);
    expect(changed.filter((value) => !value).length).toBeGreaterThan(5);
  });

  it('a batch reaching Postgres after its deadline changes nothing, writes no audit row and says so (onTime false)', async () => {
    const items = await Promise.all([CASES[0]!, CASES[5]!, CASES[9]!].map((testCase) => prepare(testCase, 'late')));
    const before = await Promise.all(
      items.map((item) => db.lock.findUnique({ where: { documentId: item.documentId } })),
    );
    const sent = await sendLockChanges(items, statementDeadline(Date.now() - 60_000));
    expect(sent.map(({ row }) => [row?.onTime, row?.changed])).toEqual([
      [false, false],
      [false, false],
      [false, false],
    ]);
    const after = await Promise.all(
      items.map((item) => db.lock.findUnique({ where: { documentId: item.documentId } })),
    );
    expect(after).toEqual(before);
    expect(await db.auditEvent.count({ where: { documentId: { in: items.map((item) => item.documentId) } } })).toBe(0);
  });
});

/** One lock change through the process's group commit, as the WOPI handler makes it (an editor's full token). */
const lockChange = (...args: Parameters<ReturnType<typeof lockChangeBy>>) => lockChangeBy(editorId)(...args);

describe('group commit of lock changes (postgresLockWithContext)', () => {
  it('LOCKs of 24 documents at once → all ok, sent in fewer statements than changes, one success audit row each', async () => {
    const docs = await Promise.all(
      Array.from({ length: 24 }, (_, index) => addDocument(folder, `Doc ${index}.docx`, 'x', editorId)),
    );
    const before = lockChangeGroupCommit().stats();
    const results = await Promise.all(docs.map((doc, index) => lockChange(doc.id, 'lock', `L${index}`)));
    const after = lockChangeGroupCommit().stats();
    expect(results.map((found) => found.result)).toEqual(docs.map(() => ({ ok: true })));
    expect(after.items - before.items).toBe(24);
    expect(after.batches - before.batches).toBeLessThan(24);
    const locks = await db.lock.findMany({ where: { documentId: { in: docs.map((doc) => doc.id) } } });
    expect(new Map(locks.map((lock) => [lock.documentId, lock.lockId]))).toEqual(
      new Map(docs.map((doc, index) => [doc.id, `L${index}`])),
    );
    const audits = await db.auditEvent.findMany({
      where: { documentId: { in: docs.map((doc) => doc.id) } },
      select: { documentId: true, outcome: true },
    });
    expect(audits).toHaveLength(24);
    expect(new Set(audits.map((row) => row.outcome))).toEqual(new Set(['success']));
  });

  it('LOCK, UNLOCK and LOCK of one document sent at once → applied one after another, in that order', async () => {
    const doc = await addDocument(folder, 'Ordered.docx', 'x', editorId);
    const change = (method: 'lock' | 'unlock', lockId: string) => lockChange(doc.id, method, lockId);
    // Another document's change occupies the lane, so the three queue up together.
    const other = await addDocument(folder, 'Other.docx', 'x', editorId);
    const results = await Promise.all([
      lockChange(other.id, 'lock', 'O'),
      change('lock', 'first'),
      change('unlock', 'first'),
      change('lock', 'second'),
    ]);
    expect(results.map((found) => found.result)).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    const lock = await db.lock.findUniqueOrThrow({ where: { documentId: doc.id } });
    expect(lock.lockId).toBe('second');
    const audit = await db.auditEvent.findMany({
      where: { documentId: doc.id },
      orderBy: { id: 'asc' },
      select: { action: true, outcome: true },
    });
    expect(audit).toEqual([
      { action: 'wopi.lock', outcome: 'success' },
      { action: 'wopi.unlock', outcome: 'success' },
      { action: 'wopi.lock', outcome: 'success' },
    ]);
  });

  it('a change whose document row another transaction holds does not hold up other documents (slow batch leaves the lane)', async () => {
    const [stuck, free] = await Promise.all([
      addDocument(folder, 'Stuck.docx', 'x', editorId),
      addDocument(folder, 'Free.docx', 'x', editorId),
    ]);
    await db.lock.create({ data: { documentId: stuck.id, lockId: 'S', expiresAt: at(60 * 24 * 365 * 10) } });
    const holder = await getPool().connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = $1 FOR UPDATE`, [stuck.id]);
      const waiting = lockChange(stuck.id, 'refresh', 'S');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await expect(lockChange(free.id, 'lock', 'F')).resolves.toMatchObject({ result: { ok: true } });
      expect(performance.now() - started).toBeLessThan(1000);
      await holder.query('COMMIT');
      await expect(waiting).resolves.toMatchObject({ result: { ok: true } });
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
    }
  });

  it('POST /wopi/files/:id LOCK from 16 editors at once on 16 documents → 200 each, the lock rows and audit rows as sent', async () => {
    const docs = await Promise.all(
      Array.from({ length: 16 }, (_, index) => addDocument(folder, `Wire ${index}.docx`, 'x', editorId)),
    );
    const tokens = await Promise.all(docs.map((doc) => tokenFor(doc.id, editorId)));
    const responses = await Promise.all(
      docs.map((doc, index) =>
        wopi.override(doc.id, 'LOCK', { token: tokens[index]!, headers: { 'X-WOPI-Lock': `wire-${index}` } }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(docs.map(() => 200));
    const locks = await db.lock.findMany({ where: { documentId: { in: docs.map((doc) => doc.id) } } });
    expect(new Map(locks.map((lock) => [lock.documentId, lock.lockId]))).toEqual(
      new Map(docs.map((doc, index) => [doc.id, `wire-${index}`])),
    );
    expect(
      await db.auditEvent.count({
        where: { documentId: { in: docs.map((doc) => doc.id) }, action: 'wopi.lock', outcome: 'success' },
      }),
    ).toBe(16);
  });
});
