import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type EmbeddedS3Handle = {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  pid: number | undefined;
  stop: () => Promise<void>;
  /** Called once when the server exits without stop() (killed, crashed). */
  onUnexpectedExit: (listener: (how: string) => void) => void;
};

/** s3rver's built-in account; the server only listens on 127.0.0.1. */
const S3RVER_KEY = 'S3RVER';
const STOP_TIMEOUT_MS = 5000;
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 's3rver-main.mjs');

/** Starts s3rver in a child process storing objects under `dataDir`, with `bucket` created. */
export const startEmbeddedS3 = async (options: {
  dataDir: string;
  port: number;
  bucket: string;
  /** Called when the server exits without being asked to. */
  onUnexpectedExit?: (code: number | null) => void;
}): Promise<EmbeddedS3Handle> => {
  const directory = path.resolve(options.dataDir);
  await mkdir(directory, { recursive: true });
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', MAIN, directory, String(options.port), options.bucket],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let isStopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', () => resolve());
    child.once('exit', (code) =>
      reject(
        new Error(
          `Embedded S3 server exited (code ${code}) before listening on 127.0.0.1:${options.port} (is the port taken? set EMBEDDED_S3_PORT).\n${stderr.join('')}`,
        ),
      ),
    );
  });

  const exitListeners: ((how: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (isStopping) return;
    options.onUnexpectedExit?.(code);
    for (const listener of exitListeners) listener(signal ? `signal ${signal}` : `code ${code}`);
  });

  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    pid: child.pid,
    stop: async () => {
      isStopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        // A stopped (SIGSTOP) server would never see SIGTERM; one that ignores it is killed.
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(kill);
    },
    onUnexpectedExit: (listener) => void exitListeners.push(listener),
  };
};
