/**
 * Fault injection needs Postgres and S3 of its own: stalling the tier's shared ones (started by
 * global-setup.ts) would fail whatever other test files run at the same time. So each fault
 * file starts its own embedded pair, supervised exactly as `npm start` does (startServices),
 * points the app at them, and stops or stalls them by pid.
 *
 * Stopped processes must never outlive a test: every SIGSTOP is undone in a finally, on worker
 * exit, and by a detached watchdog process that sends SIGCONT after WATCHDOG_MS even if this
 * worker is killed.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { disconnectDb } from '@/lib/db';
import { poolConfigFromUrl } from '@/lib/db/pg-adapter';
import { migrateDatabase, PROJECT_ROOT } from '@/lib/embedded/migrate';
import { startServices, type Services } from '@/lib/embedded/services';
import { loadEnv, setRuntimeEnv, type Env } from '@/lib/env';
import { resetS3 } from '@/lib/storage/client';
import { freePort } from '../../support/ports';

const WATCHDOG_MS = 60_000;

/** The checked-in migrations as plain SQL (seconds faster than `prisma migrate deploy` on a fresh cluster). */
const migrate = async (databaseUrl: string) => {
  const root = path.join(PROJECT_ROOT, 'prisma', 'migrations');
  const dirs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const client = new pg.Client(poolConfigFromUrl(databaseUrl));
  await client.connect();
  try {
    for (const dir of dirs.sort()) await client.query(await readFile(path.join(root, dir, 'migration.sql'), 'utf8'));
  } finally {
    await client.end();
  }
};

export type PrivateServices = {
  services: Services;
  dataDir: string;
  /** What the supervisor said (restarts). */
  lines: string[];
  postgresPid: () => number;
  s3Pid: () => number;
  stop: () => Promise<void>;
};

/**
 * `isDurable`: Postgres as `npm start` runs it (fsync, synchronous commit). The tier's fast
 * settings lose the last commits when the server is killed, which a restart test must not.
 * `isForPortal`: migrated as `npm start` migrates (prisma migrate deploy, which records what it
 * applied), so a production portal can start on them; slower than the plain SQL otherwise used.
 */
export const startPrivateServices = async ({
  isDurable = false,
  isForPortal = false,
} = {}): Promise<PrivateServices> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wopi-faults-'));
  await chmod(dataDir, 0o755); // embedded Postgres runs as another user when we are root
  const pgPort = await freePort();
  let s3Port = await freePort();
  while (s3Port === pgPort) s3Port = await freePort();
  const env: Env = {
    ...loadEnv(),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: pgPort,
    EMBEDDED_S3_PORT: s3Port,
    DATABASE_URL: undefined,
    S3_ENDPOINT: undefined,
  };
  const lines: string[] = [];
  const services = await startServices({
    env,
    kind: 'cli',
    attach: false,
    fast: !isDurable,
    log: (line) => lines.push(line),
  });
  if (isForPortal) await migrateDatabase(services.overrides.DATABASE_URL!);
  else await migrate(services.overrides.DATABASE_URL!);
  await services.markReady();
  await disconnectDb();
  resetS3();
  setRuntimeEnv(services.overrides);

  return {
    services,
    dataDir,
    lines,
    postgresPid: () => services.embedded.postgresPid!,
    s3Pid: () => services.embedded.s3Pid!,
    stop: async () => {
      resumeAll();
      await disconnectDb();
      resetS3();
      await services.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** The postmaster and every process it forked (backends, checkpointer…): the whole server. */
export const postgresFamily = (postmaster: number) => {
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }

  return pids;
};

const stopped = new Set<number>();
const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
};
const resumeAll = () => {
  for (const pid of stopped) signal(pid, 'SIGCONT');
  stopped.clear();
};
process.once('exit', resumeAll);

/**
 * Runs `work` while `pids` are stopped (SIGSTOP); they are continued (SIGCONT) when `work`
 * calls `resume`, and in any case when it ends or throws.
 */
export const whileStalled = async <T>(pids: number[], work: (resume: () => void) => Promise<T>): Promise<T> => {
  const watchdog = spawn(
    process.execPath,
    [
      '-e',
      `setTimeout(() => { for (const pid of ${JSON.stringify(pids)}) try { process.kill(pid, 'SIGCONT') } catch {} }, ${WATCHDOG_MS})`,
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  const resume = () => {
    for (const pid of pids) {
      signal(pid, 'SIGCONT');
      stopped.delete(pid);
    }
  };
  try {
    for (const pid of pids) {
      stopped.add(pid);
      signal(pid, 'SIGSTOP');
    }

    return await work(resume);
  } finally {
    resume();
    if (watchdog.pid) signal(watchdog.pid, 'SIGKILL');
  }
};

/** Milliseconds `work` took, with its result. */
export const timed = async <T>(work: () => Promise<T>) => {
  const started = performance.now();
  const result = await work();

  return { result, ms: Math.round(performance.now() - started) };
};
