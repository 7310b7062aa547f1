import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { env } from '@/lib/env';
import { asDatabaseUnavailable, unavailableError } from '@/lib/errors';
import { PrismaClient } from '@/lib/generated/prisma/client';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const POOL_SIZE = 10;
/** Batches of lock changes' own connections (getLockPool). */
const LOCK_POOL_SIZE = 4;
/** The client-side timer backs up the server's statement_timeout; it fires only when the server stopped answering. */
const QUERY_TIMEOUT_MARGIN_MS = 1000;

const globalForDb = globalThis as unknown as { wopiDb?: PrismaClient; wopiPool?: pg.Pool; wopiLockPool?: pg.Pool };

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * pg's query_timeout rejects the query but leaves it active on the connection, so whatever is
 * queued behind it (Prisma's ROLLBACK, the next borrower) would wait another full timeout.
 * Ending the connection instead fails the queue at once, and the pool drops the client (a
 * stalled server must never keep a dead connection in the pool).
 */
const endOnReadTimeout = (client: pg.PoolClient) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const onError = (error: unknown) => {
    if (error instanceof Error && error.message === 'Query read timeout') client.end().catch(() => {});
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (error: Error | null, result?: unknown) => {
        if (error) onError(error);
        (last as Callback)(error, result);
      };

      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) result.catch(onError);

    return result;
  };
};

