import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NEXT_READY_MESSAGE, startNextProcess, type NextProcess } from '@/lib/server/next-process';

// The supervisor of the Next.js process, with a stand-in child: a small script that listens on
// the socket it is given and says so over IPC (mode "ok"), or exits first (mode "fail").

const dir = mkdtempSync(path.join(tmpdir(), 'next-process-'));
const FAKE_CHILD = path.join(dir, 'fake-child.mjs');
writeFileSync(
  FAKE_CHILD,
  `import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
const [mode] = process.argv.slice(2);
const socketPath = process.argv.find((arg) => arg.startsWith('--next-child=')).slice('--next-child='.length);
if (mode === 'fail') process.exit(3);
rmSync(socketPath, { force: true });
const server = createServer((_req, res) => res.end(String(process.pid)));
server.listen(socketPath, () => process.send({ type: ${JSON.stringify(NEXT_READY_MESSAGE)} }));
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const getPid = (socketPath: string) =>
  new Promise<number>((resolve, reject) => {
    request({ socketPath, path: '/', agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve(Number(text)));
    })
      .on('error', reject)
      .end();
  });

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
};

const start = (mode: 'ok' | 'fail', lines: string[] = []) =>
  startNextProcess({
    command: [FAKE_CHILD, mode],
    cwd: dir,
    dev: false,
    log: (line) => lines.push(line),
    initialDelayMs: 50,
    stopTimeoutMs: 2000,
  });

describe('the Next.js process (lib/server/next-process.ts)', () => {
  it('starts it on a Unix socket in a private directory; ready once it says so', async () => {
    const next = start('ok');
    try {
      await next.started;
      expect(next.isReady()).toBe(true);
      expect(await getPid(next.socketPath)).toBe(next.pid());
      expect(path.basename(path.dirname(next.socketPath))).toMatch(/^wopi-next-/);
      expect(statSync(path.dirname(next.socketPath)).mode & 0o777).toBe(0o700);
    } finally {
      await next.stop();
    }
  });

  it('exits before it is ready → the start fails with how it exited; nothing is restarted', async () => {
    const next = start('fail');
    await expect(next.started).rejects.toThrow('Next.js exited (code 3) before it was ready.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(next.pid()).toBeUndefined();
    await next.stop();
  });

  it('killed after start → restarted (a new pid on the same socket), a wait for it resolves once it is back', async () => {
    const lines: string[] = [];
    const next: NextProcess = start('ok', lines);
    try {
      await next.started;
      const first = next.pid()!;
      process.kill(first, 'SIGKILL');
      while (next.isReady()) await new Promise((resolve) => setTimeout(resolve, 5));
      await next.whenReady(10_000);
      const second = next.pid()!;
      expect(second).not.toBe(first);
      expect(await getPid(next.socketPath)).toBe(second);
      expect(lines.join('\n')).toMatch(
        /^Next\.js exited unexpectedly \(SIGKILL\); restarted it after \d+\.\d s \(pid \d+\)\.$/,
      );
    } finally {
      await next.stop();
    }
  }, 20_000);

  it('stop → the child is gone, its socket directory removed, no restart, waiters refused', async () => {
    const next = start('ok');
    await next.started;
    const pid = next.pid()!;
    await next.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(path.dirname(next.socketPath))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(next.pid()).toBeUndefined();
    await expect(next.whenReady(1000)).rejects.toThrow('stopping');
  });

  it('restarting and not ready within the wait → whenReady rejects', async () => {
    const next = start('ok');
    try {
      await next.started;
      const pid = next.pid()!;
      process.kill(pid, 'SIGKILL');
      while (next.isReady()) await new Promise((resolve) => setTimeout(resolve, 5));
      await expect(next.whenReady(1)).rejects.toThrow('Next.js was not ready within 0.0 s.');
    } finally {
      await next.stop();
    }
  });
});
