/**
 * DATA_DIR's shared files. runtime.json is read by other processes (the CLI in a second shell, the bench, the
 * e2e tier) while `npm start` rewrites it (once ready; again when a supervisor restarts an
 * embedded server): a reader sees the old record or the new one, never a truncated file.
 * secrets.json is created once, by whichever process comes first.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets } from '@/lib/embedded/secrets';
import { claimDataDir, readRuntime, writeRuntime, type RuntimeInfo } from '@/lib/embedded/services';

const execFileAsync = promisify(execFile);

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'runtime-file-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const record = (n: number): RuntimeInfo => ({
  ownerPid: process.pid,
  kind: 'server',
  appUrl: `http://127.0.0.1:${3000 + n}`,
  // Long enough that a write takes more than one step of the reader's loop.
  databaseUrl: `postgresql://postgres:${'x'.repeat(20_000)}@127.0.0.1:5432/wopi`,
  startedAt: new Date(n).toISOString(),
});

describe('DATA_DIR/runtime.json', () => {
  it('rewritten 300 times while another reader reads it in a loop → every read is a whole record', async () => {
    await writeRuntime(dataDir, record(0));
    let isWriting = true;
    const seen: (RuntimeInfo | null)[] = [];
    const reader = (async () => {
      while (isWriting) seen.push(await readRuntime(dataDir));
    })();
    for (let n = 1; n <= 300; n++) await writeRuntime(dataDir, record(n));
    isWriting = false;
    await reader;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((info) => info === null)).toEqual([]);
    expect(await readRuntime(dataDir)).toEqual(record(300));
  });

  it('10 writers at once (a restart recorded while start-up records readiness) → one whole record, no temporary file left', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, n) => writeRuntime(dataDir, record(n))));
    const info = await readRuntime(dataDir);
    expect(Array.from({ length: 10 }, (_, n) => record(n))).toContainEqual(info);
    expect(await readdir(dataDir)).toEqual(['runtime.json']);
  });

  it('is readable by its owner only (mode 600), with no temporary file left beside it', async () => {
    await writeRuntime(dataDir, record(1));
    await writeRuntime(dataDir, record(2));
    expect((await stat(path.join(dataDir, 'runtime.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['runtime.json']);
    expect(JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8'))).toEqual(record(2));
  });
});

describe('DATA_DIR/secrets.json', () => {
  it('created by 8 callers at once on a fresh DATA_DIR → one set for all, mode 600, no temporary file left', async () => {
    const fresh = path.join(dataDir, 'fresh');
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecrets(fresh)));
    for (const secrets of all) expect(secrets).toEqual(all[0]);
    expect(await readdir(fresh)).toEqual(['secrets.json']);
    expect((await stat(path.join(fresh, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSecrets(fresh)).toEqual(all[0]);
  });
});

/** A live process that is not this one (its pid), ended by the returned function. */
const otherProcess = () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });

  return { pid: child.pid!, end: () => child.kill('SIGKILL') };
};

/** A pid no process has any more. */
const deadPid = async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));

  return child.pid!;
};

const ours = (startedAt = 1): RuntimeInfo => ({
  ownerPid: process.pid,
  kind: 'cli',
  startedAt: new Date(startedAt).toISOString(),
});

describe("claimDataDir: who runs DATA_DIR's embedded services", () => {
  it('a fresh DATA_DIR → this process owns it; runtime.json is its record, no temporary file left', async () => {
    expect(await claimDataDir(dataDir, ours())).toEqual({ owner: null });
    expect(await readRuntime(dataDir)).toEqual(ours());
    expect(await readdir(dataDir)).toEqual(['runtime.json']);
  });

  it('owned by a live process still starting (no endpoints yet) → that owner, its record untouched', async () => {
    const other = otherProcess();
    try {
      const theirs: RuntimeInfo = { ownerPid: other.pid, kind: 'server', startedAt: new Date(5).toISOString() };
      await writeRuntime(dataDir, theirs);
      expect(await claimDataDir(dataDir, ours())).toEqual({ owner: theirs });
      expect(await readRuntime(dataDir)).toEqual(theirs);
    } finally {
      other.end();
    }
  });

  it('left by a process that died (SIGKILL) → taken over', async () => {
    await writeRuntime(dataDir, { ownerPid: await deadPid(), kind: 'server', startedAt: new Date(5).toISOString() });
    expect(await claimDataDir(dataDir, ours(7))).toEqual({ owner: null });
    expect(await readRuntime(dataDir)).toEqual(ours(7));
  });

  it.each([
    ['a fresh DATA_DIR', false],
    ['a DATA_DIR whose owner died', true],
  ])(
    '6 processes claiming %s at once → exactly one owns it, the others name that one',
    async (_label, isStale) => {
      if (isStale)
        await writeRuntime(dataDir, {
          ownerPid: await deadPid(),
          kind: 'server',
          startedAt: new Date(5).toISOString(),
        });
      const script = `
      const { claimDataDir } = await import(${JSON.stringify(path.resolve('lib/embedded/services.ts'))});
      const { owner } = await claimDataDir(process.argv[1], { ownerPid: process.pid, kind: 'cli', startedAt: new Date().toISOString() });
      console.log(JSON.stringify({ pid: process.pid, owner: owner ? owner.ownerPid : null }));
      await new Promise((resolve) => setTimeout(resolve, 1500));`;
      const run = async () => {
        const { stdout } = await execFileAsync(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script, dataDir],
          { cwd: process.cwd() },
        );

        return JSON.parse(stdout.trim()) as { pid: number; owner: number | null };
      };
      const results = await Promise.all(Array.from({ length: 6 }, run));
      const owners = results.filter((result) => result.owner === null);
      expect(owners).toHaveLength(1);
      for (const result of results.filter((r) => r.owner !== null)) expect(result.owner).toBe(owners[0]!.pid);
    },
    60_000,
  );
});