/** A connection handed back inside a transaction (its ROLLBACK failed) is closed, never reused. */
const dropIfInTransaction = (error: Error | undefined, client: pg.PoolClient) => {
  const status = (client as unknown as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
  if (!error && (status === 'T' || status === 'E')) client.end().catch(() => {});
};

/** `extra`: pg-pool options @types/pg does not list yet (onConnect, pg-pool ≥ 3.8). */
const newPool = (max: number, extra: Record<string, unknown> = {}) => {
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start` (embedded Postgres) or set it.');
  const pool = new pg.Pool({
    ...poolConfigFromUrl(url),
    max,
    connectionTimeoutMillis: env.DB_CONNECT_TIMEOUT_MS,
    statement_timeout: env.DB_QUERY_TIMEOUT_MS,
    query_timeout: env.DB_QUERY_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS,
    keepAlive: true,
    ...extra,
  });
  pool.on('connect', endOnReadTimeout);
  pool.on('release', dropIfInTransaction);
  // An idle connection whose server went away: the pool drops it; nothing to do but not crash.
  pool.on('error', () => {});

  return pool;
};

/**
 * One connection pool per process, shared by Prisma and the WOPI hot path: the per-request
 * WOPI statements (context lookup, lock changes, audit) run as plain parameterised SQL, because
 * Prisma's query compiler costs more CPU than the queries themselves.
 *
 * Every wait is bounded: connecting (or waiting for a free connection) by DB_CONNECT_TIMEOUT_MS,
 * each statement by DB_QUERY_TIMEOUT_MS on the server (statement_timeout, which keeps the
 * connection) and one second later on the client (a stalled or unreachable server). Broken
 * connections leave the pool, so it recovers by itself when Postgres is back.
 */
export const getPool = (): pg.Pool => (globalForDb.wopiPool ??= newPool(POOL_SIZE));

/**
 * A connection of the shared pool for a plain-SQL transaction (BEGIN … COMMIT); the caller
 * releases it. Throws DependencyUnavailableError when Postgres cannot be reached in
 * DB_CONNECT_TIMEOUT_MS.
 */
export const checkOut = (): Promise<pg.PoolClient> =>
  getPool()
    .connect()
    .catch((error: unknown) => {
      throw asDatabaseUnavailable(error) ?? error;
    });

/** How long a batch of lock changes waits for a row lock before it gives up (and its changes go one by one). */
const LOCK_BATCH_ROW_WAIT_MS = 50;

/**
 * The few connections batches of WOPI lock changes run on (lib/locks/postgres-lock-with-context.ts
 * sends at most two at a time, more only while some are slow), with the main pool's bounds.
 * Their sessions:
 * - plan prepared statements generically (`plan_cache_mode`): the batch statement's arrays have
 *   no length Postgres can plan for, so it would otherwise re-plan a custom plan on every call
 *   (~0.4 ms of Postgres CPU; a generic plan: ~0.05 ms per change in a batch of 8);
 * - wait at most LOCK_BATCH_ROW_WAIT_MS for a row lock (`lock_timeout` → SQLSTATE 55P03): one
 *   held row must not hold up the other documents in the batch, nor keep one of these few
 *   connections (the changes are sent again one by one on the shared pool).
 * Set per session once connected, bounded by DB_CONNECT_TIMEOUT_MS (a failure drops the
 * connection), not in the startup packet: poolers such as PgBouncer refuse startup `options`.
 */
export const getLockPool = (): pg.Pool =>
  (globalForDb.wopiLockPool ??= newPool(LOCK_POOL_SIZE, {
    // pg-pool runs this before the connection's first borrower.
    onConnect: async (client: pg.PoolClient) => {
      await client.query({
        text: `SET plan_cache_mode = force_generic_plan; SET lock_timeout = ${LOCK_BATCH_ROW_WAIT_MS}`,
        query_timeout: env.DB_CONNECT_TIMEOUT_MS,
      } as pg.QueryConfig);
    },
  }));

/** One Prisma client per process (kept on globalThis so dev reloads do not leak pools). */
export const getDb = (): PrismaClient =>
  (globalForDb.wopiDb ??= new PrismaClient({
    adapter: new PrismaPg(getPool()),
    // Starting a transaction waits for a pooled connection, which is itself bounded.
    transactionOptions: { maxWait: env.DB_CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS },
  }));

/** Lazily connected client: importing this module opens nothing. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_, key) => {
    const client = getDb();
    const value: unknown = Reflect.get(client, key);

    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

/**
 * A parameterised statement on the shared pool (or `pool`). Hot statements pass a `name`:
 * Postgres then parses and plans them once per connection (a prepared statement), not on every
 * call. A database that is down, stalled or refusing throws DependencyUnavailableError (→ 503).
 */
export const sql = async <Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
  name?: string,
  pool: pg.Pool = getPool(),
) => {
  try {
    return await pool.query<Row>(name ? { name, text, values } : { text, values });
  } catch (error) {
    throw asDatabaseUnavailable(error) ?? error;
  }
};

/**
 * The instant (this server's clock) after which a write sent now must change nothing: the
 * client gives up on a statement DB_QUERY_TIMEOUT_MS + 1 s after sending it (query_timeout) and
 * answers 503, but a statement already on the wire when Postgres stalled still runs once it
 * wakes. Single-statement writes (lock changes, the PutFile commit) therefore gate on
 * `clock_timestamp() < deadline` (lateGate) and report when they were too late; the caller turns
 * that into the same DependencyUnavailableError (lateStatementError). Clocks: the 1 s margin
 * absorbs skew between this server and Postgres up to 1 s; more is logged (lateStatementError).
 * A statement that starts before the deadline and commits after it (a row-lock wait longer than
 * the margin) keeps the ordinary unknown outcome of any timeout.
 */
export const statementDeadline = (sentAt = Date.now()) => new Date(sentAt + env.DB_QUERY_TIMEOUT_MS);

/**
 * The CTE and condition of a deadline-gated statement: put `cte` in the WITH list (`on_time`,
 * evaluated once since it is referenced more than once) and AND `condition` into every write's
 * WHERE; select `condition AS "onTime"`. `deadline` is the placeholder of statementDeadline().
 */
export const lateGate = (deadline: string) => ({
  cte: `on_time AS MATERIALIZED (SELECT clock_timestamp() < ${deadline}::timestamptz AS ok, clock_timestamp() AS at)`,
  condition: '(SELECT ok FROM on_time)',
  /** Postgres's clock when the statement ran (select it as "dbNow" to report skew). */
  at: '(SELECT at FROM on_time)',
});

/**
 * The error for a gated write that arrived after its deadline and so changed nothing (→ 503,
 * what the client that sent it has most likely already answered). When the statement came back
 * well before this server thought the deadline had passed, Postgres's clock is ahead of ours:
 * that is said in the reason (logged), since every gated write fails until the clocks agree.
 */
export const lateStatementError = (deadline: Date, dbNow: Date | string | null | undefined) => {
  const skewMs = dbNow ? new Date(dbNow).getTime() - Date.now() : 0;
  const reason =
    Date.now() < deadline.getTime() && skewMs > QUERY_TIMEOUT_MARGIN_MS
      ? `statement refused as late: Postgres's clock is about ${Math.round(skewMs / 1000)} s ahead of this server's; synchronise the clocks (NTP)`
      : 'statement reached Postgres after the client had given up on it (a stall); it changed nothing';

  return unavailableError('database', reason);
};

/** Work that must finish on the current connections before they close (registered by its module). */
const beforeDisconnect = new Set<() => Promise<void>>();

/**
 * Registers `drain` to be awaited by every `disconnectDb()` before the pool closes (e.g. the
 * visible-object copies that follow commits, lib/documents/content.ts). Returns an unregister.
 */
export const onBeforeDisconnect = (drain: () => Promise<void>) => {
  beforeDisconnect.add(drain);

  return () => beforeDisconnect.delete(drain);
};

/** Closes the client and pool, after the registered work in flight has finished. */
export const disconnectDb = async () => {
  await Promise.all([...beforeDisconnect].map((drain) => drain().catch(() => {})));
  const { wopiDb, wopiPool, wopiLockPool } = globalForDb;
  globalForDb.wopiDb = undefined;
  globalForDb.wopiPool = undefined;
  globalForDb.wopiLockPool = undefined;
  await wopiDb?.$disconnect();
  await Promise.all([wopiPool?.end().catch(() => {}), wopiLockPool?.end().catch(() => {})]);
};
