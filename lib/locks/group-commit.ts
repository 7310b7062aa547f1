/**
 * Group commit: items submitted while earlier batches are still in Postgres are sent together,
 * as ONE statement, when a lane frees up. Under load this turns N statements (each paying
 * Postgres's per-statement parse/bind/executor start-up and a commit) into one; alone, an item
 * goes at once, on its own (`runOne`), with no added wait.
 *
 * Rules (tests/integration/locks/lock-group-commit.test.ts):
 * - At most `maxActive` batches run at once. A batch running longer than `slowMs` (a row lock
 *   held by a long transaction, a stalled server) stops counting against that limit, so one slow
 *   document never holds up the others (lanes are then bounded by the pool's size).
 * - Items with the same key (a document) never share a batch and never run at once: a second one
 *   waits until the first is answered, and same-key items go in arrival order. Within one process
 *   this keeps two batches from ever locking the same rows; `runMany` orders its row locks by key
 *   to make a deadlock with another instance's batch unlikely.
 * - An item that waited `maxWaitMs` without being sent fails with `waitedTooLong()` (bounded,
 *   like waiting for a pooled connection).
 * - When `runMany` fails with an error that `isRetriedOneByOne` accepts (a deadlock, anything
 *   not an outage), its items are sent again one by one (`runOne`): a batch statement changes
 *   everything or nothing, so this is safe, and one item's failure stays that item's.
 */
export type GroupCommitOptions<Item, Result> = {
  keyOf: (item: Item) => string;
  runOne: (item: Item) => Promise<Result>;
  /** Results in the order of `items` (two or more, distinct keys). */
  runMany: (items: Item[]) => Promise<Result[]>;
  isRetriedOneByOne: (error: unknown) => boolean;
  maxActive: number;
  slowMs: number;
  maxBatch: number;
  maxWaitMs: number;
  waitedTooLong: (waitedMs: number) => Error;
};

type Waiting<Item, Result> = {
  item: Item;
  key: string;
  since: number;
  timer: NodeJS.Timeout | undefined;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};

export type GroupCommit<Item, Result> = {
  submit: (item: Item) => Promise<Result>;
  /** Batches and items sent so far (the bench and tests read them). */
  stats: () => { batches: number; items: number; retriedOneByOne: number };
};

export const createGroupCommit = <Item, Result>(
  options: GroupCommitOptions<Item, Result>,
): GroupCommit<Item, Result> => {
  let queue: Waiting<Item, Result>[] = [];
  /** Keys with an item in a running batch. */
  const running = new Set<string>();
  let active = 0;
  const stats = { batches: 0, items: 0, retriedOneByOne: 0 };

  const settle = (waiting: Waiting<Item, Result>[], results: PromiseSettledResult<Result>[]) => {
    waiting.forEach((entry, index) => {
      const result = results[index]!;
      if (result.status === 'fulfilled') entry.resolve(result.value);
      else entry.reject(result.reason);
    });
  };

  const runBatch = async (items: Item[]): Promise<PromiseSettledResult<Result>[]> => {
    if (items.length === 1) return Promise.allSettled([options.runOne(items[0]!)]);
    try {
      return (await options.runMany(items)).map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      if (!options.isRetriedOneByOne(error)) return items.map(() => ({ status: 'rejected', reason: error }));
      stats.retriedOneByOne += 1;

      return Promise.allSettled(items.map((item) => options.runOne(item)));
    }
  };

  const send = (batch: Waiting<Item, Result>[]) => {
    active += 1;
    stats.batches += 1;
    stats.items += batch.length;
    for (const entry of batch) {
      running.add(entry.key);
      clearTimeout(entry.timer);
    }
    let isCounted = true;
    const slow = setTimeout(() => {
      isCounted = false;
      active -= 1;
      pump();
    }, options.slowMs);
    slow.unref();
    void runBatch(batch.map((entry) => entry.item)).then((results) => {
      clearTimeout(slow);
      if (isCounted) active -= 1;
      for (const entry of batch) running.delete(entry.key);
      settle(batch, results);
      pump();
    });
  };

  const pump = () => {
    while (active < options.maxActive && queue.length > 0) {
      const batch: Waiting<Item, Result>[] = [];
      const keys = new Set<string>();
      const rest: Waiting<Item, Result>[] = [];
      for (const entry of queue) {
        // A key already running or taken waits, and so do its later items (arrival order).
        if (batch.length < options.maxBatch && !running.has(entry.key) && !keys.has(entry.key)) {
          batch.push(entry);
          keys.add(entry.key);
        } else {
          keys.add(entry.key);
          rest.push(entry);
        }
      }
      if (batch.length === 0) return;
      queue = rest;
      send(batch);
    }
  };

  const expire = (entry: Waiting<Item, Result>) => {
    const at = queue.indexOf(entry);
    if (at === -1) return;
    queue.splice(at, 1);
    entry.reject(options.waitedTooLong(performance.now() - entry.since));
  };

  return {
    submit: (item) =>
      new Promise<Result>((resolve, reject) => {
        const entry: Waiting<Item, Result> = {
          item,
          key: options.keyOf(item),
          since: performance.now(),
          timer: undefined,
          resolve,
          reject,
        };
        queue.push(entry);
        pump();
        if (queue.includes(entry)) {
          entry.timer = setTimeout(() => expire(entry), options.maxWaitMs);
          entry.timer.unref();
        }
      }),
    stats: () => ({ ...stats }),
  };
};
