/**
 * The acceptance targets, each as measured figure, same-run baseline, ratio and limit: first
 * the issue's ("Performance at the limit": ratios to the floor server), then the previous ones
 * (ratios to /api/live and direct S3, kept so the README's history stays comparable). Rows
 * with `pass: null` are reported without a target.
 */
import { fmt, mib, ratio, sizeLabel, type LoadRow, type Report, type Target } from './report';
import { SCENARIO } from './scenarios';
import { SEARCH_DOCUMENTS, SEARCH_P95_LIMIT_MS } from './search';
import { MiB } from './transfer';

const BUDGET_BYTES = 64 * MiB;
const PREVIOUS_BUDGET_BYTES = 128 * MiB;
const PREVIOUS = ' (previous target)';

type Settings = {
  connections: number;
  largeMib: number;
  memoryMib: number;
  coldObjects?: number;
  searchDocuments?: number;
};

const find = (report: Report, scenario: string, connections: number) =>
  report.load.find((row) => row.scenario === scenario && row.connections === connections);

const missing = (name: string, limit: string, isPrevious = false): Target => ({
  name,
  measured: 'not measured',
  baseline: '',
  ratio: '',
  limit,
  pass: false,
  ...(isPrevious ? { isPrevious } : {}),
});

const clean = (row: LoadRow) => row.errors === 0;
const atLeast = (limit: number | undefined) => (limit === undefined ? 'reported' : `≥ ${limit.toFixed(2)}×`);

/** A request scenario's throughput (iterations/s) over its floor's, with both p50/p99 shown. */
const floorTarget = (
  report: Report,
  options: {
    name: string;
    scenario: string;
    floor: string;
    connections: number;
    unit: string;
    limit?: number;
    /** How the baseline column names the floor (default "floor"). */
    floorLabel?: string;
  },
): Target | undefined => {
  const { name, connections, unit, limit, floorLabel = 'floor' } = options;
  const subject = find(report, options.scenario, connections);
  const floor = find(report, options.floor, connections);
  if (!subject || !floor) return limit === undefined ? undefined : missing(name, atLeast(limit));
  const value = subject.iterationsPerSecond / floor.iterationsPerSecond;
  const figure = (row: LoadRow) =>
    `${fmt(row.iterationsPerSecond, 0)} ${unit} (p50 ${fmt(row.p50, 2)}, p99 ${fmt(row.p99, 2)} ms)`;

  return {
    name,
    measured: figure(subject),
    baseline: `${floorLabel} ${figure(floor)}`,
    ratio: ratio(value),
    limit: atLeast(limit),
    pass: limit === undefined ? null : value >= limit && clean(subject) && clean(floor),
  };
};

/**
 * CPU ms per request of the server side: the process that served the row (web or floor) plus
 * Postgres and S3. The load generator, the idle other server and other processes are left out.
 */
const serverCpu = (row: LoadRow) => {
  const parts = [row.server ?? 'web', 'postgres', 's3']
    .map((name) => [name, ((row.cpu?.[name] ?? 0) * 1000) / row.requests] as const)
    .filter(([, ms]) => ms >= 0.0005);

  return { ms: parts.reduce((sum, [, ms]) => sum + ms, 0), text: parts.map(([name, ms]) => `${name} ${fmt(ms, 3)}`) };
};

/** Reported: server CPU per request next to the floor's, independent of what limits the load generator. */
const cpuRow = (report: Report, options: { name: string; scenario: string; floor: string; connections: number }) => {
  const subject = find(report, options.scenario, options.connections);
  const floor = find(report, options.floor, options.connections);
  if (!subject?.cpu || !floor?.cpu || !subject.requests || !floor.requests) return undefined;
  const mine = serverCpu(subject);
  const theirs = serverCpu(floor);

  return {
    name: options.name,
    measured: `${fmt(mine.ms, 3)} ms/req (${mine.text.join(' + ')})`,
    baseline: `floor ${fmt(theirs.ms, 3)} ms/req (${theirs.text.join(' + ')})`,
    ratio: ratio(mine.ms / theirs.ms),
    limit: 'reported',
    pass: null,
  } satisfies Target;
};

