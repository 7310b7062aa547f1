import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '@/lib/env';
import { createWhole, replaceWhole } from '@/lib/embedded/files';
import { startEmbeddedPostgres } from '@/lib/embedded/postgres';
import { startEmbeddedS3 } from '@/lib/embedded/s3';
import { loadOrCreateSecrets, type LocalSecrets } from '@/lib/embedded/secrets';

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
  /**
   * false while the owner prepares its database (migrations, first-start seed): others wait
   * before attaching. Absent counts as ready.
   */
  isReady?: boolean;
};

export type Services = {
  /** Variables to hand to setRuntimeEnv and to child processes. */
  overrides: Record<string, string>;
  /** The embedded servers; the pids change when the supervisor restarts one. */
  embedded: { postgresPid?: number; s3Pid?: number; databaseUrl?: string; s3Endpoint?: string };
  attachedTo?: RuntimeInfo;
  /** From now on an exit of an embedded server is expected (shutting down): nothing is restarted or logged. */
  quiesce: () => void;
  /** Says in runtime.json that the database is migrated: other processes may attach now. */
  markReady: () => Promise<void>;
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

/** runtime.json as written, whoever wrote it; null when absent or unreadable. */
const parseRuntime = async (dataDir: string): Promise<RuntimeInfo | null> => {
  try {
    return JSON.parse(await readFile(runtimeFile(dataDir), 'utf8')) as RuntimeInfo;
  } catch {
    return null;
  }
};

/** The live owner of DATA_DIR's embedded services, if any. */
export const readRuntime = async (dataDir: string): Promise<RuntimeInfo | null> => {
  const info = await parseRuntime(dataDir);

  return info && isProcessAlive(info.ownerPid) ? info : null;
};

/**
 * This process's writes of runtime.json, one after another in call order: a restart's
 * read-modify-write (updateRuntime) must not land after, and undo, a later markReady.
 */
let runtimeWrites: Promise<unknown> = Promise.resolve();
const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
  const next = runtimeWrites.then(work, work);
  runtimeWrites = next.catch(() => {});

  return next;
};

/**
 * Replaces DATA_DIR/runtime.json (mode 600) atomically (replaceWhole), so another process
 * reading it (the CLI in a second shell, the bench) sees the old record or the new one, never a
 * truncated file. Throws what the file system throws. In call order with this process's other
 * runtime.json writes (inOrder).
 */
export const writeRuntime = (dataDir: string, info: RuntimeInfo) => inOrder(() => replaceRuntime(dataDir, info));

const replaceRuntime = (dataDir: string, info: RuntimeInfo) =>
  replaceWhole(runtimeFile(dataDir), JSON.stringify(info, null, 2));

/** Updates our own runtime record (a restarted server's pid); another owner's is left alone. */
const updateRuntime = (dataDir: string, patch: Partial<RuntimeInfo>) =>
  inOrder(async () => {
    const current = await readRuntime(dataDir);
    if (current?.ownerPid === process.pid) await replaceRuntime(dataDir, { ...current, ...patch });
  });

export const clearRuntime = (dataDir: string) =>
  inOrder(async () => {
    const current = await readRuntime(dataDir);
    if (!current || current.ownerPid === process.pid) await rm(runtimeFile(dataDir), { force: true });
  });

/** How long a CLI run waits for a portal that is starting on the same DATA_DIR. */
const STARTING_OWNER_WAIT_MS = 120_000;
const POLL_MS = 200;

/** How long a takeover of a dead owner's runtime.json may hold its lock before others break it. */
const TAKEOVER_LOCK_STALE_MS = 10_000;

/**
 * Runs `work` holding DATA_DIR/runtime.json.lock (a directory: mkdir is atomic). A lock older
 * than TAKEOVER_LOCK_STALE_MS was left by a process killed while holding it, and is broken.
 */
const withTakeoverLock = async <T>(dataDir: string, work: () => Promise<T>): Promise<T> => {
  const lock = `${runtimeFile(dataDir)}.lock`;
  for (const deadline = Date.now() + 2 * TAKEOVER_LOCK_STALE_MS; ;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > TAKEOVER_LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`DATA_DIR ${dataDir} stays locked by ${lock}.`);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
};

/**
 * Makes this process the owner of DATA_DIR's embedded services before it starts any, or returns
 * the live process that owns them. runtime.json is created whole unless it exists (createWhole),
 * so of two processes starting at once exactly one owns it; a
 * record whose owner is dead (killed) is replaced under a lock (withTakeoverLock), after reading
 * it again there, so of two processes replacing it at once exactly one does. `record` has no
 * endpoints yet: writeRuntime adds them once the services run. Throws what the file system throws.
 */
