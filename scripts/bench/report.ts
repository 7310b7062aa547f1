/**
 * The bench's output: machine facts, the targets with their baselines, ratios and PASS/FAIL,
 * and the detailed figures, as markdown (stdout) and JSON (.data/bench/bench-<timestamp>.json).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load';
import type { CpuUse } from './procfs';
import type { Transfer } from './transfer';

export type Machine = {
  nproc: number;
  cpuModel: string;
  node: string;
  totalRamBytes: number;
  kernel: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
};

export const machineInfo = (): Machine => ({
  nproc: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  node: process.version,
  totalRamBytes: os.totalmem(),
  kernel: `${os.type()} ${os.release()}`,
  loadAverageStart: os.loadavg(),
});

/** The commit measured and how many files differed from it when the bench started (the portal builds the work tree). */
export const codeRevision = (root: string) => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: 'pipe' }).trim();
  try {
    const changed = git('status', '--porcelain').split('\n').filter(Boolean).length;

    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} changed or new file${changed > 1 ? 's' : ''}` : ''}`;
  } catch {
    return 'unknown (not a git work tree)';
  }
};

export type LoadRow = LoadResult & { cpu?: CpuUse };

export type TransferRow = {
  operation: 'GetFile' | 'PutFile';
  size: number;
  runs: Transfer[];
  baselineRuns: Transfer[];
  mibPerSecond: number;
  baselineMibPerSecond: number;
  ratio: number;
};

export type Memory = {
  pid: number;
  /** Bytes of the PutFile/GetFile measured. */
  size: number;
  rssAfterStart: number;
  idle: number;
  peakSampled: number;
  peakKernel: number | null;
  peak: number;
  samples: number;
  getFilePeak: number;
  putFileMibPerSecond: number;
  getFileMibPerSecond: number;
};

export type Target = {
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  limit: string;
  /** null: reported without a target. */
  pass: boolean | null;
};

export type Report = {
  date: string;
  runSeconds: number;
  machine: Machine;
  portal: string;
  code: string;
  settings: Record<string, number | string>;
  load: LoadRow[];
  transfers: TransferRow[];
  memory?: Memory;
  roundTrip?: { size: number; sentSha256: string; receivedSha256: string; equal: boolean };
  targets: Target[];
  notes: string[];
};

const MiB = 1024 * 1024;
export const fmt = (value: number, digits = 1) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
export const mib = (bytes: number) => `${fmt(bytes / MiB, 0)} MiB`;
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
export const sizeLabel = (bytes: number) =>
  bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const cpuPerRequest = (row: LoadRow, name: string) => {
  const seconds = row.cpu?.[name];

  return seconds === undefined || row.requests === 0 ? 'n/a' : fmt((seconds * 1000) / row.requests, 2);
};

