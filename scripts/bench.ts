/**
 * `npm run bench [-- options]`: throughput, latency and memory of the WOPI endpoints, each next
 * to its floor (scripts/bench/floor-server.ts: bare node:http doing the same job, in its own
 * process) and the older baselines (GET /api/live, direct S3), all measured in the same run, and
 * the first visit of a cold folder (scripts/bench/cold-folder.ts; alone: cold-folder-alone.ts),
 * with the ratios and the targets met or missed. A measurement, not a test: exits 0 when a
 * target is missed, 1 only when the bench itself could not run. Progress goes to stderr, the markdown report to stdout,
 * the same as JSON to .data/bench/bench-<timestamp>.json.
 *
 * By default it starts its own portal (throwaway DATA_DIR, embedded Postgres + s3rver, free
 * ports) and removes it afterwards; `--url http://127.0.0.1:PORT --data-dir DIR` measures a
 * running one instead (loopback only).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { secretOverrides } from '@/lib/embedded/secrets';
import { measureColdFolder } from './bench/cold-folder';
import { startFloor, type Floor } from './bench/floor';
import { createClient, createLoad, type Scenario } from './bench/load';
import { attachPortal, benchDocument, isLoopback, ROOT, startPortal, type Portal } from './bench/portal';
import { addCpu, cpuMeter, findListenerPid, rssOf, sampleRss, type CpuUse } from './bench/procfs';
import { codeRevision, machineInfo, renderMarkdown, writeJson, type LoadRow, type Report } from './bench/report';
import {
  checkFileInfoScenario,
  createSiblings,
  fetchCheckFileInfo,
  liveScenario,
  lockCycleScenario,
  lockRequest,
  measureMemory,
  measureTransfers,
  SCENARIO,
} from './bench/scenarios';
import { createBenchS3, type BenchS3 } from './bench/s3';
import { measureSearch, SEARCH_DOCUMENTS } from './bench/search';
import { evaluateTargets } from './bench/targets';
import { closeTransferAgent, MiB } from './bench/transfer';

const USAGE = `Usage: npm run bench -- [options]
  --duration S      measured seconds per request scenario (default 5)
  --slices N        ... taken in N slices, the scenarios taking turns (default 5)
  --warmup S        warm-up seconds before each (default 2)
  --connections N   the concurrent scenario's connections (default 16; 1 is always measured too)
  --reps N          rounds per large transfer size (default 3)
  --small-reps N    rounds of the 1 MiB transfers (default 30: one 1 MiB transfer to s3rver
                    varies 2-3x from run to run, and a median of 10 moved the ratio 0.49-0.89)
  --large-mib N     the large transfer size (default 256)
  --memory-mib N    the PutFile whose memory is measured (default 1024)
  --cold-objects N  objects in the cold folder whose first visit is timed (default 10000; 0: skip)
  --search-documents N
                    documents inserted for the search measurement (default 100000; 0: skip);
                    (npm run bench:search runs only that measurement)
  --url URL --data-dir DIR [--user EMAIL] [--bucket B]
                    measure a running portal (loopback, embedded S3) instead of starting one;
                    EMAIL is an admin (default admin@example.com), B its bucket (wopi-documents)`;

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const parseOptions = () =>
  parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      slices: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      reps: { type: 'string', default: '3' },
      'small-reps': { type: 'string', default: '30' },
      'large-mib': { type: 'string', default: '256' },
      'memory-mib': { type: 'string', default: '1024' },
      'cold-objects': { type: 'string', default: '10000' },
      'search-documents': { type: 'string', default: String(SEARCH_DOCUMENTS) },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
      user: { type: 'string', default: 'admin@example.com' },
      bucket: { type: 'string', default: 'wopi-documents' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;

let args: ReturnType<typeof parseOptions>;

const positive = (name: keyof typeof args, max: number) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new Error(`--${name} must be a number in (0, ${max}].`);

  return value;
};

let interrupted: NodeJS.Signals | undefined;

const main = async (): Promise<number> => {
  try {
    args = parseOptions();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);

    return 2;
  }
  if (args.help) return (process.stdout.write(`${USAGE}\n`), 0);
  const settings = {
    durationS: positive('duration', 600),
    slices: Math.round(positive('slices', 100)),
    warmupS: positive('warmup', 600),
    connections: Math.round(positive('connections', 256)),
    reps: Math.round(positive('reps', 50)),
    smallReps: Math.round(positive('small-reps', 1000)),
    largeMib: Math.round(positive('large-mib', 4096)),
    memoryMib: Math.round(positive('memory-mib', 4096)),
    coldObjects: Number(args['cold-objects']) === 0 ? 0 : Math.round(positive('cold-objects', 100_000)),
    searchDocuments: Number(args['search-documents']) === 0 ? 0 : Math.round(positive('search-documents', 1_000_000)),
  };
  if (args.url && !args['data-dir']) throw new Error('--url needs --data-dir (the CLI attaches through it).');
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo();
  const code = codeRevision(ROOT);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = signal;
    say(`${signal}: stopping…`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { signal } = controller;

  const scratch = await mkdtemp(path.join(tmpdir(), 'wopi-bench-files-'));
  say(args.url ? `Attaching to ${args.url}…` : 'Starting a portal on a throwaway DATA_DIR…');
  const portal: Portal = args.url
    ? await attachPortal({ url: args.url, dataDir: args['data-dir']!, user: args.user })
    : await startPortal({ log: (line) => process.stderr.write(`${line}\n`), isAborted: () => signal.aborted }).catch(
        async (error: unknown) => {
          await rm(scratch, { recursive: true, force: true });
          throw error;
        },
      );
  let s3: BenchS3 | undefined;
  let floor: Floor | undefined;
  const unlockAtEnd: (() => Promise<unknown>)[] = [];
  const report: Report = {
    date,
    runSeconds: 0,
    machine,
    portal: portal.owned
      ? 'started by the bench (embedded Postgres 17 + s3rver, LOG_LEVEL=warn)'
      : `attached at ${portal.baseUrl}`,
    code: portal.owned ? code : `${code} (in this work tree; the attached portal may run other code)`,
    settings: {
      'warm-up s': settings.warmupS,
      's per scenario': `${settings.durationS} (${settings.slices} interleaved slices)`,
      connections: `1 and ${settings.connections}`,
    },
    load: [],
    transfers: [],
    targets: [],
    notes: [],
  };
  try {
    const pid = findListenerPid(portal.port);
    if (!pid) throw new Error(`no process listens on port ${portal.port}`);
    const runtime = await portal.runtime();
    const rssAfterStart = rssOf(pid) ?? NaN;
    say(`Web server pid ${pid}, RSS ${(rssAfterStart / MiB).toFixed(0)} MiB. Creating bench documents…`);

    await writeFile(path.join(scratch, 'small.docx'), Buffer.alloc(10_240, 'bench '));
    await writeFile(path.join(scratch, 'transfer.bin'), Buffer.alloc(1024, 'bench '));
    const [cfi, lockTemplate, transfer] = [
      await benchDocument(portal, path.join(scratch, 'small.docx'), 'bench-cfi.docx'),
      await benchDocument(portal, path.join(scratch, 'small.docx'), 'bench-lock.docx'),
      await benchDocument(portal, path.join(scratch, 'transfer.bin'), 'bench-transfer.bin'),
    ];
    const lockFiles = await createSiblings(lockTemplate, portal.baseUrl, settings.connections);

    const s3Endpoint = runtime.s3Endpoint;
    const hasS3 = !!s3Endpoint && isLoopback(s3Endpoint);
    const s3Credentials = { bucket: args.bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const floorKeyPrefix = `bench/floor-${randomUUID()}/`;
    try {
      // floor+Postgres creates a schema of its own: only in the bench's throwaway database.
      const databaseUrl = portal.owned ? runtime.databaseUrl : undefined;
      const tokenSecret =
        databaseUrl &&
        (portal.env.WOPI_TOKEN_SECRET ??
          (await secretOverrides({ dataDir: portal.dataDir, authSecret: 'unused' })).WOPI_TOKEN_SECRET);
      floor = await startFloor({
        checkFileInfo: await fetchCheckFileInfo(cfi),
        ...(hasS3 ? { s3: { endpoint: s3Endpoint, keyPrefix: floorKeyPrefix, ...s3Credentials } } : {}),
        ...(databaseUrl && tokenSecret ? { postgres: { databaseUrl, tokenSecret } } : {}),
      });
      if (!floor.pgFileOf)
        report.notes.push('floor+Postgres skipped: it creates a table in the database of a portal the bench started.');
      say(`Floor server pid ${floor.pid} on ${floor.baseUrl}.`);
    } catch (error) {
      // Without floors the older baselines still stand; the floor targets show as not measured.
      if (signal.aborted) throw error;
      const why = `Floor server failed to start: ${error instanceof Error ? error.message : String(error)}`;
      say(why);
      report.notes.push(why);
    }

    const roots = {
      web: pid,
      floor: floor?.pid,
      postgres: runtime.postgresPid,
      s3: runtime.s3Pid,
      bench: process.pid,
    };
    // Each floor scenario runs just before the portal's of the same job, slice after slice.
    type Entry = { scenario: Scenario; server: 'web' | 'floor'; floorScenario?: string };
    const onFloor = floor?.fileOf;
    const onFloorPg = floor?.pgFileOf;
    const candidates: (Entry | undefined)[] = [
      { scenario: liveScenario(portal.baseUrl), server: 'web', floorScenario: SCENARIO.floorCheckFileInfo },
      onFloor && { scenario: checkFileInfoScenario(onFloor(cfi), SCENARIO.floorCheckFileInfo), server: 'floor' },
      onFloorPg && {
        scenario: checkFileInfoScenario(onFloorPg(cfi), SCENARIO.floorPgCheckFileInfo),
        server: 'floor',
        floorScenario: SCENARIO.floorCheckFileInfo,
      },
      { scenario: checkFileInfoScenario(cfi), server: 'web', floorScenario: SCENARIO.floorCheckFileInfo },
      onFloor && { scenario: lockCycleScenario(lockFiles.map(onFloor), SCENARIO.floorLockCycle), server: 'floor' },
      onFloorPg && {
        scenario: lockCycleScenario(lockFiles.map(onFloorPg), SCENARIO.floorPgLockCycle),
        server: 'floor',
        floorScenario: SCENARIO.floorLockCycle,
      },
      { scenario: lockCycleScenario(lockFiles), server: 'web', floorScenario: SCENARIO.floorLockCycle },
    ];
    const scenarios = candidates.filter((entry): entry is Entry => !!entry);
    const serverPid = { web: pid, floor: floor?.pid ?? pid };
    for (const connections of [1, settings.connections]) {
      const loads = scenarios.map((entry) => ({
        ...entry,
        load: createLoad(entry.scenario, connections),
        cpu: undefined as CpuUse | undefined,
        rssPeak: 0,
      }));
      try {
        for (const { load } of loads) await load.warmup(settings.warmupS * 1000);
        // Baseline and subjects take turns, one slice each, so background load hits them alike.
        for (let slice = 0; slice < settings.slices; slice++) {
          for (const entry of loads) {
            signal.throwIfAborted();
            const meter = cpuMeter(roots);
            const rss = sampleRss(serverPid[entry.server]);
            meter.begin();
            await entry.load.measure((settings.durationS * 1000) / settings.slices);
            meter.end();
            entry.rssPeak = Math.max(entry.rssPeak, rss.stop().peak);
            entry.cpu = addCpu(entry.cpu, meter.result());
          }
        }
      } finally {
        for (const { load } of loads) load.close();
      }
      const rows: LoadRow[] = loads.map(({ load, cpu, server, rssPeak, floorScenario }) => ({
        ...load.result(),
        cpu,
        server,
        serverRssPeak: rssPeak,
        ...(floorScenario ? { floorScenario } : {}),
      }));
      for (const row of rows) {
        const floorRow = rows.find((other) => other.scenario === row.floorScenario);
        if (floorRow) row.floorRatio = row.iterationsPerSecond / floorRow.iterationsPerSecond;
      }
      for (const [index, row] of rows.entries()) {
        const scenario = loads[index]!.scenario;
        say(
          `${scenario.name} × ${connections}: ${row.requestsPerSecond.toFixed(0)} req/s, p50 ${row.p50.toFixed(2)} ms, ` +
            `p99 ${row.p99.toFixed(2)} ms, ${row.errors} errors${row.firstError ? ` (${row.firstError})` : ''}`,
        );
        report.load.push(row);
      }
    }

    const busiest = Math.max(...report.load.map((row) => (row.cpu ? row.cpu.other / row.cpu.wall : 0)));
    if (busiest > 0.25)
      report.notes.push(
        `Other processes on this machine used up to ${busiest.toFixed(2)} of ${machine.nproc} cores during a request ` +
          'scenario (column "other procs"): those figures are disturbed; compare ratios, or rerun on a quiet machine.',
      );

    if (!hasS3) {
      report.notes.push('No embedded S3 endpoint in runtime.json (or not loopback): transfers and memory skipped.');
    } else {
      s3 = createBenchS3({ endpoint: s3Endpoint, ...s3Credentials });
      const floorTransfer = onFloor?.(transfer);
      if (floorTransfer) s3.track(`${floorKeyPrefix}${floorTransfer.documentId}`);
      const lockId = `bench-transfer-${process.pid}`;
      const lockOnce = async (file: typeof transfer, override: 'LOCK' | 'UNLOCK') => {
        const client = createClient();
        await lockRequest(client, file, override, lockId).finally(() => client.close());
      };
      await lockOnce(transfer, 'LOCK');
      unlockAtEnd.push(() => lockOnce(transfer, 'UNLOCK'));
      if (floorTransfer) await lockOnce(floorTransfer, 'LOCK');
      const common = { file: transfer, lockId, s3, signal, log: say };
      // A failed phase is reported (its targets show as not measured); the figures so far still count.
      const attempt = async (what: string, phase: () => Promise<void>) => {
        try {
          await phase();
        } catch (error) {
          if (signal.aborted) throw error;
          say(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
          report.notes.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      await attempt('Transfers', async () => {
        report.transfers = await measureTransfers({
          ...common,
          floor: floorTransfer,
          roots,
          sizes: [
            { size: MiB, reps: settings.smallReps },
            { size: settings.largeMib * MiB, reps: settings.reps },
          ],
        });
      });
      say(`Measuring memory during a ${settings.memoryMib} MiB PutFile…`);
      await attempt('Memory round trip', async () => {
        Object.assign(report, await measureMemory({ ...common, pid, size: settings.memoryMib * MiB, rssAfterStart }));
      });
      // Last: its 10,000 objects would otherwise sit in the bucket the other figures read from.
      if (settings.coldObjects > 0 && portal.owned) {
        say(`Timing the first visit of a cold folder of ${settings.coldObjects} objects…`);
        await attempt('Cold folder', async () => {
          report.coldFolder = await measureColdFolder({
            baseUrl: portal.baseUrl,
            s3: { endpoint: s3Endpoint, ...s3Credentials },
            count: settings.coldObjects,
            log: say,
            signal,
          });
        });
      } else if (settings.coldObjects > 0) {
        report.notes.push('Cold folder skipped: it signs in with the accounts of a portal the bench started.');
      }
    }
    // Last of all: its 100,000 rows would otherwise sit in the tables the other figures read.
    if (settings.searchDocuments > 0 && portal.owned && runtime.databaseUrl) {
      const databaseUrl = runtime.databaseUrl;
      say(`Measuring search over ${settings.searchDocuments} documents…`);
      try {
        report.search = await measureSearch({
          baseUrl: portal.baseUrl,
          databaseUrl,
          count: settings.searchDocuments,
          log: say,
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        say(`Search failed: ${error instanceof Error ? error.message : String(error)}`);
        report.notes.push(`Search failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else if (settings.searchDocuments > 0) {
      report.notes.push('Search skipped: it inserts rows into the database of a portal the bench started.');
    }
  } finally {
    for (const unlock of unlockAtEnd) await unlock().catch((error: unknown) => say(`unlock failed: ${String(error)}`));
    closeTransferAgent();
    await floor?.stop();
    await s3?.cleanup();
    await rm(scratch, { recursive: true, force: true });
    await portal.stop();
  }

  machine.loadAverageEnd = machineInfo().loadAverageStart;
  report.runSeconds = (performance.now() - started) / 1000;
  report.targets = evaluateTargets(report, settings);
  const markdown = renderMarkdown(report);
  process.stdout.write(markdown);
  say(`JSON: ${path.relative(ROOT, await writeJson(ROOT, report))}`);

  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`Failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(interrupted ? (interrupted === 'SIGINT' ? 130 : 143) : 1);
  },
);
