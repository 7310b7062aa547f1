/**
 * The acceptance targets, each as measured figure, same-run baseline, ratio and limit. Rows
 * with `pass: null` are reported without a target (the 1-connection figures).
 */
import { fmt, mib, ratio, sizeLabel, type LoadRow, type Report, type Target } from './report';
import { MiB } from './transfer';

const BUDGET_BYTES = 128 * MiB;

const find = (report: Report, prefix: string, connections: number) =>
  report.load.find((row) => row.scenario.startsWith(prefix) && row.connections === connections);

const missing = (name: string, limit: string): Target => ({
  name,
  measured: 'not measured',
  baseline: '',
  ratio: '',
  limit,
  pass: false,
});

const throughputTargets = (report: Report, connections: number, withTargets: boolean): Target[] => {
  const live = find(report, 'GET /api/live', connections);
  const cfi = find(report, 'CheckFileInfo', connections);
  const lock = find(report, 'LOCK+UNLOCK', connections);
  const suffix = `${connections} conn`;
  const verdict = (pass: boolean) => (withTargets ? pass : null);
  const rows: Target[] = [];
  const clean = (row: LoadRow) => row.errors === 0;
  if (live && cfi) {
    const throughput = cfi.requestsPerSecond / live.requestsPerSecond;
    const tail = cfi.p99 / live.p99;
    rows.push(
      {
        name: `CheckFileInfo throughput, ${suffix}`,
        measured: `${fmt(cfi.requestsPerSecond, 0)} req/s`,
        baseline: `/api/live ${fmt(live.requestsPerSecond, 0)} req/s`,
        ratio: ratio(throughput),
        limit: withTargets ? '≥ 0.50×' : 'reported',
        pass: verdict(throughput >= 0.5 && clean(cfi)),
      },
      {
        name: `CheckFileInfo p99, ${suffix}`,
        measured: `${fmt(cfi.p99, 2)} ms (p50 ${fmt(cfi.p50, 2)})`,
        baseline: `/api/live ${fmt(live.p99, 2)} ms (p50 ${fmt(live.p50, 2)})`,
        ratio: ratio(tail),
        limit: withTargets ? '≤ 2.00×' : 'reported',
        pass: verdict(tail <= 2 && clean(cfi)),
      },
    );
  } else if (withTargets) rows.push(missing(`CheckFileInfo, ${suffix}`, '≥ 0.50×, ≤ 2.00×'));
  if (live && lock) {
    const cycles = lock.iterationsPerSecond / live.requestsPerSecond;
    rows.push({
      name: `LOCK+UNLOCK cycles/s, ${suffix}`,
      measured: `${fmt(lock.iterationsPerSecond, 0)} cycles/s (${fmt(lock.requestsPerSecond, 0)} req/s)`,
      baseline: `/api/live ${fmt(live.requestsPerSecond, 0)} req/s`,
      ratio: ratio(cycles),
      limit: withTargets ? '≥ 0.40×' : 'reported',
      pass: verdict(cycles >= 0.4 && clean(lock)),
    });
  } else if (withTargets) rows.push(missing(`LOCK+UNLOCK cycles/s, ${suffix}`, '≥ 0.40×'));

  return rows;
};

export const evaluateTargets = (
  report: Report,
  settings: { connections: number; largeMib: number; memoryMib: number },
): Target[] => {
  const targets = [...throughputTargets(report, settings.connections, true)];
  if (settings.connections !== 1) targets.push(...throughputTargets(report, 1, false));

  for (const operation of ['GetFile', 'PutFile'] as const) {
    for (const size of [settings.largeMib * MiB, MiB]) {
      const isTarget = size === settings.largeMib * MiB;
      const row = report.transfers.find((t) => t.operation === operation && t.size === size);
      const name = `${operation} ${sizeLabel(size)}`;
      if (!row) {
        if (isTarget) targets.push(missing(name, '≥ 0.50×'));
        continue;
      }
      targets.push({
        name,
        measured: `${fmt(row.mibPerSecond)} MiB/s`,
        baseline: `S3 ${operation === 'GetFile' ? 'GET' : 'PUT'} ${fmt(row.baselineMibPerSecond)} MiB/s`,
        ratio: ratio(row.ratio),
        limit: isTarget ? '≥ 0.50×' : 'reported',
        pass: isTarget ? row.ratio >= 0.5 : null,
      });
    }
  }

  const memory = report.memory;
  const memoryName = `Web server RSS during ${sizeLabel(settings.memoryMib * MiB)} PutFile`;
  if (memory) {
    const growth = memory.peak - memory.idle;
    targets.push({
      name: memoryName,
      measured: `peak ${mib(memory.peak)}, peak − idle ${mib(growth)}`,
      baseline: `idle ${mib(memory.idle)}`,
      ratio: '',
      limit: `≤ idle + ${mib(BUDGET_BYTES)}`,
      pass: growth <= BUDGET_BYTES,
    });
  } else targets.push(missing(memoryName, `≤ idle + ${mib(BUDGET_BYTES)}`));
  const roundTrip = report.roundTrip;
  targets.push(
    roundTrip
      ? {
          name: `${sizeLabel(settings.memoryMib * MiB)} round trip byte-exact`,
          measured: `GetFile SHA-256 ${roundTrip.receivedSha256.slice(0, 16)}…`,
          baseline: `sent ${roundTrip.sentSha256.slice(0, 16)}…`,
          ratio: '',
          limit: 'equal',
          pass: roundTrip.equal,
        }
      : missing(`${sizeLabel(settings.memoryMib * MiB)} round trip byte-exact`, 'equal'),
  );

  return targets;
};
