/**
 * Starts and stops the floor server (scripts/bench/floor-server.ts) as a child process of the
 * bench, so its CPU and memory are read apart from the portal's and the bench's own. It runs as
 * plain node on an esbuild bundle (as the portal's server does): tsx's loader would add tens of
 * MiB to the RSS the report compares.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { createInterface } from 'node:readline';
import type { FloorConfig } from './floor-server';
import { ROOT, type WopiFile } from './portal';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export type Floor = {
  baseUrl: string;
  pid: number;
  /** The same file (id and token) addressed to the floor: request URLs of the same length. */
  fileOf: (file: WopiFile) => WopiFile;
  /** The same file on the floor's Postgres-backed routes (only when started with `postgres`). */
  pgFileOf?: (file: WopiFile) => WopiFile;
  stop: () => Promise<void>;
};

/** Under ROOT, so node finds node_modules from it (packages stay external). */
const BUNDLE = path.join(ROOT, '.data', 'bench', 'floor-server.mjs');

export const startFloor = async (config: FloorConfig): Promise<Floor> => {
  await mkdir(path.dirname(BUNDLE), { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'scripts', 'bench', 'floor-server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: BUNDLE,
    logLevel: 'warning',
  });
  const child = spawn(process.execPath, [BUNDLE], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    child.stdin.destroy();
  };
  child.stdin.write(`${JSON.stringify(config)}\n`);
  try {
    let timer: NodeJS.Timeout | undefined;
    const port = await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the floor server did not start in time')), READY_TIMEOUT_MS);
      child.once('error', reject);
      void exited.then(() => reject(new Error(`the floor server exited (${child.exitCode ?? child.signalCode})`)));
      createInterface({ input: child.stdout }).once('line', (line) =>
        resolve((JSON.parse(line) as { port: number }).port),
      );
    }).finally(() => clearTimeout(timer));
    const baseUrl = `http://127.0.0.1:${port}`;

    return {
      baseUrl,
      pid: child.pid!,
      fileOf: (file) => ({ ...file, wopiSrc: `${baseUrl}/wopi/files/${file.documentId}` }),
      ...(config.postgres
        ? { pgFileOf: (file: WopiFile) => ({ ...file, wopiSrc: `${baseUrl}/pg/wopi/files/${file.documentId}` }) }
        : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
