import { describe, expect, it } from 'vitest';
import {
  asDatabaseUnavailable,
  conflictError,
  DependencyUnavailableError,
  DomainError,
  RETRY_AFTER_SECONDS,
  unavailableError,
  unavailableOf,
} from '@/lib/errors';

/** Shapes as pg, the Prisma driver adapter and Prisma throw them (measured against a stopped or killed Postgres). */
const pgError = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);
const prismaError = (name: string, code: string | undefined, message: string, meta?: unknown) =>
  Object.assign(new Error(message), { name, code, meta });

describe('DependencyUnavailableError (kind "unavailable")', () => {
  it('is a DomainError naming the dependency, with Retry-After seconds in its details', () => {
    const error = unavailableError('storage', 'socket timed out');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.kind).toBe('unavailable');
    expect(error.code).toBe('storage_unavailable');
    expect(error.reason).toBe('socket timed out');
    expect(error.details).toEqual({ retryAfterSeconds: RETRY_AFTER_SECONDS });
  });
});

describe('unavailableOf: which throws mean "Postgres or S3 unavailable" (→ 503)', () => {
  it.each([
    ['pg: connect timed out (stalled server)', pgError('timeout exceeded when trying to connect')],
    ['pg: query read timeout (stalled server)', pgError('Query read timeout')],
    ['pg: connection timeout while connecting', pgError('Connection terminated due to connection timeout')],
    ['pg: server went away', pgError('Connection terminated unexpectedly')],
    ['pg: statement_timeout (57014)', pgError('canceling statement', { code: '57014', severity: 'ERROR' })],
    [
      'pg: shutting down (57P03)',
      pgError('the database system is shutting down', { code: '57P03', severity: 'FATAL' }),
    ],
    [
      'Prisma P1001 (killed server)',
      prismaError('PrismaClientKnownRequestError', 'P1001', "Can't reach database server"),
    ],
    ['Prisma P2024 (pool timeout)', prismaError('PrismaClientKnownRequestError', 'P2024', 'Timed out fetching')],
    [
      'Prisma P2010 raw query with a driver adapter error inside',
      prismaError('PrismaClientKnownRequestError', 'P2010', 'Raw query failed.', {
        driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } },
      }),
    ],
    [
      'DriverAdapterError with a FATAL 57P01',
      Object.assign(new Error('terminating connection'), {
        name: 'DriverAdapterError',
        cause: { kind: 'postgres', code: '57P01', message: 'terminating connection' },
      }),
    ],
  ])('%s → database', (_, error) => {
    expect(unavailableOf(error)?.dependency).toBe('database');
  });

  it('a wrapped error anywhere in the cause chain is found as it is', () => {
    const inner = unavailableError('storage', 'ECONNREFUSED');
    expect(unavailableOf(new Error('commit failed', { cause: inner }))).toBe(inner);
  });

  it.each([
    ['a unique violation', prismaError('PrismaClientKnownRequestError', 'P2002', 'Unique constraint failed')],
    ['a programming error', new TypeError('x is undefined')],
    ['a domain conflict', conflictError('name_conflict', 'Taken.')],
    ['a socket error outside the database (an editor unreachable)', pgError('fetch failed', { code: 'ECONNREFUSED' })],
    ['nothing', undefined],
  ])('%s → not unavailable', (_, error) => {
    expect(unavailableOf(error)).toBeUndefined();
  });

  it('the reason is the line of the driver message that says what happened', () => {
    const error = prismaError(
      'PrismaClientKnownRequestError',
      'P1001',
      "\nInvalid `db.user.findFirst()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5432",
    );
    expect(asDatabaseUnavailable(error)?.reason).toBe("Can't reach database server at 127.0.0.1:5432");
    expect(asDatabaseUnavailable(error)).toBeInstanceOf(DependencyUnavailableError);
  });
});
