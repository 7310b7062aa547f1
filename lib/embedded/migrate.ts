import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { childProcessEnv } from '@/lib/env';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const pendingMigrations = async (databaseUrl: string) => {
  const dirs = (await readdir(path.join(PROJECT_ROOT, 'prisma', 'migrations'), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const client = new pg.Client(poolConfigFromUrl(databaseUrl));
  await client.connect();
  try {
    const result = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(result.rows.map((row) => row.migration_name));

    return dirs.filter((dir) => !applied.has(dir));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return dirs;
    throw error;
  } finally {
    await client.end();
  }
};

/**
 * Applies checked-in migrations with `prisma migrate deploy`, skipping the CLI (≈10 s) when the
 * database already has every migration.
 */
export const migrateDatabase = async (databaseUrl: string, log: (line: string) => void = () => {}) => {
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length === 0) return { applied: [] as string[] };
  log(`Applying ${pending.length} database migration(s)…`);
  const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy'], {
      cwd: PROJECT_ROOT,
      env: childProcessEnv({ DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0)
    throw new Error(`Database migration failed (prisma migrate deploy exited ${code}):\n${output.join('')}`);

  return { applied: pending };
};
