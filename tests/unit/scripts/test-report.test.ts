import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import {
  checkRunnerExit,
  playwrightFailures,
  playwrightTests,
  vitestFailures,
  validatorFailures,
} from '../../../scripts/lib/test-report';

describe('npm test summary: failed tests by name', () => {
  it('vitest JSON → "file › full name — first error line", colour codes dropped; a file that failed without a test is named once', () => {
    const lines = vitestFailures({
      numPassedTests: 1,
      numFailedTests: 1,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [
        {
          name: path.join(PROJECT_ROOT, 'tests/unit/a.test.ts'),
          status: 'failed',
          assertionResults: [
            { fullName: 'a passes', status: 'passed' },
            {
              fullName: 'a › b fails',
              status: 'failed',
              failureMessages: ['\n\u001b[31mAssertionError: expected 1 to be 2\u001b[39m\n    at x.ts:1'],
            },
          ],
        },
        { name: path.join(PROJECT_ROOT, 'tests/unit/c.test.ts'), status: 'failed', message: 'SyntaxError: nope\nmore' },
        { name: path.join(PROJECT_ROOT, 'tests/unit/d.test.ts'), status: 'passed', assertionResults: [] },
      ],
    });
    expect(lines).toEqual([
      'tests/unit/a.test.ts › a › b fails — AssertionError: expected 1 to be 2',
      'tests/unit/c.test.ts — SyntaxError: nope',
    ]);
  });

  it('Playwright JSON → unexpected tests with describe titles and project; flaky ones listed apart, skipped ones not at all', () => {
    const spec = (title: string, status: string, message?: string) => ({
      title,
      file: 'trash.spec.ts',
      line: 12,
      tests: [
        {
          projectName: 'chromium',
          status,
          results: [
            { status: status === 'unexpected' ? 'failed' : 'passed', ...(message ? { error: { message } } : {}) },
          ],
        },
      ],
    });
    const report = {
      config: { rootDir: path.join(PROJECT_ROOT, 'tests/e2e') },
      stats: { expected: 1, unexpected: 1, skipped: 1, flaky: 1 },
      errors: [{ message: 'Error: global setup failed' }],
      suites: [
        {
          title: 'trash.spec.ts',
          specs: [spec('top level passes', 'expected')],
          suites: [
            {
              title: 'Trash',
              specs: [
                spec('restores', 'unexpected', 'Error: expect(locator).toBeVisible() failed\n\nLocator: x'),
                spec('flaky', 'flaky'),
                spec('skipped', 'skipped'),
              ],
            },
          ],
        },
      ],
    };
    expect(playwrightTests(report, 'flaky')).toEqual([
      'tests/e2e/trash.spec.ts:12 › [chromium] Trash › flaky — no message',
    ]);
    expect(playwrightFailures(report)).toEqual([
      '(global) — Error: global setup failed',
      'tests/e2e/trash.spec.ts:12 › [chromium] Trash › restores — Error: expect(locator).toBeVisible() failed',
    ]);
  });

  it('validator report → failed cases and skips whose prerequisite is not an unsupported feature', () => {
    expect(
      validatorFailures(
        [
          { group: 'Locks', name: 'LockTwice', status: 'fail', reason: 'Expected 409\nbody' },
          { group: 'Locks', name: 'Unlock', status: 'pass' },
          { group: 'Containers', name: 'C', status: 'skip', failedPrereq: 'ContainersPrereq' },
          { group: 'Files', name: 'F', status: 'skip', failedPrereq: 'SomethingElse', reason: 'prereq failed' },
        ],
        new Set(['ContainersPrereq']),
      ),
    ).toEqual(['Locks/LockTwice — Expected 409', 'Files/F (unexpected skip) — prereq failed']);
  });
});

describe("npm test summary: a tier's report checked against its runner's exit code", () => {
  const counts = { passed: 3, failed: 2, skipped: 1, failures: ['a.test.ts › x — boom', 'b.test.ts › y — bang'] };

  it('report counts failures, runner exited 0 → RUNNER DEFECT named first, one failure more', () => {
    expect(checkRunnerExit('integration', counts, 0)).toEqual({
      passed: 3,
      failed: 3,
      skipped: 1,
      failures: [
        'RUNNER DEFECT: the integration runner exited 0 though 2 test(s) failed — something in it reset its exit code, so `npm run test:integration` alone would pass',
        'a.test.ts › x — boom',
        'b.test.ts › y — bang',
      ],
    });
  });

  it('report counts failures, runner exited 1 → unchanged', () => {
    expect(checkRunnerExit('integration', counts, 1)).toEqual(counts);
  });

  it('report counts no failure, runner exited 0 → unchanged', () => {
    const passed = { passed: 5, failed: 0, skipped: 0 };
    expect(checkRunnerExit('unit', passed, 0)).toEqual(passed);
  });

  it('report counts no failure, runner exited 1 → one failure naming the exit code', () => {
    expect(checkRunnerExit('e2e', { passed: 5, failed: 0, skipped: 0 }, 1)).toEqual({
      passed: 5,
      failed: 1,
      skipped: 0,
      failures: ['the runner exited 1 though no test failed (see its output above)'],
    });
  });
});
