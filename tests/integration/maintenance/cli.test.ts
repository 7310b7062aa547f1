import { execFile } from 'node:child_process';
import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { janitorLockKey } from '@/lib/documents/janitor';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { env } from '@/lib/env';
import { embeddedBucketDir, exists, objectFile, stageOrphanBlob, setPrivatePrefix } from './helpers';

const exec = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const prefix = setPrivatePrefix('cli');

/** `npm run cli -- maintenance …` as an operator runs it, on this file's prefix. */
const cli = async (...args: string[]) => {
  const { stdout } = await exec(TSX, ['scripts/cli.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...inject('runtimeEnv'), S3_PREFIX: prefix, STAGING_GRACE_SECONDS: '600' },
  });

  return JSON.parse(stdout) as Record<string, unknown> & { blobs: { removed: number; keys: string[] } };
};

describe('npm run cli -- maintenance run', () => {
  it.skipIf(embeddedBucketDir() === null)(
    'maintenance run --dry-run → JSON naming the hour-old staged blob, which stays; maintenance run → removes it',
    async () => {
      const blob = await stageOrphanBlob('staged an hour ago by a save that crashed');
      const anHourAgo = new Date(Date.now() - 3600_000);
      await utimes(objectFile(blob), anHourAgo, anHourAgo);

      const dry = await cli('maintenance', 'run', '--dry-run');
      expect(dry).toMatchObject({ dryRun: true, skipped: false, blobs: { removed: 1, keys: [blob] } });
      expect(await exists(blob)).toBe(true);

      const real = await cli('maintenance', 'run');
      expect(real).toMatchObject({ dryRun: false, blobs: { removed: 1, keys: [blob] } });
      expect(await exists(blob)).toBe(false);
    },
  );

  it('maintenance run while another instance runs the janitor → {"skipped":"another janitor is running"}, exit 0', async () => {
    const other = new pg.Client(poolConfigFromUrl(env.DATABASE_URL!));
    await other.connect();
    const key = janitorLockKey();
    try {
      await other.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      expect(await cli('maintenance', 'run')).toMatchObject({ skipped: 'another janitor is running' });
    } finally {
      await other.end();
    }
  });
});