export const claimDataDir = async (dataDir: string, record: RuntimeInfo): Promise<{ owner: RuntimeInfo | null }> => {
  if (await createWhole(runtimeFile(dataDir), JSON.stringify(record, null, 2))) return { owner: null };

  return withTakeoverLock(dataDir, async () => {
    const current = await parseRuntime(dataDir);
    if (current && current.ownerPid !== process.pid && isProcessAlive(current.ownerPid)) return { owner: current };
    await writeRuntime(dataDir, record);

    return { owner: null };
  });
};

/**
 * The owner's record once it lists the endpoints this process needs (a portal still starting
 * has not written them yet), or null when the owner died first. Throws after `timeoutMs`.
 */
const awaitEndpoints = async (
  dataDir: string,
  owner: RuntimeInfo,
  need: { postgres: boolean; s3: boolean },
  log: ((line: string) => void) | undefined,
  timeoutMs: number,
): Promise<RuntimeInfo | null> => {
  const hasAll = (info: RuntimeInfo) =>
    info.isReady !== false && (!need.postgres || !!info.databaseUrl) && (!need.s3 || !!info.s3Endpoint);
  if (hasAll(owner)) return owner;
  log?.(
    `Waiting for the ${owner.kind === 'server' ? 'portal' : 'CLI command'} starting on DATA_DIR (pid ${owner.ownerPid})…`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const current = await readRuntime(dataDir);
    if (!current || current.ownerPid !== owner.ownerPid) return current && hasAll(current) ? current : null;
    if (hasAll(current)) return current;
    if (Date.now() > deadline)
      throw new Error(
        `The process (pid ${owner.ownerPid}) starting on DATA_DIR ${dataDir} has not started its services after ${timeoutMs / 1000} s.`,
      );
  }
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
  const embedded: Services['embedded'] = {};
  const none = { quiesce: () => {}, markReady: async () => {}, stop: async () => {} };
  if (!needPostgres && !needS3) return { overrides, embedded, ...none };

  await mkdir(dataDir, { recursive: true });
  const startedAt = new Date().toISOString();
  for (;;) {
    const { owner: claimedBy } = await claimDataDir(dataDir, { ownerPid: process.pid, kind, startedAt });
    if (!claimedBy) break;
    if (!attach) {
      const what = claimedBy.kind === 'server' ? `the portal at ${claimedBy.appUrl ?? '(starting)'}` : 'a CLI command';
      throw new Error(`${what} (pid ${claimedBy.ownerPid}) is already using DATA_DIR ${dataDir}; stop it first.`);
    }
    // Never start a second Postgres on the owner's cluster: wait for its endpoints instead.
    const need = { postgres: needPostgres, s3: needS3 };
    const owner = await awaitEndpoints(dataDir, claimedBy, need, log, STARTING_OWNER_WAIT_MS);
    if (!owner) continue; // it died while starting: claim again
    if (needPostgres && owner.databaseUrl) overrides.DATABASE_URL = owner.databaseUrl;
    if (needS3 && owner.s3Endpoint) Object.assign(overrides, s3Overrides(owner.s3Endpoint));

    return { overrides, embedded, attachedTo: owner, ...none };
  }

  let secrets: LocalSecrets;
  try {
    secrets = await loadOrCreateSecrets(dataDir);
  } catch (error) {
    await clearRuntime(dataDir);
    throw error;
  }
  const supervisors: Supervisor[] = [];
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
      overrides.DATABASE_URL = postgres.url;
      embedded.postgresPid = postgres.pid;
      embedded.databaseUrl = postgres.url;
      supervisors.push(
        supervise({
          name: 'Embedded Postgres',
          child: postgres,
          restart: async (handle) => {
            await handle.restart();

            return handle;
          },
          log,
          onRestart: (handle) => {
            embedded.postgresPid = handle.pid;
            void updateRuntime(dataDir, { postgresPid: handle.pid }).catch(() => {});
          },
        }),
      );
    }
    if (needS3) {
      const s3Options = { dataDir: path.join(dataDir, 's3'), port: env.EMBEDDED_S3_PORT, bucket: env.S3_BUCKET };
      const s3 = await startEmbeddedS3(s3Options);
      Object.assign(overrides, s3Overrides(s3.endpoint));
      embedded.s3Pid = s3.pid;
      embedded.s3Endpoint = s3.endpoint;
      supervisors.push(
        supervise({
          name: 'Embedded S3 server',
          child: s3,
          restart: () => startEmbeddedS3(s3Options),
          log,
          onRestart: (handle) => {
            embedded.s3Pid = handle.pid;
            void updateRuntime(dataDir, { s3Pid: handle.pid }).catch(() => {});
          },
        }),
      );
    }
  } catch (error) {
    for (const supervisor of [...supervisors].reverse()) await supervisor.stop().catch(() => {});
    await clearRuntime(dataDir);
    throw error;
  }
  await writeRuntime(dataDir, { ownerPid: process.pid, kind, startedAt, isReady: false, ...embedded });

  return {
    overrides,
    embedded,
    quiesce: () => {
      for (const supervisor of supervisors) supervisor.quiesce();
    },
    markReady: () => updateRuntime(dataDir, { isReady: true }),
    stop: async () => {
      for (const supervisor of supervisors) supervisor.quiesce();
      for (const supervisor of [...supervisors].reverse())
        await supervisor.stop().catch((error: unknown) => log?.(`stop failed: ${String(error)}`));
      await clearRuntime(dataDir);
    },
  };
};

