/**
 * The bench's output: machine facts, the targets with their baselines, ratios and PASS/FAIL,
 * and the detailed figures, as markdown (stdout) and JSON (.data/bench/bench-<timestamp>.json).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ColdFolder } from './cold-folder';
import type { LoadResult } from './load';
import type { CpuUse } from './procfs';
import type { Run } from './scenarios';
import type { SearchBench } from './search';

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

export type LoadRow = LoadResult & {
  cpu?: CpuUse;
  /** The process that served the scenario: the portal's web server or the floor server. */
  server?: 'web' | 'floor';
  /** That process's highest VmRSS sampled while the scenario was measured. */
  serverRssPeak?: number;
  /** The floor scenario of the same job, and iterations per second ÷ its (same connections). */
  floorScenario?: string;
  floorRatio?: number;
};

export type TransferRow = {
  operation: 'GetFile' | 'PutFile';
  size: number;
  runs: Run[];
  /** Direct S3 (lib-storage Upload, GetObject) from the bench process. */
  baselineRuns: Run[];
  mibPerSecond: number;
  baselineMibPerSecond: number;
  ratio: number;
  /** Through the floor server (node:http → one streamed PutObject / GetObject). */
  floorRuns?: Run[];
  floorMibPerSecond?: number;
  floorRatio?: number;
  /** CPU per process tree, summed over the runs of each side. */
  cpu?: { wopi?: CpuUse; floor?: CpuUse; direct?: CpuUse };
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
  /** A target from before the floors (kept so the history stays comparable). */
  isPrevious?: boolean;
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
  coldFolder?: ColdFolder;
  search?: SearchBench;
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

/** CPU ms per MiB moved of process tree `name` over `runs` (summed in `cpu`). */
const cpuPerMib = (cpu: CpuUse | undefined, runs: Run[] | undefined, name: string) => {
  const seconds = cpu?.[name];
  const bytes = (runs ?? []).reduce((sum, run) => sum + run.bytes, 0);

  return seconds === undefined || bytes === 0 ? 'n/a' : fmt((seconds * 1000) / (bytes / MiB), 1);
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
        '÷ floor',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'server RSS',
        'CPU ms/req: web',
        'floor',
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
        r.floorRatio === undefined ? '—' : ratio(r.floorRatio),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.max, 1),
        String(r.errors),
        r.serverRssPeak === undefined ? 'n/a' : `${r.server} ${mib(r.serverRssPeak)}`,
        cpuPerRequest(r, 'web'),
        cpuPerRequest(r, 'floor'),
        cpuPerRequest(r, 'postgres'),
        cpuPerRequest(r, 's3'),
        cpuPerRequest(r, 'bench'),
        cpuPerRequest(r, 'other'),
      ]),
    ),
    '',
  );
  lines.push(
    '÷ floor: iterations per second over those of the floor server doing the same job at the same connections ' +
      '(`/api/live` over the constant-JSON floor: what Next.js costs). Server RSS: peak VmRSS of the process serving ' +
      'the scenario while it was measured. CPU ms/req: CPU time (utime + stime) of each process tree during the ' +
      'measured slices divided by requests; "bench" is the load generator, "other procs" the rest of the machine.',
    '',
  );

  if (report.transfers.length) {
    lines.push('### Transfers (sequential, one connection, median of the runs; sides take turns going first)', '');
    const runList = (runs: Run[] | undefined) => (runs ?? []).map((r) => fmt(r.mibPerSecond, 0)).join(', ') || 'n/a';
    lines.push(
      table(
        [
          'operation',
          'size',
          'MiB/s',
          'floor MiB/s',
          '÷ floor',
          'direct S3 MiB/s',
          '÷ direct',
          'CPU ms/MiB: web',
          'floor',
          's3 (WOPI / floor / direct)',
          'bench (WOPI / floor / direct)',
          'runs MiB/s: WOPI',
          'floor',
          'direct',
        ],
        report.transfers.map((t) => [
          t.operation,
          sizeLabel(t.size),
          fmt(t.mibPerSecond),
          t.floorMibPerSecond === undefined ? 'n/a' : fmt(t.floorMibPerSecond),
          t.floorRatio === undefined ? 'n/a' : ratio(t.floorRatio),
          fmt(t.baselineMibPerSecond),
          ratio(t.ratio),
          cpuPerMib(t.cpu?.wopi, t.runs, 'web'),
          cpuPerMib(t.cpu?.floor, t.floorRuns, 'floor'),
          [
            cpuPerMib(t.cpu?.wopi, t.runs, 's3'),
            cpuPerMib(t.cpu?.floor, t.floorRuns, 's3'),
            cpuPerMib(t.cpu?.direct, t.baselineRuns, 's3'),
          ].join(' / '),
          [
            cpuPerMib(t.cpu?.wopi, t.runs, 'bench'),
            cpuPerMib(t.cpu?.floor, t.floorRuns, 'bench'),
            cpuPerMib(t.cpu?.direct, t.baselineRuns, 'bench'),
          ].join(' / '),
          runList(t.runs),
          runList(t.floorRuns),
          runList(t.baselineRuns),
        ]),
      ),
      '',
    );
    lines.push(
      'floor: the floor server streaming through one PutObject / GetObject to the same S3 server. direct S3: the bench ' +
        'itself, PUT with lib-storage Upload (5 MiB parts × 2 in flight: as the portal did before it sent sized bodies as one PutObject) and GetObject.',
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
          `${sizeLabel(mem.size)} PutFile peak`,
          'peak − idle',
          'kernel VmHWM',
          `${sizeLabel(mem.size)} GetFile peak`,
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
  if (report.coldFolder) {
    const cold = report.coldFolder;
    lines.push(`### First visit of a cold folder (${fmt(cold.objects, 0)} objects put straight into the bucket)`, '');
    lines.push(
      table(
        [
          'first page',
          'rows shown',
          'documents known then',
          'said "still reading"',
          'all listed after',
          'warm visit',
          'seeding',
        ],
        [
          [
            `${fmt(cold.firstPageMs, 0)} ms`,
            String(cold.firstPageRows),
            cold.firstPageTotal === null ? 'one page' : fmt(cold.firstPageTotal, 0),
            cold.isReading ? 'yes' : 'no',
            cold.completeMs === null ? 'not within the timeout' : `${fmt(cold.completeMs / 1000, 1)} s`,
            `${fmt(cold.warmPageMs, 0)} ms`,
            `${fmt(cold.seedSeconds, 1)} s`,
          ],
        ],
      ),
      '',
    );
  }
  if (report.search) {
    const found = report.search;
    lines.push(
      `### Search across folders (${fmt(found.documents, 0)} documents, GET /api/documents/search, ${found.connections} connections)`,
      '',
    );
    lines.push(
      table(
        ['query', 'matches', 'p50 ms', 'p95 ms'],
        [
          ...found.queries.map((query) => [query.label, query.total, fmt(query.p50, 1), fmt(query.p95, 1)]),
          [`**all ${fmt(found.requests, 0)} requests**`, '', fmt(found.p50, 1), fmt(found.p95, 1)],
        ],
      ),
      '',
      `p99 ${fmt(found.p99, 1)} ms, max ${fmt(found.max, 1)} ms, ${found.errors} errors; ` +
        `documents inserted in ${fmt(found.seedSeconds, 1)} s (plain SQL, generate_series).`,
      '',
    );
  }
  for (const note of report.notes) lines.push(`- ${note}`);
  if (report.notes.length) lines.push('');
  const summary = (label: string, targets: Target[]) => {
    const missed = targets.filter((t) => t.pass === false);

    return missed.length
      ? `**${label}: ${missed.length} of ${targets.length} missed:** ${missed.map((t) => t.name).join('; ')}.`
      : `${label}: all ${targets.length} met.`;
  };
  const judged = report.targets.filter((t) => t.pass !== null);
  lines.push(
    `${summary(
      'Targets',
      judged.filter((t) => !t.isPrevious),
    )} ` +
      summary(
        'Previous targets',
        judged.filter((t) => t.isPrevious),
      ),
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
