import { appendFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { migrateDatabase } from '@/lib/embedded/migrate';
import { startServices } from '@/lib/embedded/services';
import { loadEnv, setRuntimeEnv } from '@/lib/env';
import { ensureBuild } from '../../scripts/lib/build';
import { ACCOUNTS, startPortal, type Portal } from '../../scripts/lib/portal';
import { freePort } from '../support/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeEnv: Record<string, string>;
    /** The production portal's origin (its PUBLIC_URL), e.g. http://127.0.0.1:41234. */
    portalOrigin: string;
    /** The file the production portal's output (stdout and stderr, line by line) is appended to. */
    portalLog: string;
  }
}

const say = (line: string) => process.stdout.write(`[integration] ${line}\n`);

/** SIGKILL to what is left of the portal's process group (it runs detached: the group is its pid). */
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
};

/**
 * The production portal (`npm start`: scripts/start.ts → the bundled server → the Next.js
 * child) on a free loopback port, attached to the tier's Postgres and S3 with the tier's secrets,
 * so sessions and tokens minted in the test process are accepted. Builds first when the sources
 * changed (scripts/lib/build.ts: the stamp lets the e2e tier reuse the build). The accounts the
 * first start seeds are removed again: tests count users.
 */
const startProductionPortal = async (runtimeEnv: Record<string, string>, logFile: string) => {
  await ensureBuild({ log: say });
  const output: string[] = [];
  const sink = (line: string) => {
    output.push(line);
    if (output.length > 200) output.shift();
    try {
      appendFileSync(logFile, line);
    } catch {
      // the tier is over (its DATA_DIR removed)
    }
  };
  // DATA_DIR stays startPortal's own (secrets, runtime.json); the services are the tier's.
  const { DATA_DIR: _tierDataDir, ...shared } = runtimeEnv;
  const portal: Portal = await startPortal({
    label: 'integration',
    log: () => {},
    output: { write: sink } as unknown as NodeJS.WriteStream,
    env: {
      ...shared,
      LOG_LEVEL: 'warn',
      SEED_SAMPLE_DOCUMENTS: 'false',
    },
  }).catch((error: unknown) => {
    throw new Error(`The production portal did not start: ${String(error)}\n${output.slice(-60).join('')}`);
  });
  const client = new pg.Client(poolConfigFromUrl(runtimeEnv.DATABASE_URL!));
  await client.connect();
  try {
    await client.query('DELETE FROM "User" WHERE email = ANY($1)', [[ACCOUNTS.ADMIN.email, ACCOUNTS.USER.email]]);
  } finally {
    await client.end();
  }

  return { portal, output };
};

/**
 * Real Postgres and a real S3-compatible server for the integration tier: embedded ones in a
 * temporary DATA_DIR, or DATABASE_URL / S3_ENDPOINT when given (use throwaway ones: tests write).
 * Then the production portal on them (`portalOrigin`): the API tests drive it over HTTP.
 */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-it-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as another user when we are root
  setRuntimeEnv({
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    EMBEDDED_S3_PORT: String(await freePort()),
    S3_BUCKET: process.env.S3_BUCKET ?? 'wopi-test',
    LOG_LEVEL: 'silent',
  });
  const env = loadEnv();
  const services = await startServices({ env, kind: 'cli', attach: false, fast: true });
  const runtimeEnv: Record<string, string> = {
    DATA_DIR: dataDir,
    S3_BUCKET: env.S3_BUCKET,
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'integration-test-auth-secret-0123456789abcdef',
    WOPI_TOKEN_SECRET: 'integration-test-wopi-secret-0123456789abcdef',
    RECONCILE_INTERVAL_SECONDS: '0',
    STORAGE_CHECK_INTERVAL_MS: '0',
    MAX_UPLOAD_BYTES: String(64 * 1024 * 1024),
    ...services.overrides,
  };
  runtimeEnv.DATABASE_URL ??= env.DATABASE_URL!;
  if (env.S3_ENDPOINT) runtimeEnv.S3_ENDPOINT ??= env.S3_ENDPOINT;
  await migrateDatabase(runtimeEnv.DATABASE_URL);
  await services.markReady();
  project.provide('runtimeEnv', runtimeEnv);

  let started: Awaited<ReturnType<typeof startProductionPortal>>;
  try {
    started = await startProductionPortal(runtimeEnv, path.join(dataDir, 'portal.log'));
  } catch (error) {
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('portalOrigin', started.portal.baseUrl);
  project.provide('portalLog', path.join(dataDir, 'portal.log'));

  return async () => {
    await started.portal.stop();
    killGroup(started.portal.pid);
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
