import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFailureLog } from '@/lib/log';

const lines: string[] = [];
const logger = { warn: (_: object, msg: string) => void lines.push(msg) };

beforeEach(() => {
  vi.useFakeTimers();
  lines.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('createFailureLog: one line per interval per failing dependency, never one per request', () => {
  it('the first failure at once, then "N requests failed in the last 10 s" while it lasts, then quiet', () => {
    const failures = createFailureLog({ intervalMs: 10_000, logger: () => logger });
    failures.note('database', 'Query read timeout');
    for (let i = 0; i < 1234; i++) failures.note('database', 'timeout exceeded when trying to connect');
    expect(lines).toEqual(['database unavailable: Query read timeout']);

    vi.advanceTimersByTime(10_000);
    expect(lines.at(-1)).toBe('database unavailable: 1,234 requests failed in the last 10 s');
    failures.note('database', 'Query read timeout');
    vi.advanceTimersByTime(10_000);
    expect(lines.at(-1)).toBe('database unavailable: 1 request failed in the last 10 s');

    // A quiet interval ends the outage; the next failure is news again.
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(3);
    failures.note('database', 'ECONNREFUSED');
    expect(lines.at(-1)).toBe('database unavailable: ECONNREFUSED');
  });

  it('dependencies are counted apart; flush writes what is pending', () => {
    const failures = createFailureLog({ intervalMs: 10_000, logger: () => logger });
    failures.note('database', 'a');
    failures.note('storage', 'b');
    failures.note('storage', 'c');
    failures.flush();
    expect(lines).toEqual([
      'database unavailable: a',
      'storage unavailable: b',
      'storage unavailable: 1 request failed in the last 10 s',
    ]);
  });
});
