import { beforeEach, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { db, getPool } from '@/lib/db';
import { lockChangeGroupCommit } from '@/lib/locks/postgres-lock-with-context';
import { addDocument, uniqueFolder } from '../../support/documents';
import { lockChangeBy } from '../../support/lock-changes';
import { makeUser } from '../../support/session';

// The group commit of WOPI lock changes under attack (found by a review): what a batch does to the
// changes that share it when another transaction holds one of its rows, the lock pool's few
// connections, and the one-by-one retry after a row wait or a deadlock, on real Postgres. A batch
// waits at most LOCK_BATCH_ROW_WAIT_MS for a row (lock_timeout on its pool, lib/db.ts).

const FAR = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);

let folder: string;
let editorId: string;

beforeEach(async () => {
  folder = uniqueFolder('lock-gc-attack');
  editorId = (await makeUser('editor')).id;
});

const change = (...args: Parameters<ReturnType<typeof lockChangeBy>>) => lockChangeBy(editorId)(...args);

/**
 * Runs `body` while another transaction holds the lock rows of `documentIds` FOR SHARE (what a
 * PutFile commit transaction holds while it copies bytes aside: lib/documents/content.ts heldLock,
 * for the length of an S3 copy, 3.7 s for 1 GiB), then ends that transaction.
 */
