import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { startPortal, type Portal } from '../../scripts/lib/portal';
import { sendApiCallsTo } from './portal-http';

/**
 * A throwaway production portal (scripts/lib/portal.ts startPortal: `next build` output, embedded
 * Postgres and S3, LOG_LEVEL=warn) whose output is kept in `output` instead of printed: tests read
 * it, and a failed start throws with its last 40 lines. With `isEmbeddedOnly: false`, `env` may
 * point it at other services (DATABASE_URL, S3_ENDPOINT).
 */
export const startCapturedPortal = async (
  label: string,
  output: string[],
  env: Record<string, string> = {},
  { isEmbeddedOnly = true }: { isEmbeddedOnly?: boolean } = {},
): Promise<Portal> =>
  startPortal({
    label,
    log: () => {},
    isEmbeddedOnly,
    output: { write: (line: string) => output.push(line) } as unknown as NodeJS.WriteStream,
    env: { LOG_LEVEL: 'warn', ...env },
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${output.slice(-40).join('')}`);
  });

/**
 * A production portal of this test file's own with settings of its own (`env`: WOPI_CLIENTS,
 * PUBLIC_URL, another DATABASE_URL…), on the integration tier's Postgres and S3 with the tier's
 * secrets (tests/integration/global-setup.ts runtimeEnv), so sessions and rows the test makes
 * in-process are the portal's. No sample documents; the accounts a first start seeds (only on a
 * database without users) get unique emails and are removed again once it is up.
 */
export const startTierPortal = async (label: string, output: string[], env: Record<string, string> = {}) => {
  const { DATA_DIR: _tierDataDir, LOG_LEVEL: _tierLogLevel, ...tier } = inject('runtimeEnv');
  const seeded = [`seed-admin-${randomUUID()}@test.example`, `seed-user-${randomUUID()}@test.example`];
  const settings: Record<string, string> = {
    ...tier,
    SEED_SAMPLE_DOCUMENTS: 'false',
    // Its start-up janitor must not sync the tier's unopened folders (other files' rows) against a
    // private S3_PREFIX, where they are empty; a file that tests that step turns it on.
    JANITOR_SYNC_FOLDERS: 'false',
    SEED_ADMIN_EMAIL: seeded[0]!,
    SEED_USER_EMAIL: seeded[1]!,
    ...env,
  };
  const portal = await startCapturedPortal(label, output, settings, { isEmbeddedOnly: false });
  const client = new pg.Client(poolConfigFromUrl(settings.DATABASE_URL!));
  await client.connect();
  try {
    await client.query('DELETE FROM "User" WHERE email = ANY($1)', [seeded]);
  } finally {
    await client.end();
  }

  return portal;
};

/**
 * For a test file whose portal needs settings of its own: before its tests, `startTierPortal`
 * with `env`, and every API helper (tests/support/portal-http.ts) sends to it; after them, it is
 * stopped. Returns its output (lines) and the portal once started.
 */
export const portalOfThisFile = (label: string, env: Record<string, string> = {}) => {
  const output: string[] = [];
  let portal: Portal | undefined;
  beforeAll(async () => {
    portal = await startTierPortal(label, output, env);
    sendApiCallsTo(portal.baseUrl);
  }, 240_000);
  afterAll(async () => {
    sendApiCallsTo(undefined);
    await portal?.stop();
  });

  return { output, portal: () => portal! };
};
