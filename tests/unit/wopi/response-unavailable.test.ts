import { afterEach, describe, expect, it, vi } from 'vitest';
import { unavailableError } from '@/lib/errors';
import { setRuntimeEnv } from '@/lib/env';

// lib/log creates its pino logger on import: silence it before response.ts pulls it in.
setRuntimeEnv({ LOG_LEVEL: 'silent' });
const { toFetchResponse, toWopiResponse: toReply } = await import('@/lib/wopi/response');
/** The reply as the fetch Response a client sees. */
const toWopiResponse = (...args: Parameters<typeof toReply>) => toFetchResponse(toReply(...args));
const { dependencyFailures, log: pinoLog } = await import('@/lib/log');

const logged: string[] = [];
const log = {
  info: () => {},
  warn: (_: object, msg: string) => void logged.push(`warn ${msg}`),
  error: (_: object, msg: string) => void logged.push(`error ${msg}`),
};

afterEach(() => {
  dependencyFailures.flush();
  vi.restoreAllMocks();
  logged.length = 0;
});

describe('toWopiResponse: a dependency that is down or stalled', () => {
  it('storage unavailable → 503 + Retry-After, empty body, X-WOPI-ServerError naming it', async () => {
    const response = toWopiResponse(unavailableError('storage', 'socket timed out'), { log, requestId: 'r1' });
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(response.headers.get('X-WOPI-ServerError')).toBe('storage unavailable (request r1)');
    expect(await response.text()).toBe('');
  });

  it('a Prisma "can\'t reach database" error → 503 + Retry-After (not 500)', () => {
    const prisma = Object.assign(new Error("Can't reach database server"), {
      name: 'PrismaClientKnownRequestError',
      code: 'P1001',
    });
    const response = toWopiResponse(prisma, { log, requestId: 'r2' });
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
  });

  it('1,000 failed requests → one log line now and one count per interval, no stack trace per request', () => {
    const warn = vi.spyOn(pinoLog, 'warn');
    for (let i = 0; i < 1000; i++)
      toWopiResponse(unavailableError('database', 'Query read timeout'), { log, requestId: `r${i}` });
    dependencyFailures.flush();
    expect(logged).toEqual([]); // nothing through the per-request logger
    expect(warn.mock.calls.map((call) => call[1])).toEqual([
      'database unavailable: Query read timeout',
      'database unavailable: 999 requests failed in the last 10 s',
    ]);
  });
});
