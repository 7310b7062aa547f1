import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Upstream } from '@/lib/server/portal-proxy';

/** The argument that makes the server program run as the Next.js child: `--next-child=<socket path>`. */
export const NEXT_CHILD_FLAG = '--next-child';
/** What the child sends over its IPC channel once Next.js listens on the socket. */
export const NEXT_READY_MESSAGE = 'wopi-portal:next-ready';

export const isNextReadyMessage = (message: unknown) =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === NEXT_READY_MESSAGE;

export type NextProcess = Upstream & {
  /** The first start: resolves once Next.js listens; rejects if the child exits before. */
  started: Promise<void>;
  pid: () => number | undefined;
  /** Stops the child (SIGTERM, SIGKILL after `stopTimeoutMs`) and restarts nothing any more. */
  stop: () => Promise<void>;
};

type Options = {
  /** Node arguments that run the server program again (execArgv plus its entry file); the flag is appended. */
  command: string[];
  cwd: string;
  dev: boolean;
  log: (line: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  stableAfterMs?: number;
  stopTimeoutMs?: number;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const howItExited = (code: number | null, signal: NodeJS.Signals | null) => signal ?? `code ${code}`;

/**
 * Next.js in a child process of its own, so that the process serving /wopi never loads it (its
 * async-context tracking on every promise and its patched `Date` cost the WOPI core about a
 * fifth of its CPU). The child listens on a Unix socket in a fresh mode-700 directory (only
 * this user can reach it, so the headers the portal listener sets are trusted), says so over
 * IPC, and exits when the IPC channel closes (this process died). An unexpected exit after
 * start-up is restarted like the embedded servers (lib/embedded/services.ts): after 1 s, 2 s,
 * 4 s… up to `maxDelayMs`, back to 1 s once it stayed up `stableAfterMs`.
 */
export const startNextProcess = ({
  command,
  cwd,
  dev,
  log,
  initialDelayMs = 1000,
  maxDelayMs = 30_000,
  stableAfterMs = 60_000,
  stopTimeoutMs = 10_000,
}: Options): NextProcess => {
  const socketDir = mkdtempSync(path.join(tmpdir(), 'wopi-next-'));
  const socketPath = path.join(socketDir, 'next.sock');
  let child: ChildProcess | undefined;
  let isReady = false;
  let isStopping = false;
  let upSince = 0;
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();

  const settleWaiters = (error?: Error) => {
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    waiters.clear();
  };

  /** One child; resolves when it is ready, rejects if it exits first. */
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      const current = spawn(
        process.execPath,
        [...command, `${NEXT_CHILD_FLAG}=${socketPath}`, ...(dev ? ['--dev'] : [])],
        {
          cwd,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      child = current;
      let wasReady = false;
      current.on('message', (message) => {
        if (!isNextReadyMessage(message) || wasReady) return;
        wasReady = true;
        isReady = true;
        upSince = Date.now();
        settleWaiters();
        resolve();
      });
      current.once('error', reject);
      current.once('exit', (code, signal) => {
        if (child === current) {
          child = undefined;
          isReady = false;
        }
        if (!wasReady) return reject(new Error(`Next.js exited (${howItExited(code, signal)}) before it was ready.`));
        if (!isStopping) restartLater(howItExited(code, signal), Date.now());
      });
    });

  const restartLater = (how: string, exitedAt: number) => {
    if (exitedAt - upSince >= stableAfterMs) attempts = 0;
    attempts += 1;
    const delay = Math.min(initialDelayMs * 2 ** (attempts - 1), maxDelayMs);
    timer = setTimeout(() => {
      if (isStopping) return;
      launch().then(
        () =>
          log(
            `Next.js exited unexpectedly (${how}); restarted it after ${seconds(Date.now() - exitedAt)} (pid ${child?.pid}).`,
          ),
        (error: unknown) => {
          if (isStopping) return;
          log(`Next.js exited unexpectedly (${how}); restarting it failed (${String(error)}); trying again.`);
          restartLater(how, exitedAt);
        },
      );
    }, delay);
  };

  const started = launch();

  return {
    socketPath,
    started,
    isReady: () => isReady,
    whenReady: (timeoutMs) =>
      isReady
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            if (isStopping) return reject(new Error('Next.js is stopping.'));
            const waiter = {
              resolve: () => {
                clearTimeout(expiry);
                resolve();
              },
              reject: (error: Error) => {
                clearTimeout(expiry);
                reject(error);
              },
            };
            const expiry = setTimeout(() => {
              waiters.delete(waiter);
              reject(new Error(`Next.js was not ready within ${seconds(timeoutMs)}.`));
            }, timeoutMs);
            waiters.add(waiter);
          }),
    pid: () => child?.pid,
    stop: async () => {
      isStopping = true;
      clearTimeout(timer);
      settleWaiters(new Error('Next.js is stopping.'));
      const current = child;
      if (current && current.exitCode === null && current.signalCode === null) {
        const exited = new Promise((resolve) => current.once('exit', resolve));
        current.kill('SIGTERM');
        const kill = setTimeout(() => current.kill('SIGKILL'), stopTimeoutMs);
        await exited;
        clearTimeout(kill);
      }
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
};
