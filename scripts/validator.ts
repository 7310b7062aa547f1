/**
 * `npm run test:validator`: Microsoft's WOPI validator test cases (WopiCore) against a fresh
 * portal, through the runner in WOPI_VALIDATOR_DIR (default ../shared/wopi-validator). Pass 1 uses a
 * full editor token; pass 2 a token without "create" (UserCanNotWriteRelative), which is the
 * only way to run the PutRelativeFileUnsupported group. A skip counts as a failure unless its
 * prerequisite is a feature the README lists as not supported. Without a validator the tier is
 * skipped with one line, or fails when WOPI_VALIDATOR_REQUIRED=1 (CI). Writes the summed counts
 * to .data/test-results/validator.json for `npm test`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { refuseRemoteServices, ROOT, runNode, startPortal, type Portal } from './lib/portal';
import { validatorFailures, type ValidatorResult } from './lib/test-report';

const say = (line: string) => process.stdout.write(`[validator] ${line}\n`);
const VALIDATOR_DIR = path.resolve(process.env.WOPI_VALIDATOR_DIR || path.join(ROOT, '..', 'shared', 'wopi-validator'));
const IS_REQUIRED = ['1', 'true'].includes((process.env.WOPI_VALIDATOR_REQUIRED ?? '').trim().toLowerCase());
/** What the validator folder must hold: the runner and Microsoft's test cases it reads beside itself. */
const VALIDATOR_FILES = ['run.mjs', 'TestCases.xml'];
const RESULTS = path.join(ROOT, '.data', 'test-results');

/** Prerequisites of features this host does not offer (README, "Supported WOPI operations"). */
const UNSUPPORTED_FEATURES: Record<string, string> = {
  AddActivitiesPrereq: 'AddActivities (Microsoft 365 co-authoring)',
  ContainersPrereq: 'containers and ecosystem',
  FileUrlUsagePrereq: 'FileUrl',
  SupportedShareUrlTypesForFilePrereq: 'GetShareUrl',
  ShareUrlTypeReadOnlyForFilePrereq: 'GetShareUrl',
  ShareUrlTypeReadWriteForFilePrereq: 'GetShareUrl',
};

type Report = {
  summary: { passed: number; failed: number; skipped: number };
  gateFailed: boolean;
  results: ValidatorResult[];
};
/**
 * `skipReason`: the whole tier was skipped on purpose (`npm test` shows it instead of failing the tier).
 * `failures`: a line per failed case, which `npm test` repeats in its closing summary.
 */
type Counts = { passed: number; failed: number; skipped: number; skipReason?: string; failures?: string[] };

const runPass = async (
  validatorDir: string,
  portal: Portal,
  pass: { label: string; permissions?: string; groups?: string[]; allowedPrereqs: Set<string> },
) => {
  const upload = path.join(tmpdir(), `validator-${Date.now()}.wopitest`);
  await writeFile(upload, '');
  const doc = JSON.parse(
    await portal.cli('documents', 'upload', upload, '--folder', 'Validator', '--name', `${pass.label}.wopitest`),
  ) as { id: string };
  await rm(upload, { force: true });
  const token = JSON.parse(
    await portal.cli(
      'token',
      '--document',
      doc.id,
      '--user',
      'e2e-editor@example.com',
      ...(pass.permissions ? ['--permissions', pass.permissions] : []),
    ),
  ) as { wopiSrc: string; accessToken: string };
  const reportFile = path.join(RESULTS, `validator-${pass.label}.json`);
  // A report left by an earlier run must never stand in for this one.
  await rm(reportFile, { force: true });
  const args = [
    path.join(validatorDir, 'run.mjs'),
    '--wopisrc',
    token.wopiSrc,
    '--token',
    token.accessToken,
    '--category',
    'WopiCore',
    '--same-origin',
    '--json',
    reportFile,
    ...(pass.groups ?? []).flatMap((group) => ['--group', group]),
  ];
  say(`Pass "${pass.label}": ${pass.groups ? `groups ${pass.groups.join(', ')}` : 'every WopiCore group'}…`);
  // The runner exits 1 on any failure; its report says which.
  const output = await runNode(args, process.env).catch((error: Error) => error.message);
  process.stdout.write(
    output
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  );
  const report = await readFile(reportFile, 'utf8').then(
    (text) => JSON.parse(text) as Report,
    () => null,
  );
  if (!report) {
    say(`  Pass "${pass.label}" failed: the runner wrote no report to ${reportFile}.`);

    return { passed: 0, failed: 1, skipped: 0, failures: [`pass "${pass.label}": the runner wrote no report`] };
  }

  const failures = validatorFailures(report.results, pass.allowedPrereqs).map(
    (line) => `pass "${pass.label}": ${line}`,
  );
  const counts: Counts = { passed: report.summary.passed, failed: report.summary.failed, skipped: 0, failures };
  if (report.summary.passed + report.summary.failed === 0) {
    say(`  Pass "${pass.label}" failed: the runner ran no test case.`);
    counts.failed++;
    failures.push(`pass "${pass.label}": the runner ran no test case`);
  }
  if (report.gateFailed) {
    counts.failed++;
    failures.push(`pass "${pass.label}": the validator's gate failed (see its output above)`);
  }
  for (const result of report.results.filter((r) => r.status === 'skip')) {
    if (result.failedPrereq && pass.allowedPrereqs.has(result.failedPrereq)) counts.skipped++;
    else {
      counts.failed++;
      say(`  unexpected skip: ${result.group}/${result.name} — ${result.reason ?? 'no reason'}`);
    }
  }

  return counts;
};