const requestTargets = (report: Report, connections: number): Target[] => {
  const many = `${connections} conn`;
  const rows = [
    connections === 1
      ? undefined
      : floorTarget(report, {
          name: `CheckFileInfo ÷ floor, ${many}`,
          scenario: SCENARIO.checkFileInfo,
          floor: SCENARIO.floorCheckFileInfo,
          connections,
          unit: 'req/s',
          limit: 0.3,
        }),
    floorTarget(report, {
      name: 'CheckFileInfo ÷ floor, 1 conn',
      scenario: SCENARIO.checkFileInfo,
      floor: SCENARIO.floorCheckFileInfo,
      connections: 1,
      unit: 'req/s',
      limit: 0.4,
    }),
    floorTarget(report, {
      name: `LOCK+UNLOCK ÷ floor, ${many}`,
      scenario: SCENARIO.lockCycle,
      floor: SCENARIO.floorLockCycle,
      connections,
      unit: 'cycles/s',
      limit: 0.3,
    }),
    connections === 1
      ? undefined
      : floorTarget(report, {
          name: 'LOCK+UNLOCK ÷ floor, 1 conn',
          scenario: SCENARIO.lockCycle,
          floor: SCENARIO.floorLockCycle,
          connections: 1,
          unit: 'cycles/s',
        }),
    ...[...new Set([connections, 1])].flatMap((conn) => [
      cpuRow(report, {
        name: `CheckFileInfo server CPU, ${conn} conn`,
        scenario: SCENARIO.checkFileInfo,
        floor: SCENARIO.floorCheckFileInfo,
        connections: conn,
      }),
      cpuRow(report, {
        name: `LOCK+UNLOCK server CPU, ${conn} conn`,
        scenario: SCENARIO.lockCycle,
        floor: SCENARIO.floorLockCycle,
        connections: conn,
      }),
    ]),
    // Reported: the bound for any host that reads or writes Postgres once per request (floor+Postgres,
    // scripts/bench/floor-server.ts), next to the targets above, and the portal against that bound.
    ...[...new Set([1, connections])].flatMap((conn) =>
      (
        [
          [
            'CheckFileInfo',
            SCENARIO.checkFileInfo,
            SCENARIO.floorCheckFileInfo,
            SCENARIO.floorPgCheckFileInfo,
            'req/s',
          ],
          ['LOCK+UNLOCK', SCENARIO.lockCycle, SCENARIO.floorLockCycle, SCENARIO.floorPgLockCycle, 'cycles/s'],
        ] as const
      ).flatMap(([job, scenario, floor, floorPg, unit]) => [
        floorTarget(report, {
          name: `${job}: floor+Postgres ÷ floor, ${conn} conn`,
          scenario: floorPg,
          floor,
          connections: conn,
          unit,
        }),
        floorTarget(report, {
          name: `${job} ÷ floor+Postgres, ${conn} conn`,
          scenario,
          floor: floorPg,
          connections: conn,
          unit,
          floorLabel: 'floor+Postgres',
        }),
      ]),
    ),
  ];

  return rows.filter((row): row is Target => !!row);
};

