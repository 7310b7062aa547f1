import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { env } from '@/lib/env';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';

/**
 * The checked-in migrations (applied to this tier's database by global-setup, as `npm start`
 * applies them) must build the database prisma/schema.prisma describes: a hand-written migration
 * that drifts from the schema makes the next `prisma migrate dev` generate a surprise migration,
 * or the client query columns that are not there. `prisma migrate diff` refuses to read a
 * database when prisma.config.ts names an adapter (the JS schema engine, which our machines
 * need), so the schema's own SQL (`--from-empty --to-schema-datamodel`) is applied to a scratch
 * database and the two catalogs are compared.
 */

/** Objects migrations make that schema.prisma cannot express, each with its reason (none yet). */
const OUTSIDE_THE_SCHEMA: Record<string, string> = {};

/**
 * What the schema's SQL needs first and Prisma cannot declare: the extensions and functions the
 * migrations create (statements split on ";" as the migration adapter applies them).
 */
const preludeOf = async () => {
  const dir = path.join(PROJECT_ROOT, 'prisma', 'migrations');
  const statements: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.match(/^\d{14}_/)) continue;
    const text = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    const code = text
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n');
    for (const statement of code.split(';').map((part) => part.trim()))
      if (/^CREATE (EXTENSION|OR REPLACE FUNCTION)\b/i.test(statement)) statements.push(statement);
  }

  return statements;
};

/**
 * Where Prisma can only approximate: a generated column is declared with a dbgenerated default
 * (which Postgres would refuse as a default), so the schema's SQL is given the real clause.
 */
const GENERATED_COLUMNS: [RegExp, string][] = [
  [
    /"searchName" TEXT DEFAULT wopi_search_fold\(name\)/,
    '"searchName" TEXT GENERATED ALWAYS AS (wopi_search_fold(name)) STORED',
  ],
];

const CATALOG = `
  SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' || coalesce(column_default, '')
         || ' ' || is_generated || ' ' || coalesce(generation_expression, '') AS item
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  UNION ALL
  SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  UNION ALL
  SELECT 'constraint ' || c.conrelid::regclass || '.' || c.conname || ': ' || pg_get_constraintdef(c.oid)
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
   WHERE n.nspname = 'public' AND c.conrelid <> 0 AND c.conrelid::regclass::text <> '"_prisma_migrations"' AND c.conrelid::regclass::text <> '_prisma_migrations'
  UNION ALL
  SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
  ORDER BY 1`;

const catalogOf = async (client: pg.Client) =>
  (await client.query<{ item: string }>(CATALOG)).rows
    .map((row) => row.item)
    .filter((item) => !Object.keys(OUTSIDE_THE_SCHEMA).some((name) => item.includes(name)));

const scratch = `drift_${process.pid}_${Date.now()}`;
const config = poolConfigFromUrl(env.DATABASE_URL!);
const admin = new pg.Client(config);
afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS "${scratch}"`).catch(() => {});
  await admin.end().catch(() => {});
});

describe('prisma/migrations ↔ prisma/schema.prisma', () => {
  it('the migrated database has exactly the columns, indexes, constraints and enums schema.prisma makes', async () => {
    const prisma = createRequire(import.meta.url).resolve('prisma/build/index.js');
    const { stdout: schemaSql } = await promisify(execFile)(
      process.execPath,
      [
        prisma,
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema-datamodel',
        path.join(PROJECT_ROOT, 'prisma', 'schema.prisma'),
        '--script',
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' }, maxBuffer: 16 * 1024 * 1024 },
    );
    await admin.connect();
    await admin.query(`CREATE DATABASE "${scratch}"`);
    const fresh = new pg.Client({ ...config, database: scratch });
    await fresh.connect();
    try {
      for (const statement of await preludeOf()) await fresh.query(statement);
      const generated = GENERATED_COLUMNS.reduce((text, [pattern, clause]) => {
        expect(text, `schema SQL declares ${pattern}`).toMatch(pattern);

        return text.replace(pattern, clause);
      }, schemaSql);
      await fresh.query(generated);
      const migrated = new pg.Client(config);
      await migrated.connect();
      try {
        expect(await catalogOf(migrated)).toEqual(await catalogOf(fresh));
      } finally {
        await migrated.end();
      }
    } finally {
      await fresh.end();
    }
  }, 60_000);
});
