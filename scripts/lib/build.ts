import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import { childProcessEnv } from '@/lib/env';

const SOURCES = [
  'app',
  'components',
  'lib',
  'public',
  'next.config.ts',
  'tsconfig.json',
  'package-lock.json',
  'prisma/schema.prisma',
];
const SKIP = new Set(['generated', 'node_modules', '.next']);
const STAMP = path.join(PROJECT_ROOT, '.next', 'wopi-source-hash');

const hashTree = async (hash: ReturnType<typeof createHash>, target: string) => {
  if (!existsSync(target)) return;
  const entries = await readdir(target, { withFileTypes: true }).catch(() => null);
  if (!entries) {
    hash.update(target).update(await readFile(target));

    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue;
    await hashTree(hash, path.join(target, entry.name));
  }
};

export const SERVER_BUNDLE = path.join(PROJECT_ROOT, '.next', 'wopi-server.mjs');

/**
 * The production server (scripts/serve.ts: Next.js plus the WOPI core) as one ESM file, with
 * node_modules left external: running it through tsx would cost ~85 MB of memory per process.
 */
const bundleServer = async () => {
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'scripts', 'serve.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: SERVER_BUNDLE,
    tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  });
};

/** Runs `next build` (and bundles the server) when there is no build or the sources changed since the last one. */
export const ensureBuild = async ({ log }: { log: (line: string) => void }) => {
  const hash = createHash('sha256');
  for (const source of [...SOURCES, 'scripts/serve.ts']) await hashTree(hash, path.join(PROJECT_ROOT, source));
  const digest = hash.digest('hex');
  const hasBuild = existsSync(path.join(PROJECT_ROOT, '.next', 'BUILD_ID')) && existsSync(SERVER_BUNDLE);
  if (hasBuild && (await readFile(STAMP, 'utf8').catch(() => '')) === digest) return;

  log(hasBuild ? 'Sources changed: rebuilding the app…' : 'Building the app (first start only; about a minute)…');
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: PROJECT_ROOT,
      env: childProcessEnv({ NODE_ENV: 'production' }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}).`);
  await bundleServer();
  await writeFile(STAMP, digest);
};
