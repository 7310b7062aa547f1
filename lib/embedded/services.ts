import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { startEmbeddedPostgres } from '@/lib/embedded/postgres';
import { startEmbeddedS3 } from '@/lib/embedded/s3';
import { loadOrCreateSecrets } from '@/lib/embedded/secrets';

/** What `npm start` (or a CLI run) publishes in DATA_DIR so a second shell can attach. */
export type RuntimeInfo = {
  ownerPid: number;
  kind: 'server' | 'cli';
  appUrl?: string;
  databaseUrl?: string;
  s3Endpoint?: string;
  postgresPid?: number;
  s3Pid?: number;
  startedAt: string;
};

export type Services = {
  /** Variables to hand to setRuntimeEnv and to child processes. */
  overrides: Record<string, string>;
  embedded: { postgresPid?: number; s3Pid?: number; databaseUrl?: string; s3Endpoint?: string };
  attachedTo?: RuntimeInfo;
  stop: () => Promise<void>;
};

const runtimeFile = (dataDir: string) => path.join(dataDir, 'runtime.json');

export const isProcessAlive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The live owner of DATA_DIR's embedded services, if any. */
export const readRuntime = async (dataDir: string): Promise<RuntimeInfo | null> => {
  try {
    const info = JSON.parse(await readFile(runtimeFile(dataDir), 'utf8')) as RuntimeInfo;

    return isProcessAlive(info.ownerPid) ? info : null;
  } catch {
    return null;
  }
};

export const writeRuntime = async (dataDir: string, info: RuntimeInfo) => {
  await writeFile(runtimeFile(dataDir), JSON.stringify(info, null, 2), { mode: 0o600 });
};

export const clearRuntime = async (dataDir: string) => {
  const current = await readRuntime(dataDir);
  if (!current || current.ownerPid === process.pid) await rm(runtimeFile(dataDir), { force: true });
};

type Options = {
  env: Env;
  kind: RuntimeInfo['kind'];
  /** Use another live process's embedded services instead of starting our own. */
  attach: boolean;
  fast?: boolean;
  /** Messages worth a line on the console. */
  log?: (line: string) => void;
  /** Also forward Postgres's own log lines to `log`. */
  verbose?: boolean;
};

/**
 * Resolves Postgres and S3: configured ones from the environment, else the embedded ones that
 * another process of ours already runs on DATA_DIR (when `attach`), else starts them.
 */
export const startServices = async ({ env, kind, attach, fast, log, verbose }: Options): Promise<Services> => {
  const dataDir = path.resolve(env.DATA_DIR);
  const overrides: Record<string, string> = {};
  const needPostgres = !env.DATABASE_URL;
  const needS3 = !env.S3_ENDPOINT;
  const stops: (() => Promise<void>)[] = [];
  const embedded: Services['embedded'] = {};
  if (!needPostgres && !needS3) return { overrides, embedded, stop: async () => {} };

  const owner = await readRuntime(dataDir);
  if (owner) {
    if (!attach) {
      const what = owner.kind === 'server' ? `the portal at ${owner.appUrl}` : 'a CLI command';
      throw new Error(`${what} (pid ${owner.ownerPid}) is already using DATA_DIR ${dataDir}; stop it first.`);
    }
    if (needPostgres && owner.databaseUrl) overrides.DATABASE_URL = owner.databaseUrl;
    if (needS3 && owner.s3Endpoint) Object.assign(overrides, s3Overrides(owner.s3Endpoint));

    return { overrides, embedded, attachedTo: owner, stop: async () => {} };
  }

  const secrets = await loadOrCreateSecrets(dataDir);
  try {
    if (needPostgres) {
      const postgres = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: env.EMBEDDED_PG_PORT,
        password: secrets.postgresPassword,
        database: 'wopi',
        fast,
        log: verbose ? (line) => log?.(`[postgres] ${line}`) : undefined,
        notice: log,
      });
      stops.push(postgres.stop);
      overrides.DATABASE_URL = postgres.url;
      embedded.postgresPid = postgres.pid;
      embedded.databaseUrl = postgres.url;
    }
    if (needS3) {
      const s3 = await startEmbeddedS3({
        dataDir: path.join(dataDir, 's3'),
        port: env.EMBEDDED_S3_PORT,
        bucket: env.S3_BUCKET,
        onUnexpectedExit: (code) =>
          log?.(
            `Embedded S3 server exited unexpectedly (code ${code}); storage is unavailable until the portal restarts.`,
          ),
      });
      stops.push(s3.stop);
      Object.assign(overrides, s3Overrides(s3.endpoint));
      embedded.s3Pid = s3.pid;
      embedded.s3Endpoint = s3.endpoint;
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw error;
  }
  await writeRuntime(dataDir, { ownerPid: process.pid, kind, startedAt: new Date().toISOString(), ...embedded });

  return {
    overrides,
    embedded,
    stop: async () => {
      for (const stop of stops.reverse())
        await stop().catch((error: unknown) => log?.(`stop failed: ${String(error)}`));
      await clearRuntime(dataDir);
    },
  };
};

const s3Overrides = (endpoint: string) => ({
  S3_ENDPOINT: endpoint,
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'S3RVER',
  S3_FORCE_PATH_STYLE: 'true',
});
