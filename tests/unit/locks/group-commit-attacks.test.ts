import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit, type GroupCommitOptions } from '@/lib/locks/group-commit';

// lib/locks/group-commit.ts under attack (found by a review): every submitted item is answered
// exactly once, and nothing rejects unhandled, whatever the callbacks throw or return.

type Item = { key: string };

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Unhandled rejections seen while the test runs. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
afterEach(() => {
  unhandled.length = 0;
});

const options = (overrides: Partial<GroupCommitOptions<Item, string>>): GroupCommitOptions<Item, string> => ({
  keyOf: (item) => item.key,
  runOne: (item) => Promise.resolve(`one ${item.key}`),
  runMany: (items) => Promise.resolve(items.map((item) => `many ${item.key}`)),
  isRetriedOneByOne: () => true,
  maxActive: 1,
  slowMs: 1000,
  maxBatch: 64,
  maxWaitMs: 200,
  waitedTooLong: (ms) => new Error(`waited ${ms}`),
  ...overrides,
});

/** Whether `promise` settled within `ms` (rejections count as settled). */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);

describe('createGroupCommit: callbacks that throw synchronously', () => {
  it('runOne throwing synchronously → the item is rejected with that error, nothing rejects unhandled, and its key is free again', async () => {
    let isBroken = true;
    const commit = createGroupCommit(
      options({
        runOne: (item) => {
          if (isBroken) throw new Error('runOne threw');
          return Promise.resolve(`one ${item.key}`);
        },
      }),
    );
    const first = commit.submit({ key: 'doc' });
    expect(await settlesWithin(first, 500)).toBe(true);
    await settled();
    expect(unhandled).toEqual([]);
    isBroken = false;
    // A later change of the same document is not stuck behind the broken one.
    await expect(commit.submit({ key: 'doc' })).resolves.toBe('one doc');
  });

  it('runOne throwing synchronously while a failed batch is retried one by one → every item answered, nothing rejects unhandled', async () => {
    let calls = 0;
    const commit = createGroupCommit(
      options({
        runOne: (item) => {
          calls += 1;
          if (calls > 1) throw new Error('runOne threw');
          return new Promise((resolve) => setTimeout(() => resolve(`one ${item.key}`), 10));
        },
        runMany: () => Promise.reject(new Error('deadlock detected')),
      }),
    );
    const lead = commit.submit({ key: 'a' });
    const batched = [commit.submit({ key: 'b' }), commit.submit({ key: 'c' })];
    await lead;
    const answered = await Promise.all(batched.map((answer) => settlesWithin(answer, 500)));
    expect(answered).toEqual([true, true]);
    await settled();
    expect(unhandled).toEqual([]);
  });
});
