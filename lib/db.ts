import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { env } from '@/lib/env';
import { PrismaClient } from '@/lib/generated/prisma/client';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const POOL_SIZE = 10;

const globalForDb = globalThis as unknown as { wopiDb?: PrismaClient; wopiPool?: pg.Pool };

/**
 * One connection pool per process, shared by Prisma and the WOPI hot path: the per-request
 * WOPI statements (context lookup, lock changes, audit) run as plain parameterised SQL, because
 * Prisma's query compiler costs more CPU than the queries themselves.
 */
export const getPool = (): pg.Pool => {
  if (globalForDb.wopiPool) return globalForDb.wopiPool;
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start` (embedded Postgres) or set it.');
  globalForDb.wopiPool = new pg.Pool({ ...poolConfigFromUrl(url), max: POOL_SIZE });

  return globalForDb.wopiPool;
};

/** One Prisma client per process (kept on globalThis so dev reloads do not leak pools). */
export const getDb = (): PrismaClient =>
  (globalForDb.wopiDb ??= new PrismaClient({ adapter: new PrismaPg(getPool()) }));

/** Lazily connected client: importing this module opens nothing. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_, key) => {
    const client = getDb();
    const value: unknown = Reflect.get(client, key);

    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

/**
 * A parameterised statement on the shared pool. Hot statements pass a `name`: Postgres then
 * parses and plans them once per connection (a prepared statement), not on every call.
 */
export const sql = async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = [], name?: string) =>
  getPool().query<Row>(name ? { name, text, values } : { text, values });

export const disconnectDb = async () => {
  const { wopiDb, wopiPool } = globalForDb;
  globalForDb.wopiDb = undefined;
  globalForDb.wopiPool = undefined;
  await wopiDb?.$disconnect();
  await wopiPool?.end().catch(() => {});
};
