import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGroupCommit, type GroupCommitOptions } from '@/lib/locks/group-commit';

// The group commit's queueing rules (lib/locks/group-commit.ts). What it sends is checked against
// real Postgres in tests/integration/locks/lock-group-commit.test.ts; here the statements are
// promises the test settles by hand, to see exactly what is sent when.

type Item = { key: string; value: string };

/** A statement the test answers: `calls` records what was sent, in order. */
const harness = (overrides: Partial<GroupCommitOptions<Item, string>> = {}) => {
  const calls: { kind: 'one' | 'many'; values: string[]; finish: (error?: Error) => void }[] = [];
  const send = (kind: 'one' | 'many', items: Item[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        kind,
        values: items.map((item) => item.value),
        finish: (error) => (error ? reject(error) : resolve(items.map((item) => `done ${item.value}`))),
      });
    });
  const commit = createGroupCommit<Item, string>({
    keyOf: (item) => item.key,
    runOne: async (item) => (await send('one', [item]))[0]!,
    runMany: (items) => send('many', items),
    isRetriedOneByOne: (error) => (error as Error).message !== 'outage',
    maxActive: 1,
    slowMs: 1000,
    maxBatch: 64,
    maxWaitMs: 60_000,
    waitedTooLong: (ms) => new Error(`waited ${ms}`),
    ...overrides,
  });
  const submit = (key: string, value = key) => commit.submit({ key, value });

  return { calls, commit, submit };
};

