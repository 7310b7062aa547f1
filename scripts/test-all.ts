/**
 * `npm test`: every tier — unit, integration (real Postgres + S3), end-to-end (Playwright in
 * Chromium against the one-command start), Microsoft's WOPI validator against a fresh portal —
 * then one closing line `N passed, N failed, N skipped`.
 * `npm test -- --only unit,integration` runs a subset. Exit code is non-zero if any tier failed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '@/lib/embedded/migrate';
import {
  checkRunnerExit,
  playwrightFailures,
  playwrightTests,
  vitestFailures,
  type PlaywrightJson,
  type VitestJson,
} from './lib/test-report';

/**
 * `skipReason`: the tier skipped itself on purpose and said why (e.g. no WOPI validator here).
 * `failures`: one line per failed test (`file › name — first line of the error`), repeated in the
 * closing summary so the last lines of a CI log say what failed, not only how many.
 */
type Counts = {
  passed: number;
  failed: number;
  skipped: number;
  skipReason?: string;
  failures?: string[];
  /** Tests that failed, then passed on a retry (e2e in CI): passed, but named so they get fixed. */
  flaky?: string[];
};
type Tier = { name: string; command: string[]; report: string; parse: (json: unknown) => Counts };

const RESULTS = path.join(PROJECT_ROOT, '.data', 'test-results');
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const VITEST = path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** How many failed tests the summary names per tier; the rest are counted. */
const MAX_NAMED_FAILURES = 30;

const vitestTier = (project: string): Tier => {
  const report = path.join(RESULTS, `vitest-${project}.json`);

  return {
    name: project,
    report,
    command: [
      process.execPath,
      VITEST,
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    parse: (json) => {
      const r = json as VitestJson;

      return {
        passed: r.numPassedTests,
        failed: r.numFailedTests,
        skipped: r.numPendingTests + r.numTodoTests,
        failures: vitestFailures(r),
      };
    },
  };
};

const TIERS: Tier[] = [
  vitestTier('unit'),
  vitestTier('integration'),
  {
    name: 'e2e',
    report: path.join(RESULTS, 'playwright.json'),
    command: [TSX, 'scripts/e2e.ts'],
    parse: (json) => {
      const report = json as PlaywrightJson;
      const { stats } = report;

      return {
        passed: stats.expected + stats.flaky,
        failed: stats.unexpected,
        skipped: stats.skipped,
        failures: playwrightFailures(report),
        flaky: playwrightTests(report, 'flaky'),
      };
    },
  },
  {
    name: 'validator',
    report: path.join(RESULTS, 'validator.json'),
    command: [TSX, 'scripts/validator.ts'],
    parse: (json) => json as Counts,
  },
];

const run = (command: string[]) =>
  new Promise<number>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
      env: { ...process.env, CI: process.env.CI ?? '', E2E_JSON_REPORT: path.join(RESULTS, 'playwright.json') },
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', () => resolve(1));
  });

const main = async () => {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const selected = values.only ? values.only.split(',').map((name) => name.trim()) : TIERS.map((tier) => tier.name);
  const unknown = selected.filter((name) => !TIERS.some((tier) => tier.name === name));
  if (unknown.length > 0)
    throw new Error(`Unknown tier(s): ${unknown.join(', ')}. Tiers: ${TIERS.map((t) => t.name).join(', ')}.`);
  await mkdir(RESULTS, { recursive: true });

  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  const failures: string[] = [];
  const flaky: string[] = [];
  let isFailed = false;
  for (const tier of TIERS.filter((t) => selected.includes(t.name))) {
    process.stdout.write(`\n=== ${tier.name} tests ===\n`);
    await rm(tier.report, { force: true });
    const code = await run(tier.command);
    let counts: Counts;
    try {
      const reported = tier.parse(JSON.parse(await readFile(tier.report, 'utf8')));
      counts = checkRunnerExit(tier.name, reported, code);
      if (code === 0 && reported.failed > 0)
        process.stderr.write(
          `\n!!! RUNNER DEFECT: the ${tier.name} runner exited 0 though its report counts ${reported.failed} failed test(s); the tier counts as failed.\n`,
        );
    } catch {
      // The runner died before reporting: count the tier as one failure so it cannot pass silently.
      counts = { passed: 0, failed: 1, skipped: 0, failures: [`the runner wrote no report (exit ${code})`] };
    }
    // A tier that ran nothing is broken, unless it skipped itself on purpose and said why.
    if (counts.passed + counts.failed === 0 && !counts.skipReason) {
      counts.failed = 1;
      counts.failures = ['the tier ran no test'];
    }
    isFailed ||= counts.failed > 0;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    flaky.push(...(counts.flaky ?? []).map((line) => `  ${tier.name}: ${line}`));
    const named = counts.failures ?? [];
    failures.push(...named.slice(0, MAX_NAMED_FAILURES).map((line) => `  ${tier.name}: ${line}`));
    if (named.length > MAX_NAMED_FAILURES)
      failures.push(`  ${tier.name}: … and ${named.length - MAX_NAMED_FAILURES} more (see the tier's output above)`);
    lines.push(
      `${tier.name.padEnd(12)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (exit ${code})${counts.skipReason && counts.failed === 0 ? ` — skipped: ${counts.skipReason}` : ''}`,
    );
  }
  process.stdout.write(`\n=== summary ===\n${lines.join('\n')}\n`);
  if (flaky.length > 0) process.stdout.write(`flaky tests (failed, then passed on a retry):\n${flaky.join('\n')}\n`);
  if (failures.length > 0) process.stdout.write(`failed tests:\n${failures.join('\n')}\n`);
  process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);

  return isFailed ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