const transferTargets = (report: Report, settings: Settings, isPrevious: boolean): Target[] => {
  const targets: Target[] = [];
  // The previous table listed GetFile first.
  for (const operation of isPrevious ? (['GetFile', 'PutFile'] as const) : (['PutFile', 'GetFile'] as const)) {
    for (const size of [settings.largeMib * MiB, MiB]) {
      const row = report.transfers.find((t) => t.operation === operation && t.size === size);
      const name = `${operation} ${sizeLabel(size)}`;
      if (isPrevious) {
        const isTarget = size === settings.largeMib * MiB;
        const limit = isTarget ? `≥ 0.50×${PREVIOUS}` : 'reported';
        if (!row) {
          if (isTarget) targets.push(missing(name, limit, true));
          continue;
        }
        targets.push({
          name,
          measured: `${fmt(row.mibPerSecond)} MiB/s`,
          baseline: `S3 ${operation === 'GetFile' ? 'GET' : 'PUT'} ${fmt(row.baselineMibPerSecond)} MiB/s`,
          ratio: ratio(row.ratio),
          limit,
          pass: isTarget ? row.ratio >= 0.5 : null,
          isPrevious: true,
        });
        continue;
      }
      const limit = operation === 'PutFile' ? 0.8 : 0.9;
      const floorName = `${name} ÷ floor`;
      if (row?.floorRatio === undefined || row.floorMibPerSecond === undefined) {
        targets.push(missing(floorName, atLeast(limit)));
        continue;
      }
      targets.push({
        name: floorName,
        measured: `${fmt(row.mibPerSecond)} MiB/s`,
        baseline: `floor ${fmt(row.floorMibPerSecond)} MiB/s (${operation === 'PutFile' ? 'one streamed PutObject' : 'GetObject'})`,
        ratio: ratio(row.floorRatio),
        limit: atLeast(limit),
        pass: row.floorRatio >= limit,
      });
    }
  }

  return targets;
};

const memoryTarget = (report: Report, settings: Settings, budget: number, isPrevious: boolean): Target => {
  const name = `Web server RSS during ${sizeLabel(settings.memoryMib * MiB)} PutFile`;
  const limit = `≤ idle + ${mib(budget)}${isPrevious ? PREVIOUS : ''}`;
  const memory = report.memory;
  if (!memory) return missing(name, limit, isPrevious);
  const growth = memory.peak - memory.idle;

  return {
    name,
    measured: `peak ${mib(memory.peak)}, peak − idle ${mib(growth)}`,
    baseline: `idle ${mib(memory.idle)}`,
    ratio: '',
    limit,
    pass: growth <= budget,
    ...(isPrevious ? { isPrevious } : {}),
  };
};

/** The targets before the floors: ratios to GET /api/live (16 connections a target, 1 reported) and to direct S3. */
const previousRequestTargets = (report: Report, connections: number, withTargets: boolean): Target[] => {
  const live = find(report, SCENARIO.live, connections);
  const cfi = find(report, SCENARIO.checkFileInfo, connections);
  const lock = find(report, SCENARIO.lockCycle, connections);
  const suffix = `${connections} conn`;
  const verdict = (pass: boolean) => (withTargets ? pass : null);
  const limit = (text: string) => (withTargets ? `${text}${PREVIOUS}` : 'reported');
  const rows: Target[] = [];
  if (live && cfi) {
    const throughput = cfi.requestsPerSecond / live.requestsPerSecond;
    const tail = cfi.p99 / live.p99;
    rows.push(
      {
        name: `CheckFileInfo throughput, ${suffix}`,
        measured: `${fmt(cfi.requestsPerSecond, 0)} req/s`,
        baseline: `/api/live ${fmt(live.requestsPerSecond, 0)} req/s`,
        ratio: ratio(throughput),
        limit: limit('≥ 0.50×'),
        pass: verdict(throughput >= 0.5 && clean(cfi)),
        isPrevious: true,
      },
      {
        name: `CheckFileInfo p99, ${suffix}`,
        measured: `${fmt(cfi.p99, 2)} ms (p50 ${fmt(cfi.p50, 2)})`,
        baseline: `/api/live ${fmt(live.p99, 2)} ms (p50 ${fmt(live.p50, 2)})`,
        ratio: ratio(tail),
        limit: limit('≤ 2.00×'),
        pass: verdict(tail <= 2 && clean(cfi)),
        isPrevious: true,
      },
    );
  } else if (withTargets) rows.push(missing(`CheckFileInfo, ${suffix}`, limit('≥ 0.50×, ≤ 2.00×'), true));
  if (live && lock) {
    const cycles = lock.iterationsPerSecond / live.requestsPerSecond;
    rows.push({
      name: `LOCK+UNLOCK cycles/s, ${suffix}`,
      measured: `${fmt(lock.iterationsPerSecond, 0)} cycles/s (${fmt(lock.requestsPerSecond, 0)} req/s)`,
      baseline: `/api/live ${fmt(live.requestsPerSecond, 0)} req/s`,
      ratio: ratio(cycles),
      limit: limit('≥ 0.40×'),
      pass: verdict(cycles >= 0.4 && clean(lock)),
      isPrevious: true,
    });
  } else if (withTargets) rows.push(missing(`LOCK+UNLOCK cycles/s, ${suffix}`, limit('≥ 0.40×'), true));

  return rows;
};

