import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/** libpq's sslmode: require/prefer encrypt only, verify-ca checks the chain, verify-full also the host. */
const sslOptions = (sslmode: string | null): pg.PoolConfig['ssl'] => {
  if (!sslmode || sslmode === 'disable' || sslmode === 'allow') return undefined;
  if (sslmode === 'verify-full') return { rejectUnauthorized: true };
  if (sslmode === 'verify-ca') return { rejectUnauthorized: true, checkServerIdentity: () => undefined };

  return { rejectUnauthorized: false };
};

/** Discrete connection fields: a connection string makes adapter-pg's shadow database point at the main one. */
export const poolConfigFromUrl = (url: string): pg.PoolConfig => {
  const parsed = new URL(url);

  return {
    host: decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    ssl: sslOptions(parsed.searchParams.get('sslmode')),
    options: parsed.searchParams.get('schema') ? `-c search_path=${parsed.searchParams.get('schema')}` : undefined,
  };
};

// OIDs adapter-pg can decode (its conversion table); catalog types outside it (name, "char",
// regclass, oidvector, …) break the JS schema engine: prisma/orm issue 27403.
const DECODABLE = new Set([
  16, 17, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1560, 1562,
  1700, 2950, 3802, 1561, 1000, 1001, 1014, 1002, 651, 1182, 1021, 1022, 1041, 1005, 1007, 1016, 3807, 199, 791, 1231,
  1028, 1009, 1115, 1185, 1183, 2951, 1563, 1015, 143,
]);
const FIRST_NORMAL_OBJECT_ID = 16384;
const TEXT = 25;
const TEXT_ARRAY = 1009;

type Field = { dataTypeID: number };
type Result = { fields?: Field[]; rows?: unknown[][] };

const asText = (value: unknown) => {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);

  return JSON.stringify(value);
};

/** Rewrites undecodable catalog columns to text (or text[] when pg parsed an array). */
const textifyResult = (result: Result) => {
  result.fields?.forEach((field, index) => {
    if (field.dataTypeID >= FIRST_NORMAL_OBJECT_ID || DECODABLE.has(field.dataTypeID)) return;
    const rows = result.rows ?? [];
    const isArray = rows.some((row) => Array.isArray(row?.[index]));
    field.dataTypeID = isArray ? TEXT_ARRAY : TEXT;
    for (const row of rows) {
      if (!Array.isArray(row)) continue;
      const value = row[index];
      row[index] = Array.isArray(value) ? value.map(asText) : asText(value);
    }
  });

  return result;
};

type Queryable = { query: (...args: unknown[]) => unknown };

const SHADOW_DROP = /^DROP DATABASE "prisma_migrate_shadow_db_[0-9a-f-]+"$/;

type Callback = (error: Error | null, result?: Result) => void;

const patchQuery = (target: Queryable) => {
  const original = target.query;
  target.query = function (this: unknown, ...args: unknown[]) {
    // adapter-pg drops the shadow database before closing its pool on it: force the drop.
    if (typeof args[0] === 'string' && SHADOW_DROP.test(args[0])) args[0] = `${args[0]} WITH (FORCE)`;
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as Callback;
      args[args.length - 1] = (error: Error | null, result?: Result) =>
        callback(error, result && textifyResult(result));

      return original.apply(this, args);
    }
    const out = original.apply(this, args);
    if (out && typeof (out as Promise<Result>).then === 'function') return (out as Promise<Result>).then(textifyResult);

    return out;
  };
};

const PATCHED = Symbol.for('wopi.pg-textify');

/**
 * Adapter for the Prisma CLI's JS schema engine (migrate), with the catalog-type workaround.
 * The patch is process-wide on pg.Client because adapter-pg opens its own pool for the shadow
 * database; it is only ever installed in the Prisma CLI process, never in the app.
 */
export const createMigrationAdapter = (url: string) => {
  const proto = pg.Client.prototype as unknown as Queryable & { [PATCHED]?: boolean };
  if (!proto[PATCHED]) {
    patchQuery(proto);
    proto[PATCHED] = true;
    // The forced drop ends the shadow pool's idle connections, which adapter-pg has no
    // 'error' listener for; that one error (57P01 admin_shutdown) is expected, nothing else is.
    process.on('uncaughtException', (error: Error & { code?: string }) => {
      if (error.code === '57P01') return;
      throw error;
    });
  }

  return new PrismaPg(poolConfigFromUrl(url));
};
