/**
 * Group commit: items submitted while earlier batches are still in Postgres are sent together,
 * as ONE statement, when a lane frees up. Under load this turns N statements (each paying
 * Postgres's per-statement parse/bind/executor start-up and a commit) into one; alone, an item
 * goes at once, on its own (`runOne`), with no added wait.
 *
 * Rules (tests/unit/locks/group-commit*.test.ts; on Postgres, tests/integration/locks/lock-group-commit*.test.ts):
 * - At most `maxActive` batches run at once, and while one runs another goes only with at least
 *   `minExtraBatch` items. A batch running longer than `slowMs` (a stalled server, a row it
 *   waits for) stops counting against these limits, so it never holds up the others (lanes are
 *   then bounded by the pool's size).
 * - Items with the same key (a document) never share a batch and never run at once: a second one
 *   waits until the first is answered, and same-key items go in arrival order. Within one process
 *   this keeps two batches from ever locking the same rows.
 * - An item that waited `maxWaitMs` without being sent fails with `waitedTooLong()` (bounded,
 *   like waiting for a pooled connection).
 * - When `runMany` fails with an error that `isRetriedOneByOne` accepts (a row it would have
 *   waited for, a deadlock, anything not an outage), its items are sent again one by one
 *   (`runOne`): a batch statement changes everything or nothing, so this is safe, and one item's
 *   wait or failure stays that item's.
 * - Every item is answered exactly once, whatever the callbacks throw or return.
 */
export type GroupCommitOptions<Item, Result> = {
  keyOf: (item: Item) => string;
  runOne: (item: Item) => Promise<Result>;
  /** Results in the order of `items` (two or more, distinct keys). */
  runMany: (items: Item[]) => Promise<Result[]>;
  isRetriedOneByOne: (error: unknown) => boolean;
  maxActive: number;
  /** While a batch runs, another goes only with at least this many items (default 1). */
  minExtraBatch?: number;
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
  isAnswered: boolean;
};

export type GroupCommit<Item, Result> = {
  submit: (item: Item) => Promise<Result>;
  /** Batches and items sent so far (the bench and tests read them). */
  stats: () => { batches: number; items: number; retriedOneByOne: number };
  /** Resolves once nothing waits and no batch is under way (before the pool closes). */
  idle: () => Promise<void>;
};

export const createGroupCommit = <Item, Result>(
  options: GroupCommitOptions<Item, Result>,
): GroupCommit<Item, Result> => {
  let queue: Waiting<Item, Result>[] = [];
  /** Keys with an item in a running batch. */
  const running = new Set<string>();
  let active = 0;
  const stats = { batches: 0, items: 0, retriedOneByOne: 0 };

  /** Batches and one-by-one retries under way (idle() waits for them). */
  const underway = new Set<Promise<void>>();

  /** Answers `entry` once and frees its key (its document's next change may go). */
  const answer = (entry: Waiting<Item, Result>, outcome: PromiseSettledResult<Result>) => {
    if (entry.isAnswered) return;
    entry.isAnswered = true;
    running.delete(entry.key);
    if (outcome.status === 'fulfilled') entry.resolve(outcome.value);
    else entry.reject(outcome.reason);
  };
  const failed = (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason });

  /** `runOne`, started synchronously; a synchronous throw becomes a rejection. Answers `entry`. */
  const sendOne = async (entry: Waiting<Item, Result>) => {
    try {
      answer(entry, { status: 'fulfilled', value: await options.runOne(entry.item) });
    } catch (error) {
      answer(entry, failed(error));
    }
  };

  /**
   * Sends `batch`; resolves once its statement is done, every entry answered by then, except
   * after a failure that is retried one by one: each entry is then answered when its own
   * statement is, independently of the others (a row one of them waits for holds up only it).
   * Never rejects.
   */
  const runBatch = async (batch: Waiting<Item, Result>[]) => {
    if (batch.length === 1) return sendOne(batch[0]!);
    let results: Result[];
    try {
      results = await options.runMany(batch.map((entry) => entry.item));
      if (results.length !== batch.length)
        throw new Error(`runMany: ${results.length} results for ${batch.length} items`);
    } catch (error) {
      if (!options.isRetriedOneByOne(error)) {
        for (const entry of batch) answer(entry, failed(error));
        return;
      }
      stats.retriedOneByOne += 1;
      // Each retried entry frees its key when answered: the queue looks again then.
      const retried = Promise.all(batch.map((entry) => sendOne(entry).then(pump))).then(() => {
        underway.delete(retried);
      });
      underway.add(retried);

      return;
    }
    batch.forEach((entry, index) => answer(entry, { status: 'fulfilled', value: results[index]! }));
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
    const done = runBatch(batch)
      .catch((error: unknown) => {
        for (const entry of batch) answer(entry, failed(error));
      })
      .then(() => {
        clearTimeout(slow);
        if (isCounted) active -= 1;
        underway.delete(done);
        pump();
      });
    underway.add(done);
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
      // A lane beyond the first opens only for a batch worth its statement.
      if (active > 0 && batch.length < (options.minExtraBatch ?? 1)) return;
      queue = rest;
      send(batch);
    }
  };

  const expire = (entry: Waiting<Item, Result>) => {
    const at = queue.indexOf(entry);
    if (at === -1) return;
    queue.splice(at, 1);
    entry.isAnswered = true;
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
          isAnswered: false,
        };
        queue.push(entry);
        pump();
        if (queue.includes(entry)) {
          entry.timer = setTimeout(() => expire(entry), options.maxWaitMs);
          entry.timer.unref();
        }
      }),
    stats: () => ({ ...stats }),
    // Waiting items are always behind something under way (a batch or a retried item).
    idle: async () => {
      while (underway.size > 0) await Promise.all(underway);
    },
  };
};
