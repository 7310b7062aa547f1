import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '@/lib/env';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const createDb = () => {
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start` (embedded Postgres) or set it.');

  return new PrismaClient({ adapter: new PrismaPg({ ...poolConfigFromUrl(url), max: 10 }) });
};

const globalForDb = globalThis as unknown as { wopiDb?: PrismaClient };

/** One Prisma client per process (kept on globalThis so dev reloads do not leak pools). */
export const getDb = (): PrismaClient => (globalForDb.wopiDb ??= createDb());

/** Lazily connected client: importing this module opens nothing. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get: (_, key) => {
    const client = getDb();
    const value: unknown = Reflect.get(client, key);

    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

export const disconnectDb = async () => {
  await globalForDb.wopiDb?.$disconnect();
  globalForDb.wopiDb = undefined;
};