const whileRowsHeld = async (documentIds: string[], body: (holder: pg.PoolClient) => Promise<void>) => {
  const holder = await getPool().connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = ANY ($1::uuid[]) FOR SHARE`, [documentIds]);
    await body(holder);
  } finally {
    await holder.query('ROLLBACK').catch(() => {});
    holder.release();
  }
};

/** Three documents: `stuck` with a lock row (to hold), `other` and `free` without. */
const otherStuckFree = async () => {
  const [other, stuck, free] = await Promise.all(
    ['Other', 'Stuck', 'Free'].map((name) => addDocument(folder, `${name}.docx`, 'x', editorId)),
  );
  await db.lock.create({ data: { documentId: stuck!.id, lockId: 'S', expiresAt: FAR } });

  return { other: other!, stuck: stuck!, free: free! };
};

/**
 * Sends `first` at once (while it runs, fewer than 6 waiting changes open no second lane), then `rest` in the same tick:
 * they queue and go together as ONE batch when `first` returns. Returns their promises.
 */
const batchedBehind = <T>(first: () => Promise<T>, rest: (() => Promise<T>)[]) => {
  const lead = first();
  const others = rest.map((send) => send());

  return { lead, others };
};

/** Two documents, ordered by id (Postgres orders uuids as their lower-case text). */
const twoDocumentsInIdOrder = async () => {
  const docs = await Promise.all([
    addDocument(folder, 'One.docx', 'x', editorId),
    addDocument(folder, 'Two.docx', 'x', editorId),
  ]);
  docs.sort((a, b) => (a.id < b.id ? -1 : 1));

  return docs;
};

/** Backends (pids) that wait for a lock `holder` holds. */
const waitersOn = async (holder: pg.PoolClient) => {
  const { rows } = await getPool().query<{ pid: number }>(
    `SELECT a.pid FROM pg_stat_activity a WHERE $1::int = ANY (pg_blocking_pids(a.pid))`,
    [(await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid],
  );

  return rows.map((row) => row.pid);
};

const until = async (check: () => Promise<boolean>, timeoutMs = 5000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('group commit: changes that share a batch with a document another transaction holds', () => {
  it('LOCK of a free document batched with REFRESH_LOCK of a document whose lock row a PutFile transaction share-locks → answered at once, not after that transaction', async () => {
    const { other, stuck, free } = await otherStuckFree();
    let pending: Promise<unknown>[] = [];
    await whileRowsHeld([stuck.id], async () => {
      const before = lockChangeGroupCommit().stats();
      const started = performance.now();
      const { lead, others } = batchedBehind(
        () => change(other.id, 'lock', 'O'),
        [() => change(stuck.id, 'refresh', 'S'), () => change(free.id, 'lock', 'F')],
      );
      const [, freeAnswer] = others;
      await expect(lead).resolves.toMatchObject({ result: { ok: true } });
      const freeAnsweredAfter = await Promise.race([
        freeAnswer!.then(() => performance.now() - started),
        new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 2500)),
      ]);
      // The free document went in the same statement as the held one.
      expect(lockChangeGroupCommit().stats().batches - before.batches).toBe(2);
      expect(freeAnsweredAfter).toBeLessThan(1000);
      pending = others;
    });
    // The held document's REFRESH_LOCK goes on once the holder has ended.
    await expect(pending[0]).resolves.toMatchObject({ result: { ok: true } });
  });

  it('a lock row held longer than DB_QUERY_TIMEOUT_MS → REFRESH_LOCK of that document alone answers 503; the LOCK of a free document that shared its batch → ok', async () => {
    const { other, stuck, free } = await otherStuckFree();
    await whileRowsHeld([stuck.id], async () => {
      const { lead, others } = batchedBehind(
        () => change(other.id, 'lock', 'O'),
        [() => change(stuck.id, 'refresh', 'S'), () => change(free.id, 'lock', 'F')],
      );
      await lead;
      const [stuckResult, freeResult] = await Promise.allSettled(others);
      expect(stuckResult).toMatchObject({ status: 'rejected', reason: { code: 'database_unavailable' } });
      const freeOutcome =
        freeResult?.status === 'fulfilled'
          ? freeResult.value.result
          : `${(freeResult?.reason as Error).name}: ${(freeResult?.reason as Error).message}`;
      expect(freeOutcome).toEqual({ ok: true });
    });
    const lock = await db.lock.findUnique({ where: { documentId: free.id } });
    expect(lock?.lockId).toBe('F');
  }, 20_000);
});

describe('group commit: the lock pool (4 connections)', () => {
  it('REFRESH_LOCKs of 4 documents whose lock rows PutFile transactions share-lock → LOCK of a fifth, free document still answered at once (not 503 after DB_CONNECT_TIMEOUT_MS)', async () => {
    const docs = await Promise.all(
      Array.from({ length: 5 }, (_, index) => addDocument(folder, `Held ${index}.docx`, 'x', editorId)),
    );
    const held = docs.slice(0, 4);
    const free = docs[4]!;
    await db.lock.createMany({ data: held.map((doc) => ({ documentId: doc.id, lockId: 'H', expiresAt: FAR })) });
    const holder = await getPool().connect();
    const waiting: Promise<unknown>[] = [];
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = ANY ($1::uuid[]) FOR SHARE`, [
        held.map((doc) => doc.id),
      ]);
      for (const doc of held) {
        waiting.push(change(doc.id, 'refresh', 'H').catch(() => undefined));
        // Each becomes slow (> 25 ms) and leaves the lane: the next goes on a connection of its own.
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      const started = performance.now();
      const outcome = await change(free.id, 'lock', 'F').then(
        (found) => found.result,
        (error: Error) => `${error.name}: ${error.message}`,
      );
      const elapsed = performance.now() - started;
      expect(outcome).toEqual({ ok: true });
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
      await Promise.all(waiting);
    }
  }, 20_000);
});