const settled = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('createGroupCommit', () => {
  it('an item alone is sent at once, on its own (runOne)', async () => {
    const { calls, submit } = harness();
    const answer = submit('a');
    expect(calls.map((call) => [call.kind, call.values])).toEqual([['one', ['a']]]);
    calls[0]!.finish();
    await expect(answer).resolves.toBe('done a');
  });

  it('items arriving while a statement runs go together in arrival order, as one runMany, when it ends', async () => {
    const { calls, commit, submit } = harness();
    const first = submit('a');
    const later = ['b', 'c', 'd'].map((key) => submit(key));
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await first;
    await settled();
    expect(calls.map((call) => [call.kind, call.values])).toEqual([
      ['one', ['a']],
      ['many', ['b', 'c', 'd']],
    ]);
    calls[1]!.finish();
    await expect(Promise.all(later)).resolves.toEqual(['done b', 'done c', 'done d']);
    expect(commit.stats()).toEqual({ batches: 2, items: 4, retriedOneByOne: 0 });
  });

  it('two items of one key never share a statement or run at once, and keep their order', async () => {
    const { calls, submit } = harness({ maxActive: 4 });
    const answers = [submit('doc', 'lock'), submit('doc', 'unlock'), submit('other'), submit('doc', 'relock')];
    // 'other' goes at once on a free lane; the second and third 'doc' items wait for the first.
    expect(calls.map((call) => call.values)).toEqual([['lock'], ['other']]);
    calls[0]!.finish();
    await settled();
    expect(calls.map((call) => call.values)).toEqual([['lock'], ['other'], ['unlock']]);
    calls[2]!.finish();
    await settled();
    expect(calls.map((call) => call.values)).toEqual([['lock'], ['other'], ['unlock'], ['relock']]);
    calls[1]!.finish();
    calls[3]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['done lock', 'done unlock', 'done other', 'done relock']);
  });

  it('a batch takes at most maxBatch items; the rest go next', async () => {
    const { calls, submit } = harness({ maxBatch: 2 });
    const answers = [submit('a'), submit('b'), submit('c'), submit('d')];
    calls[0]!.finish();
    await settled();
    expect(calls.map((call) => call.values)).toEqual([['a'], ['b', 'c']]);
    calls[1]!.finish();
    await settled();
    expect(calls.map((call) => call.values)).toEqual([['a'], ['b', 'c'], ['d']]);
    calls[2]!.finish();
    await Promise.all(answers);
  });

  it('with minExtraBatch, a second statement goes while one runs only with that many items; alone, an item still goes at once', async () => {
    const { calls, submit } = harness({ maxActive: 2, minExtraBatch: 3 });
    const answers = [submit('a'), submit('b'), submit('c')];
    // 'a' went alone at once; 'b' and 'c' (2 < 3) wait although a lane is free.
    expect(calls.map((call) => call.values)).toEqual([['a']]);
    answers.push(submit('d'));
    // Three waiting: the second lane opens.
    expect(calls.map((call) => call.values)).toEqual([['a'], ['b', 'c', 'd']]);
    answers.push(submit('e'));
    calls[0]!.finish();
    await settled();
    // The batch still runs: 'e' alone does not open the second lane.
    expect(calls.map((call) => call.values)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1]!.finish();
    await settled();
    // Nothing runs: 'e' goes at once.
    expect(calls.map((call) => call.values)).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    calls[2]!.finish();
    await expect(Promise.all(answers)).resolves.toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
  });

  it('a statement slower than slowMs no longer holds back the next one', async () => {
    vi.useFakeTimers();
    const { calls, submit } = harness({ slowMs: 25 });
    const stuck = submit('stuck');
    const others = [submit('b'), submit('c')];
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(24);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((call) => call.values)).toEqual([['stuck'], ['b', 'c']]);
    calls[1]!.finish();
    await expect(Promise.all(others)).resolves.toEqual(['done b', 'done c']);
    calls[0]!.finish();
    await expect(stuck).resolves.toBe('done stuck');
  });

  it('an item that waits maxWaitMs behind its key fails with waitedTooLong; the running one is unaffected', async () => {
    vi.useFakeTimers();
    const { calls, submit } = harness({ maxWaitMs: 3000, slowMs: 25 });
    const first = submit('doc', 'first');
    const second = submit('doc', 'second');
    const failed = expect(second).rejects.toThrow(/^waited 3000/);
    await vi.advanceTimersByTimeAsync(3000);
    await failed;
    calls[0]!.finish();
    await expect(first).resolves.toBe('done first');
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(1);
  });

  it('runMany failing (not an outage) → its items are sent again one by one; one item failing fails only itself', async () => {
    const { calls, commit, submit } = harness();
    const first = submit('a');
    const later = ['b', 'c'].map((key) => submit(key));
    calls[0]!.finish();
    await first;
    await settled();
    calls[1]!.finish(new Error('deadlock detected'));
    await settled();
    expect(calls.map((call) => [call.kind, call.values])).toEqual([
      ['one', ['a']],
      ['many', ['b', 'c']],
      ['one', ['b']],
      ['one', ['c']],
    ]);
    calls[2]!.finish(new Error('b refused'));
    calls[3]!.finish();
    const [b, c] = await Promise.allSettled(later);
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('b refused') });
    expect(c).toEqual({ status: 'fulfilled', value: 'done c' });
    expect(commit.stats().retriedOneByOne).toBe(1);
  });

  it('items retried one by one are answered each when its own statement is: a slow one holds up nobody, and its key stays taken until then', async () => {
    const { calls, submit } = harness({ maxActive: 1 });
    const first = submit('a');
    const later = [submit('slow'), submit('quick')];
    calls[0]!.finish();
    await first;
    await settled();
    calls[1]!.finish(new Error('lock timeout'));
    await settled();
    expect(calls.map((call) => [call.kind, call.values])).toEqual([
      ['one', ['a']],
      ['many', ['slow', 'quick']],
      ['one', ['slow']],
      ['one', ['quick']],
    ]);
    calls[3]!.finish();
    await expect(later[1]).resolves.toBe('done quick');
    // The lane is free (the batch statement ended): another document goes at once; the slow
    // document's next change waits for its retried one.
    const other = submit('other');
    const slowAgain = submit('slow', 'slow again');
    expect(calls.map((call) => call.values).slice(4)).toEqual([['other']]);
    calls[4]!.finish();
    await other;
    calls[2]!.finish();
    await expect(later[0]).resolves.toBe('done slow');
    await settled();
    expect(calls.map((call) => call.values).slice(5)).toEqual([['slow again']]);
    calls[5]!.finish();
    await expect(slowAgain).resolves.toBe('done slow again');
  });

  it('runMany failing with an outage → every item fails with it, nothing is sent again', async () => {
    const { calls, submit } = harness();
    const first = submit('a');
    const later = ['b', 'c'].map((key) => submit(key));
    calls[0]!.finish();
    await first;
    await settled();
    calls[1]!.finish(new Error('outage'));
    const results = await Promise.allSettled(later);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toHaveLength(2);
  });
});
