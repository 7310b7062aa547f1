import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { supervise, type SupervisedChild, type Supervisor } from '@/lib/embedded/services';

/** A real child process (an idle node) behind the handle the supervisor expects. */
const startChild = async (): Promise<SupervisedChild & { process: ChildProcess }> => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  let isStopping = false;
  const listeners: ((how: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (!isStopping) for (const listener of listeners) listener(signal ? `signal ${signal}` : `code ${code}`);
  });

  return {
    process: child,
    pid: child.pid,
    onUnexpectedExit: (listener) => void listeners.push(listener),
    stop: async () => {
      isStopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
};

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let supervisor: Supervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('supervise: embedded servers that exit unexpectedly are restarted', () => {
  it('SIGKILL → restarted after 1 s with a new pid, one line saying so', async () => {
    const lines: string[] = [];
    const first = await startChild();
    let current = first;
    supervisor = supervise({
      name: 'Test server',
      child: first,
      restart: async () => (current = await startChild()),
      log: (line) => lines.push(line),
    });
    const killedAt = Date.now();
    first.process.kill('SIGKILL');
    await until(() => current !== first);
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeGreaterThanOrEqual(950);
    expect(tookMs).toBeLessThan(3000);
    expect(current.pid).not.toBe(first.pid);
    expect(current.process.exitCode).toBeNull();
    expect(lines).toEqual([
      expect.stringMatching(
        /^Test server exited unexpectedly \(signal SIGKILL\); restarted it after 1\.\d s \(pid \d+\)\.$/,
      ),
    ]);
  });

  it('failing restarts back off 1, 2, 4… (scaled) and it keeps trying until one works', async () => {
    const lines: string[] = [];
    const tries: number[] = [];
    const first = await startChild();
    let current = first;
    const started = Date.now();
    supervisor = supervise({
      name: 'Test server',
      child: first,
      initialDelayMs: 50,
      restart: async () => {
        tries.push(Date.now() - started);
        if (tries.length < 4) throw new Error('port still taken');

        return (current = await startChild());
      },
      log: (line) => lines.push(line),
    });
    first.process.kill('SIGKILL');
    await until(() => current !== first);
    const gaps = tries.slice(1).map((at, i) => at - tries[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(95); // 100 ms
    expect(gaps[1]).toBeGreaterThanOrEqual(195); // 200 ms
    expect(gaps[2]).toBeGreaterThanOrEqual(395); // 400 ms
    expect(lines.slice(0, 3)).toEqual([
      'Test server exited unexpectedly (signal SIGKILL); restarting it failed (port still taken); next try in 0.1 s.',
      'Test server exited unexpectedly (signal SIGKILL); restarting it failed (port still taken); next try in 0.2 s.',
      'Test server exited unexpectedly (signal SIGKILL); restarting it failed (port still taken); next try in 0.4 s.',
    ]);
    expect(lines[3]).toMatch(/restarted it after/);
  });

  it('a normal stop (or an exit after quiesce, as Ctrl-C reaches the child first) → no restart, no line', async () => {
    const lines: string[] = [];
    let restarts = 0;
    const first = await startChild();
    supervisor = supervise({
      name: 'Test server',
      child: first,
      initialDelayMs: 50,
      restart: async () => {
        restarts += 1;

        return startChild();
      },
      log: (line) => lines.push(line),
    });
    supervisor.quiesce();
    first.process.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await supervisor.stop();
    expect(restarts).toBe(0);
    expect(lines).toEqual([]);
  });
});
