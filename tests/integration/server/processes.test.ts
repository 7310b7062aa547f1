/**
 * `npm start`'s processes (scripts/lib/portal.ts startPortal: the production build): the one
 * that owns PORT serves /wopi and never loads Next.js; Next.js runs in its child on a Unix
 * socket, reached only through it, restarted when it dies and stopped with the portal.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORE_NODE_FLAGS } from '@/lib/server/core-node-flags';
import { NEXT_CHILD_FLAG, isNextReadyMessage } from '@/lib/server/next-process';
import { findListenerPid } from '../../../scripts/bench/procfs';
import { ACCOUNTS, ROOT, type Portal } from '../../../scripts/lib/portal';
import { startCapturedPortal } from '../../support/captured-portal';

let portal: Portal;
const output: string[] = [];
let wopiUrl = '';

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
};
const parentOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');

  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};
const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => {
      try {
        return parentOf(child) === pid;
      } catch {
        return false;
      }
    });
const isNextChild = (pid: number) => commandLine(pid)?.some((arg) => arg.startsWith(`${NEXT_CHILD_FLAG}=`)) ?? false;
const nextChildOf = (pid: number) => childrenOf(pid).filter(isNextChild);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);

    return (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').charAt(0) !== 'Z';
  } catch {
    return false;
  }
};
const waitFor = async <T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** Status of one GET on its own connection; 0 when there was no answer. */
const status = (url: string) =>
  new Promise<number>((resolve) => {
    request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', () => resolve(0))
      .end();
  });

const portOf = (baseUrl: string) => Number(new URL(baseUrl).port);

beforeAll(async () => {
  portal = await startCapturedPortal('processes', output);
  const dir = await mkdtemp(path.join(tmpdir(), 'processes-'));
  try {
    const file = path.join(dir, 'processes.docx');
    await writeFile(file, 'not really a document\n');
    const { id } = JSON.parse(await portal.cli('documents', 'upload', file, '--folder', 'Processes')) as { id: string };
    const { accessToken } = JSON.parse(await portal.cli('token', '--document', id, '--user', ACCOUNTS.ADMIN.email)) as {
      accessToken: string;
    };
    wopiUrl = `${portal.baseUrl}/wopi/files/${id}?access_token=${encodeURIComponent(accessToken)}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);

afterAll(async () => {
  await portal?.stop();
});

describe('npm start: the WOPI process and its Next.js child', () => {
  it('the process on PORT is not Next.js; its one Next.js child listens on a Unix socket, not on a port', async () => {
    const front = findListenerPid(portOf(portal.baseUrl))!;
    expect(front).toBeGreaterThan(0);
    expect(isNextChild(front)).toBe(false);
    const [next, ...others] = nextChildOf(front);
    expect(others).toEqual([]);
    expect(next).toBeGreaterThan(0);
    const socketPath = commandLine(next!)!
      .find((arg) => arg.startsWith(`${NEXT_CHILD_FLAG}=`))!
      .split('=')[1]!;
    expect(socketPath).toMatch(/\/wopi-next-[^/]+\/next\.sock$/);
    expect(await status(wopiUrl)).toBe(200);
    expect(await status(`${portal.baseUrl}/api/live`)).toBe(200);
  });

  it('the process on PORT runs with the core heap flags (lib/server/core-node-flags.ts); its Next.js child without them', () => {
    const front = findListenerPid(portOf(portal.baseUrl))!;
    const [next] = nextChildOf(front);
    const flags = DEFAULT_CORE_NODE_FLAGS.split(' ');
    const core = commandLine(front)!;
    // node's own flags come before the program's path (the bundle in production).
    const program = core.findIndex((arg) => arg.endsWith('wopi-server.mjs'));
    expect(program).toBeGreaterThan(0);
    expect(core.slice(1, program)).toEqual(expect.arrayContaining(flags));
    const child = commandLine(next!)!;
    for (const flag of flags) expect(child).not.toContain(flag);
  });

  it('Next.js killed (SIGKILL) → /wopi answers meanwhile; a new child answers the portal again', async () => {
    const front = findListenerPid(portOf(portal.baseUrl))!;
    const [first] = nextChildOf(front);
    process.kill(first!, 'SIGKILL');
    await waitFor('the old child to be gone', () => !isAlive(first!));
    expect(await status(wopiUrl)).toBe(200);
    // Waits for the restart (1 s, then Next.js starts) instead of failing.
    await waitFor('the portal to answer again', async () => (await status(`${portal.baseUrl}/api/live`)) === 200);
    const [second] = nextChildOf(front);
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    expect(output.join('')).toMatch(/Next\.js exited unexpectedly \(SIGKILL\); restarted it after/);
    expect(portal.isAlive()).toBe(true);
  }, 120_000);

  it('the Next.js child on its own: ready over IPC, then exits when that channel closes (its parent died)', async () => {
    const socketDir = await mkdtemp(path.join(tmpdir(), 'wopi-next-test-'));
    const child = spawn(
      process.execPath,
      [path.join(ROOT, '.next', 'wopi-server.mjs'), `${NEXT_CHILD_FLAG}=${path.join(socketDir, 'next.sock')}`],
      { cwd: ROOT, env: portal.env, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('message', (message) => isNextReadyMessage(message) && resolve());
        child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    } finally {
      child.kill('SIGKILL');
      await rm(socketDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('SIGTERM to npm start → the Next.js child is gone too, its socket directory removed', async () => {
    const front = findListenerPid(portOf(portal.baseUrl))!;
    const [next] = nextChildOf(front);
    const socketDir = path.dirname(
      commandLine(next!)!
        .find((arg) => arg.startsWith(`${NEXT_CHILD_FLAG}=`))!
        .split('=')[1]!,
    );
    await portal.stop();
    expect(isAlive(next!)).toBe(false);
    expect(isAlive(front)).toBe(false);
    expect(readdirSync(path.dirname(socketDir))).not.toContain(path.basename(socketDir));
    expect(output.join('')).not.toMatch(/uncaughtException|unhandledRejection/);
  }, 60_000);
});