const COLD_FIRST_PAGE_MS = 1000;
const FULL_PAGE_ROWS = 50;

/** The first visit of a folder no listing has seen: its first page (full, 50 rows) within a second. */
const coldFolderTarget = (report: Report, settings: Settings): Target[] => {
  if (settings.coldObjects === 0) return [];
  const cold = report.coldFolder;
  const name = `Cold folder of ${fmt(cold?.objects ?? settings.coldObjects ?? 10_000, 0)} objects: first page`;
  const limit = `≤ ${fmt(COLD_FIRST_PAGE_MS, 0)} ms, ${FULL_PAGE_ROWS} rows`;
  if (!cold) return [missing(name, limit)];
  const rows = Math.min(FULL_PAGE_ROWS, cold.objects);

  return [
    {
      name,
      measured: `${fmt(cold.firstPageMs, 0)} ms, ${cold.firstPageRows} rows${cold.isReading ? ' ("still reading")' : ''}`,
      baseline: `warm visit ${fmt(cold.warmPageMs, 0)} ms; all listed after ${
        cold.completeMs === null ? 'timeout' : `${fmt(cold.completeMs / 1000, 1)} s`
      }`,
      ratio: '',
      limit,
      pass: cold.firstPageMs <= COLD_FIRST_PAGE_MS && cold.firstPageRows >= rows && cold.completeMs !== null,
    },
  ];
};

/** Search across folders: the p95 of the query mix through the API (scripts/bench/search.ts). */
const searchTarget = (report: Report, settings: Settings): Target[] => {
  if (settings.searchDocuments === 0) return [];
  const found = report.search;
  const name = `Search p95 over ${fmt(found?.documents ?? settings.searchDocuments ?? SEARCH_DOCUMENTS, 0)} documents`;
  const limit = `p95 < ${SEARCH_P95_LIMIT_MS} ms`;
  if (!found) return [missing(name, limit)];

  return [
    {
      name,
      measured: `p95 ${fmt(found.p95, 1)} ms (p50 ${fmt(found.p50, 1)}, p99 ${fmt(found.p99, 1)} ms, ${fmt(found.requests, 0)} requests)`,
      baseline: `${found.queries.length} queries, ${found.connections} connections`,
      ratio: '',
      limit,
      pass: found.p95 < SEARCH_P95_LIMIT_MS && found.errors === 0,
    },
  ];
};

export const evaluateTargets = (report: Report, settings: Settings): Target[] => {
  const roundTrip = report.roundTrip;
  const roundTripName = `${sizeLabel(settings.memoryMib * MiB)} round trip byte-exact`;

  return [
    ...requestTargets(report, settings.connections),
    ...transferTargets(report, settings, false),
    memoryTarget(report, settings, BUDGET_BYTES, false),
    roundTrip
      ? {
          name: roundTripName,
          measured: `GetFile SHA-256 ${roundTrip.receivedSha256.slice(0, 16)}…`,
          baseline: `sent ${roundTrip.sentSha256.slice(0, 16)}…`,
          ratio: '',
          limit: 'equal',
          pass: roundTrip.equal,
        }
      : missing(roundTripName, 'equal'),
    ...coldFolderTarget(report, settings),
    ...searchTarget(report, settings),
    ...previousRequestTargets(report, settings.connections, true),
    ...(settings.connections === 1 ? [] : previousRequestTargets(report, 1, false)),
    ...transferTargets(report, settings, true),
    memoryTarget(report, settings, PREVIOUS_BUDGET_BYTES, true),
  ];
};