/** A child server the supervisor can watch and stop. */
export type SupervisedChild = {
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Registers a listener for an exit that no stop() asked for. */
  onUnexpectedExit: (listener: (how: string) => void) => void;
};

export type Supervisor = {
  /** From now on an exit is expected: nothing is restarted or logged. */
  quiesce: () => void;
  stop: () => Promise<void>;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Restarts `child` whenever it exits unexpectedly: after 1 s, then 2 s, 4 s… (capped at
 * `maxDelayMs`) while restarts fail or it keeps dying; back to 1 s once it has stayed up for
 * `stableAfterMs`.
 * One line per restart attempt; nothing at all once quiesced or stopped (a normal shutdown,
 * where Ctrl-C may reach the child before us, is not a failure).
 */
export const supervise = <C extends SupervisedChild>({
  name,
  child,
  restart,
  log,
  onRestart,
  initialDelayMs = 1000,
  maxDelayMs = 30_000,
  stableAfterMs = 60_000,
}: {
  name: string;
  child: C;
  /** Starts it again: the same handle (restarted in place) or a new one. */
  restart: (previous: C) => Promise<C>;
  log?: (line: string) => void;
  onRestart?: (child: C) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
}): Supervisor => {
  let current = child;
  let isQuiet = false;
  let attempts = 0; // restart attempts since the child last stayed up for stableAfterMs
  let upSince = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;
  const delayAfter = (attempt: number) => Math.min(initialDelayMs * 2 ** (attempt - 1), maxDelayMs);

  const attempt = async (how: string, exitedAt: number) => {
    if (isQuiet) return;
    try {
      const next = await restart(current);
      if (isQuiet) {
        await next.stop();

        return;
      }
      if (next !== current) watch(next);
      current = next;
      upSince = Date.now();
      log?.(
        `${name} exited unexpectedly (${how}); restarted it after ${seconds(upSince - exitedAt)} (pid ${next.pid}).`,
      );
      onRestart?.(next);
    } catch (error) {
      if (isQuiet) return;
      attempts += 1;
      const delay = delayAfter(attempts);
      log?.(
        `${name} exited unexpectedly (${how}); restarting it failed (${firstLine(error)}); next try in ${seconds(delay)}.`,
      );
      schedule(how, exitedAt, delay);
    }
  };
  const schedule = (how: string, exitedAt: number, delay: number) => {
    timer = setTimeout(() => {
      restarting = attempt(how, exitedAt);
    }, delay);
    timer.unref();
  };
  const onExit = (how: string) => {
    if (isQuiet) return;
    const exitedAt = Date.now();
    if (exitedAt - upSince >= stableAfterMs) attempts = 0;
    attempts += 1;
    schedule(how, exitedAt, delayAfter(attempts));
  };
  const watch = (target: C) => target.onUnexpectedExit(onExit);
  watch(current);

  return {
    quiesce: () => {
      isQuiet = true;
      clearTimeout(timer);
    },
    stop: async () => {
      isQuiet = true;
      clearTimeout(timer);
      await restarting;
      await current.stop();
    },
  };
};

const s3Overrides = (endpoint: string) => ({
  S3_ENDPOINT: endpoint,
  S3_ACCESS_KEY_ID: 'S3RVER',
  S3_SECRET_ACCESS_KEY: 'S3RVER',
  S3_FORCE_PATH_STYLE: 'true',
});
