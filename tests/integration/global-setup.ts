import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '@/lib/embedded/migrate';
import { startServices } from '@/lib/embedded/services';
import { loadEnv, setRuntimeEnv } from '@/lib/env';
import { freePort } from '../support/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    runtimeEnv: Record<string, string>;
  }
}

/**
 * Real Postgres and a real S3-compatible server for the integration tier: embedded ones in a
 * temporary DATA_DIR, or DATABASE_URL / S3_ENDPOINT when given (use throwaway ones: tests write).
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
  await migrateDatabase(runtimeEnv.DATABASE_URL ?? env.DATABASE_URL!);
  project.provide('runtimeEnv', runtimeEnv);

  return async () => {
    await services.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
