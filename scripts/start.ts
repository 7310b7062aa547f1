/**
 * `npm start`: the whole portal with one command. Starts embedded Postgres and S3 when
 * DATABASE_URL / S3_ENDPOINT are unset, migrates, seeds on first start, builds when the sources
 * changed, then serves on HOST:PORT until Ctrl-C / SIGTERM, which stops every child.
 * `npm run dev` does the same with Next.js in development mode (same server, same WOPI routes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureBuild, SERVER_BUNDLE } from './lib/build';
import { waitForHttp } from './lib/wait';
import { migrateDatabase, PROJECT_ROOT } from '@/lib/embedded/migrate';
import { secretOverrides } from '@/lib/embedded/secrets';
import { startServices, writeRuntime, type Services } from '@/lib/embedded/services';
import { childProcessEnv, loadEnv, publicUrl, setRuntimeEnv } from '@/lib/env';

const isDev = process.argv.includes('--dev');
const say = (line: string) => process.stdout.write(`${line}\n`);

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
    if (next && next.exitCode === null) {
      next.kill('SIGTERM');
      await new Promise((resolve) => next?.once('exit', resolve));
    }
    await services?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
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
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();

    if (!isDev) await ensureBuild({ log: say });
    // Our server (the WOPI core and Next.js in one process): bundled in production, through tsx in development.
    const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const args = isDev ? [tsx, path.join(PROJECT_ROOT, 'scripts', 'serve.ts'), '--dev'] : [SERVER_BUNDLE];
    next = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: childProcessEnv({ NODE_ENV: isDev ? 'development' : 'production' }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    next.once('exit', (code) => {
      if (!stopping) {
        say(`The web server exited (code ${code}); stopping.`);
        void stop(code ?? 1);
      }
    });
    const localUrl = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`;
    await waitForHttp(`${localUrl}/api/live`, {
      timeoutMs: isDev ? 120_000 : 60_000,
      isAlive: () => next?.exitCode === null,
    });
    await writeRuntime(dataDir, {
      ownerPid: process.pid,
      kind: 'server',
      appUrl: publicUrl(),
      startedAt: new Date().toISOString(),
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
