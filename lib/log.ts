import pino from 'pino';
import { env } from '@/lib/env';

/** Structured logs. Tokens, passwords and cookies are redacted wherever they appear. */
export const log = pino({
  level: env.LOG_LEVEL,
  base: undefined,
  redact: {
    paths: [
      'access_token',
      '*.access_token',
      'accessToken',
      '*.accessToken',
      'password',
      '*.password',
      'headers.authorization',
      'headers.cookie',
      '*.headers.authorization',
      '*.headers.cookie',
    ],
    censor: '[redacted]',
  },
});

type FailureLogger = { warn: (obj: object, msg: string) => void };

/** How often a failing dependency's count is written. */
export const FAILURE_LOG_INTERVAL_MS = 10_000;

const formatCount = (count: number) => count.toLocaleString('en-US');

/**
 * Counts failures per dependency and writes one line per interval instead of a stack trace per
 * request: the first failure of an outage at once ("database unavailable: <reason>"), then
 * "database unavailable: 1,234 requests failed in the last 10 s" every interval while it lasts.
 * A 20 s outage under load is then a handful of lines, not tens of thousands of traces.
 */
export const createFailureLog = ({
  intervalMs = FAILURE_LOG_INTERVAL_MS,
  logger,
}: {
  intervalMs?: number;
  logger: () => FailureLogger;
}) => {
  type Outage = { count: number; reason: string; timer: NodeJS.Timeout };
  const outages = new Map<string, Outage>();
  const seconds = `${Math.round(intervalMs / 100) / 10} s`;
  const write = (dependency: string, outage: Outage) =>
    logger().warn(
      { dependency, failed: outage.count, reason: outage.reason },
      `${dependency} unavailable: ${formatCount(outage.count)} ${outage.count === 1 ? 'request' : 'requests'} failed in the last ${seconds}`,
    );
  // Each interval: the count so far, or (none since the last line) the outage is over.
  const tick = (dependency: string) => {
    const outage = outages.get(dependency);
    if (!outage) return;
    if (outage.count === 0) {
      outages.delete(dependency);

      return;
    }
    write(dependency, outage);
    outage.count = 0;
    outage.timer = setTimeout(() => tick(dependency), intervalMs).unref();
  };

  return {
    /** One failed request because `dependency` is unavailable. */
    note: (dependency: string, reason: string) => {
      const outage = outages.get(dependency);
      if (outage) {
        outage.count += 1;
        outage.reason = reason;

        return;
      }
      logger().warn({ dependency, reason }, `${dependency} unavailable: ${reason}`);
      outages.set(dependency, { count: 0, reason, timer: setTimeout(() => tick(dependency), intervalMs).unref() });
    },
    /** Writes what is pending now and forgets every outage (tests, shutdown). */
    flush: () => {
      for (const [dependency, outage] of outages) {
        clearTimeout(outage.timer);
        if (outage.count > 0) write(dependency, outage);
      }
      outages.clear();
    },
  };
};

/** The process-wide failure log both edges (WOPI, portal API) count dependency failures in. */
export const dependencyFailures = createFailureLog({ logger: () => log });
