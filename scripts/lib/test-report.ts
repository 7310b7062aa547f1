/**
 * Failed tests named from the reporters' JSON (vitest's `--reporter=json`, Playwright's `json`
 * reporter), for `npm test`'s closing summary: one line each, `file › test name — first line of
 * the error`, so the last lines of a CI log say which test failed.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';

export type VitestJson = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
};
export type PlaywrightSpec = {
  title: string;
  file: string;
  line: number;
  tests: { projectName: string; status: string; results: { status: string; error?: { message?: string } }[] }[];
};
export type PlaywrightSuite = { title: string; specs?: PlaywrightSpec[]; suites?: PlaywrightSuite[] };
export type PlaywrightJson = {
  stats: { expected: number; unexpected: number; skipped: number; flaky: number };
  suites?: PlaywrightSuite[];
  errors?: { message?: string }[];
  /** `rootDir`: the folder spec files are named relative to (the config's testDir). */
  config?: { rootDir?: string };
};

const ANSI = /\u001b\[[0-9;]*m/g;
/** The first non-empty line of an error message, without colour codes, at most 240 characters. */
const firstLine = (message: string | undefined) =>
  (message ?? '')
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .find(Boolean)
    ?.slice(0, 240) ?? 'no message';
const relative = (file: string) => path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, file));

/** Failed vitest tests, and test files that failed without a test (a syntax error, a hook). */
export const vitestFailures = (report: VitestJson): string[] =>
  (report.testResults ?? []).flatMap((file) => {
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (failed.length === 0 && file.status === 'failed') return [`${relative(file.name)} — ${firstLine(file.message)}`];

    return failed.map((test) => `${relative(file.name)} › ${test.fullName} — ${firstLine(test.failureMessages?.[0])}`);
  });

/**
 * Playwright tests with status `status`: "unexpected" (failed, retries included) or "flaky"
 * (failed, then passed on a retry), one line each; for "unexpected", global errors too.
 */
export const playwrightTests = (report: PlaywrightJson, status: 'unexpected' | 'flaky' = 'unexpected'): string[] => {
  const lines: string[] =
    status === 'unexpected' ? (report.errors ?? []).map((error) => `(global) — ${firstLine(error.message)}`) : [];
  const walk = (suite: PlaywrightSuite, titles: string[]) => {
    const titlePath = suite.title && !suite.title.endsWith('.ts') ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests.filter((t) => t.status === status)) {
        const error = test.results.find((result) => result.error)?.error?.message;
        lines.push(
          `${relative(path.join(report.config?.rootDir ?? '', spec.file))}:${spec.line} › [${test.projectName}] ${[...titlePath, spec.title].join(' › ')} — ${firstLine(error)}`,
        );
      }
    for (const child of suite.suites ?? []) walk(child, titlePath);
  };
  for (const suite of report.suites ?? []) walk(suite, []);

  return lines;
};

/** Failed Playwright tests (status "unexpected"; "flaky" ones passed on a retry) and global errors. */
export const playwrightFailures = (report: PlaywrightJson) => playwrightTests(report, 'unexpected');

/** One case of the WOPI validator runner's JSON report (../shared/wopi-validator/run.mjs). */
export type ValidatorResult = {
  group: string;
  name: string;
  status: 'pass' | 'fail' | 'skip';
  reason?: string;
  failedPrereq?: string;
};

/** Failed validator cases, and skips whose prerequisite is not in `allowedPrereqs` (those count as failures). */
export const validatorFailures = (results: ValidatorResult[], allowedPrereqs: Set<string>): string[] =>
  results.flatMap((result) => {
    if (result.status === 'fail') return [`${result.group}/${result.name} — ${firstLine(result.reason)}`];
    if (result.status === 'skip' && !(result.failedPrereq && allowedPrereqs.has(result.failedPrereq)))
      return [`${result.group}/${result.name} (unexpected skip) — ${firstLine(result.reason)}`];

    return [];
  });

/** What `npm test` counts for one tier: `failures` are the lines its summary names. */
export type TierCounts = { failed: number; failures?: string[] };

/**
 * A tier's counts checked against its runner's exit code, so neither can hide a failure:
 * - exit ≠ 0 though the report counts no failure → one failure (`the runner exited N …`);
 * - exit 0 though the report counts failures → a runner defect: something in the runner reset
 *   its exit code (async-exit-hook's `beforeExit` hook once did, see
 *   patches/async-exit-hook+2.0.1.patch), so the tier's own command would pass on its own.
 *   It counts as one more failure and is named first, in capitals.
 * Returns `counts` with `failed` and `failures` adjusted; `tier` names the npm script.
 */
export const checkRunnerExit = <C extends TierCounts>(tier: string, counts: C, code: number): C => {
  if (code !== 0 && counts.failed === 0)
    return {
      ...counts,
      failed: 1,
      failures: [`the runner exited ${code} though no test failed (see its output above)`],
    };
  if (code === 0 && counts.failed > 0)
    return {
      ...counts,
      failed: counts.failed + 1,
      failures: [
        `RUNNER DEFECT: the ${tier} runner exited 0 though ${counts.failed} test(s) failed — something in it reset its exit code, so \`npm run test:${tier}\` alone would pass`,
        ...(counts.failures ?? []),
      ],
    };

  return counts;
};