/**
 * The validator folder with symlinks resolved: the runner starts only when the path it is given
 * equals its own real path (its main-module check), so a symlinked ../shared would run nothing.
 */
const findValidator = async (): Promise<string | null> => {
  const dir = await realpath(VALIDATOR_DIR).catch(() => null);

  return dir && VALIDATOR_FILES.every((file) => existsSync(path.join(dir, file))) ? dir : null;
};

const main = async () => {
  await mkdir(RESULTS, { recursive: true });
  const summaryFile = path.join(RESULTS, 'validator.json');
  const validatorDir = await findValidator();
  if (!validatorDir) {
    const missing = `no Microsoft WOPI validator at ${VALIDATOR_DIR}; set WOPI_VALIDATOR_DIR to a folder with ${VALIDATOR_FILES.join(' and ')}`;
    if (IS_REQUIRED) {
      say(`validator tier failed: WOPI_VALIDATOR_REQUIRED=1 but ${missing}`);
      const counts: Counts = { passed: 0, failed: 1, skipped: 0, failures: [`no validator: ${missing}`] };
      await writeFile(summaryFile, JSON.stringify(counts));

      return 1;
    }
    say(`validator tier skipped: ${missing}`);
    const skipped: Counts = { passed: 0, failed: 0, skipped: 1, skipReason: missing };
    await writeFile(summaryFile, JSON.stringify(skipped));

    return 0;
  }
  refuseRemoteServices();
  const started = Date.now();
  const portal = await startPortal({ label: 'validator', log: say, env: { LOG_LEVEL: 'error' } });
  try {
    const allowed = new Set(Object.keys(UNSUPPORTED_FEATURES));
    const full = await runPass(validatorDir, portal, {
      label: 'editor',
      allowedPrereqs: new Set([...allowed, 'UserCanNotWriteRelativePrereq']),
    });
    const noCreate = await runPass(validatorDir, portal, {
      label: 'no-create',
      permissions: 'read,write,rename,delete',
      groups: ['PutRelativeFileUnsupported'],
      allowedPrereqs: allowed,
    });
    const total: Counts = {
      passed: full.passed + noCreate.passed,
      failed: full.failed + noCreate.failed,
      skipped: full.skipped + noCreate.skipped,
      failures: [...(full.failures ?? []), ...(noCreate.failures ?? [])],
    };
    await writeFile(summaryFile, JSON.stringify(total));
    say(
      `Skipped only for features not supported yet: ${[...new Set(Object.values(UNSUPPORTED_FEATURES))].join(', ')}.`,
    );
    say(
      `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );

    return total.failed > 0 ? 1 : 0;
  } finally {
    await portal.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