export const renderMarkdown = (report: Report) => {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`## Benchmark, ${report.date}`, '');
  lines.push(
    `Machine: ${m.nproc} × ${m.cpuModel}, ${fmt(m.totalRamBytes / 1024 ** 3)} GiB RAM, ${m.kernel}, Node ${m.node}; ` +
      `load average ${m.loadAverageStart.map((v) => v.toFixed(2)).join(' ')} at start` +
      (m.loadAverageEnd ? `, ${m.loadAverageEnd.map((v) => v.toFixed(2)).join(' ')} at end` : '') +
      `. Code: ${report.code}. Portal: ${report.portal}. ` +
      Object.entries(report.settings)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ') +
      `. Run time ${fmt(report.runSeconds, 0)} s.`,
    '',
  );

  lines.push('### Targets', '');
  lines.push(
    table(
      ['target', 'measured', 'baseline (same run)', 'ratio', 'limit', 'result'],
      report.targets.map((t) => [
        t.name,
        t.measured,
        t.baseline,
        t.ratio,
        t.limit,
        t.pass === null ? '—' : t.pass ? 'PASS' : '**FAIL**',
      ]),
    ),
    '',
  );

  lines.push(
    '### Requests (closed loop, one keep-alive connection per worker; baseline and WOPI scenarios measured in alternating slices)',
    '',
  );
  lines.push(
    table(
      [
        'scenario',
        'conn',
        'req/s',
        'iter/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'CPU ms/req: web',
        'postgres',
        's3',
        'bench',
        'other procs',
      ],
      report.load.map((r) => [
        r.scenario,
        String(r.connections),
        fmt(r.requestsPerSecond, 0),
        fmt(r.iterationsPerSecond, 0),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.max, 1),
        String(r.errors),
        cpuPerRequest(r, 'web'),
        cpuPerRequest(r, 'postgres'),
        cpuPerRequest(r, 's3'),
        cpuPerRequest(r, 'bench'),
        cpuPerRequest(r, 'other'),
      ]),
    ),
    '',
  );
  lines.push(
    'CPU ms/req: CPU time of each process tree during the measured phase divided by requests; ' +
      '"other procs" is the rest of the machine (not the portal, not the bench).',
    '',
  );

  if (report.transfers.length) {
    lines.push('### Transfers (sequential, one connection, median of the runs)', '');
    lines.push(
      table(
        ['operation', 'size', 'MiB/s', 'baseline', 'baseline MiB/s', 'ratio', 'runs (MiB/s)', 'baseline runs'],
        report.transfers.map((t) => [
          t.operation,
          sizeLabel(t.size),
          fmt(t.mibPerSecond),
          t.operation === 'GetFile' ? 'S3 GetObject' : 'S3 Upload (5 MiB parts × 2)',
          fmt(t.baselineMibPerSecond),
          ratio(t.ratio),
          t.runs.map((r) => fmt(r.mibPerSecond, 0)).join(', '),
          t.baselineRuns.map((r) => fmt(r.mibPerSecond, 0)).join(', '),
        ]),
      ),
      '',
    );
  }

  if (report.memory) {
    const mem = report.memory;
    lines.push(`### Web server memory (pid ${mem.pid}, VmRSS every 50 ms)`, '');
    lines.push(
      table(
        [
          'after start',
          'idle after warm-up',
          '1 GiB PutFile peak',
          'peak − idle',
          'kernel VmHWM',
          '1 GiB GetFile peak',
          'PutFile / GetFile MiB/s',
        ],
        [
          [
            mib(mem.rssAfterStart),
            mib(mem.idle),
            `${mib(mem.peak)} (${mem.samples} samples)`,
            mib(mem.peak - mem.idle),
            mem.peakKernel === null ? 'n/a' : mib(mem.peakKernel),
            mib(mem.getFilePeak),
            `${fmt(mem.putFileMibPerSecond)} / ${fmt(mem.getFileMibPerSecond)}`,
          ],
        ],
      ),
      '',
    );
  }
  if (report.roundTrip) {
    const rt = report.roundTrip;
    lines.push(
      `${sizeLabel(rt.size)} round trip: sent SHA-256 ${rt.sentSha256}, GetFile body ${rt.receivedSha256}: ${rt.equal ? 'byte-exact' : '**DIFFERENT**'}.`,
      '',
    );
  }
  for (const note of report.notes) lines.push(`- ${note}`);
  if (report.notes.length) lines.push('');
  const targets = report.targets.filter((t) => t.pass !== null);
  const missed = targets.filter((t) => t.pass === false);
  lines.push(
    missed.length
      ? `**Missed targets (${missed.length} of ${targets.length}):** ${missed.map((t) => t.name).join('; ')}.`
      : `All ${targets.length} targets met.`,
  );

  return `${lines.join('\n')}\n`;
};

/** Writes the report as JSON under `<root>/.data/bench/`; returns the path. */
export const writeJson = async (root: string, report: Report) => {
  const directory = path.join(root, '.data', 'bench');
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `bench-${report.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

  return file;
};
