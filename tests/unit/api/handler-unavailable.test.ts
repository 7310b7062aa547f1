import { afterAll, describe, expect, it } from 'vitest';
import { unavailableError } from '@/lib/errors';
import { setRuntimeEnv } from '@/lib/env';

// lib/log creates its pino logger on import: silence it before handler.ts pulls it in.
const previousLogLevel = process.env.LOG_LEVEL;
setRuntimeEnv({ LOG_LEVEL: 'silent' });
const { toApiResponse } = await import('@/lib/api/handler');
const { dependencyFailures } = await import('@/lib/log');

afterAll(() => {
  dependencyFailures.flush();
  setRuntimeEnv({ LOG_LEVEL: previousLogLevel });
});

describe('toApiResponse: a dependency that is down or stalled', () => {
  it('database unavailable → 503 + Retry-After with { error: { code, message, retryAfterSeconds } }', async () => {
    const response = toApiResponse(
      unavailableError('database', 'Query read timeout'),
      new Request('http://portal.test/api/documents'),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await response.json()).toEqual({
      error: {
        code: 'database_unavailable',
        message: 'The database is unavailable; try again shortly.',
        retryAfterSeconds: 5,
      },
    });
  });

  it('pg "timeout exceeded when trying to connect" thrown through Prisma → 503, not 500', () => {
    const response = toApiResponse(
      new Error('timeout exceeded when trying to connect'),
      new Request('http://portal.test/api/documents'),
    );
    expect(response.status).toBe(503);
  });
});