describe('group commit: row lock order and the deadlock retry', () => {
  it('a batch [REFRESH_LOCK of a held row, LOCK of another] gives up its rows within lock_timeout, then each change goes on its own: the LOCK answers ok while the holder still holds', async () => {
    const [low, high] = await twoDocumentsInIdOrder();
    const other = await addDocument(folder, 'Other.docx', 'x', editorId);
    await db.lock.createMany({
      data: [
        { documentId: low.id, lockId: 'L', expiresAt: FAR },
        { documentId: high.id, lockId: 'H', expiresAt: FAR },
      ],
    });
    const holder = await getPool().connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = $1 FOR UPDATE`, [low.id]);
      const before = lockChangeGroupCommit().stats();
      const { lead, others } = batchedBehind(
        () => change(other.id, 'lock', 'O'),
        [() => change(low.id, 'refresh', 'L'), () => change(high.id, 'lock', 'H')],
      );
      await lead;
      // The LOCK of the free row is answered while the holder still holds the other one.
      await expect(others[1]).resolves.toMatchObject({ result: { ok: true } });
      expect(lockChangeGroupCommit().stats().retriedOneByOne - before.retriedOneByOne).toBe(1);
      // Nothing keeps the higher row: the batch gave it up, its own statement committed.
      const taken = await holder
        .query(`SELECT 1 FROM "Lock" WHERE "documentId" = $1 FOR UPDATE NOWAIT`, [high.id])
        .then(
          () => 'free',
          (error: { code?: string }) => error.code,
        );
      expect(taken).toBe('free');
      await holder.query('ROLLBACK');
      await expect(others[0]).resolves.toMatchObject({ result: { ok: true } });
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
    }
  });

  it('a batch and another transaction that would deadlock (rows taken in opposite orders) → the batch gives up within lock_timeout and is sent again one by one: each change answered once, one audit row each, the lock rows as changed', async () => {
    const [low, high] = await twoDocumentsInIdOrder();
    const other = await addDocument(folder, 'Other.docx', 'x', editorId);
    // low: held 'L' (the batch refreshes it); high: released (the batch's LOCK updates the row in place).
    await db.lock.createMany({
      data: [
        { documentId: low.id, lockId: 'L', expiresAt: FAR },
        { documentId: high.id, lockId: 'GONE', expiresAt: new Date(0) },
      ],
    });
    const holder = await getPool().connect();
    try {
      await holder.query('BEGIN');
      // The other transaction takes its rows in id order, the batch gets the deadlock error.
      await holder.query(`SET LOCAL deadlock_timeout = '20s'`).catch(() => {});
      await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = $1 FOR UPDATE`, [low.id]);
      const before = lockChangeGroupCommit().stats();
      const { lead, others } = batchedBehind(
        () => change(other.id, 'lock', 'O'),
        [() => change(low.id, 'refresh', 'L'), () => change(high.id, 'lock', 'NEW')],
      );
      await lead;
      await until(async () => (await waitersOn(holder)).length > 0);
      // Would block on the row the batch took; the batch has given it up (lock_timeout), or gives it up now.
      await holder.query(`SELECT 1 FROM "Lock" WHERE "documentId" = $1 FOR UPDATE`, [high.id]);
      await holder.query('COMMIT');
      const results = await Promise.all(others);
      expect(results.map((found) => found.result)).toEqual([{ ok: true }, { ok: true }]);
      expect(lockChangeGroupCommit().stats().retriedOneByOne - before.retriedOneByOne).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      holder.release();
    }
    const locks = await db.lock.findMany({
      where: { documentId: { in: [low.id, high.id] } },
      select: { documentId: true, lockId: true, expiresAt: true },
    });
    expect(new Map(locks.map((lock) => [lock.documentId, lock.lockId]))).toEqual(
      new Map([
        [low.id, 'L'],
        [high.id, 'NEW'],
      ]),
    );
    for (const lock of locks) expect(lock.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const audit = await db.auditEvent.findMany({
      where: { documentId: { in: [low.id, high.id] } },
      select: { documentId: true, action: true, outcome: true },
    });
    expect(audit.sort((a, b) => (a.documentId! < b.documentId! ? -1 : 1))).toEqual([
      { documentId: low.id, action: 'wopi.refresh', outcome: 'success' },
      { documentId: high.id, action: 'wopi.lock', outcome: 'success' },
    ]);
  }, 20_000);
});
