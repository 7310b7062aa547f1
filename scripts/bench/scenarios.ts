/**
 * What the bench measures: request scenarios (the /api/live baseline, CheckFileInfo,
 * LOCK+UNLOCK cycles, the last two also against the floor server), GetFile/PutFile next to the
 * floor and direct S3, and the web server's memory during a large PutFile with a byte-exact
 * round trip.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, expectStatus, type Client, type Scenario } from './load';
import type { WopiFile } from './portal';
import { addCpu, cpuMeter, peakRssOf, resetPeakRss, sampleRss, type CpuUse } from './procfs';
import type { Memory, TransferRow } from './report';
import type { BenchS3 } from './s3';
import { getFile, MiB, putFile, type Transfer } from './transfer';

/** Scenario names (the report and the targets find rows by them). */
export const SCENARIO = {
  live: 'GET /api/live (baseline)',
  checkFileInfo: 'CheckFileInfo',
  lockCycle: 'LOCK+UNLOCK cycle',
  floorCheckFileInfo: 'floor: CheckFileInfo (constant JSON)',
  floorLockCycle: 'floor: LOCK+UNLOCK cycle (in-memory)',
  floorPgCheckFileInfo: 'floor+Postgres: CheckFileInfo (token, context query)',
  floorPgLockCycle: 'floor+Postgres: LOCK+UNLOCK cycle (one statement each)',
} as const;

const withToken = (file: WopiFile, suffix = '') =>
  `${file.wopiSrc}${suffix}?access_token=${encodeURIComponent(file.accessToken)}`;

export const liveScenario = (baseUrl: string): Scenario => ({
  name: SCENARIO.live,
  requestsPerIteration: 1,
  iterate: async (client) => {
    expectStatus(await client.request('GET', `${baseUrl}/api/live`), 200, '/api/live');
  },
});

export const checkFileInfoScenario = (file: WopiFile, name: string = SCENARIO.checkFileInfo): Scenario => ({
  name,
  requestsPerIteration: 1,
  iterate: async (client) => {
    expectStatus(await client.request('GET', withToken(file)), 200, 'CheckFileInfo');
  },
});

/** The portal's CheckFileInfo body for `file`: the floor server answers with it, byte for byte. */
export const fetchCheckFileInfo = async (file: WopiFile) => {
  const client = createClient();
  try {
    return expectStatus(await client.request('GET', withToken(file)), 200, 'CheckFileInfo').body.toString('utf8');
  } finally {
    client.close();
  }
};

export const lockRequest = async (client: Client, file: WopiFile, override: 'LOCK' | 'UNLOCK', lockId: string) =>
  expectStatus(
    await client.request('POST', withToken(file), { 'X-WOPI-Override': override, 'X-WOPI-Lock': lockId }),
    200,
    override,
  );

/** Worker i locks and unlocks its own document (one lock per document, as editors do). */
export const lockCycleScenario = (files: WopiFile[], name: string = SCENARIO.lockCycle): Scenario => ({
  name,
  requestsPerIteration: 2,
  iterate: async (client, index) => {
    const file = files[index % files.length]!;
    await lockRequest(client, file, 'LOCK', `bench-lock-${index}`);
    await lockRequest(client, file, 'UNLOCK', `bench-lock-${index}`);
  },
});

/** `count` documents next to `template`, made with PutRelativeFile (seconds, where a CLI run each would take minutes). */
export const createSiblings = async (template: WopiFile, baseUrl: string, count: number): Promise<WopiFile[]> => {
  const client = createClient();
  try {
    const files: WopiFile[] = [];
    for (let i = 0; i < count; i++) {
      const reply = expectStatus(
        await client.request(
          'POST',
          withToken(template),
          {
            'X-WOPI-Override': 'PUT_RELATIVE',
            'X-WOPI-RelativeTarget': `bench-lock-${i}.docx`,
            'X-WOPI-OverwriteRelativeTarget': 'true',
          },
          Buffer.from(`bench lock document ${i}\n`),
        ),
        200,
        'PutRelativeFile',
      );
      const url = new URL((JSON.parse(reply.body.toString()) as { Url: string }).Url);
      const documentId = url.pathname.split('/').pop()!;
      files.push({
        documentId,
        wopiSrc: `${baseUrl}/wopi/files/${documentId}`,
        accessToken: url.searchParams.get('access_token')!,
      });
    }

    return files;
  } finally {
    client.close();
  }
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export type Side = 'wopi' | 'floor' | 'direct';
/** One transfer and the CPU each process tree used during it. */
export type Run = Transfer & { cpu?: CpuUse };
type Round = { put: Partial<Record<Side, Run>>; get: Partial<Record<Side, Run>> };

const row = (operation: TransferRow['operation'], size: number, rounds: Round[]): TransferRow => {
  const runsOf = (side: Side) =>
    rounds.map((r) => (operation === 'PutFile' ? r.put : r.get)[side]).filter((run): run is Run => !!run);
  const runs = runsOf('wopi');
  const baselineRuns = runsOf('direct');
  const floorRuns = runsOf('floor');
  const mibPerSecond = median(runs.map((r) => r.mibPerSecond));
  const baselineMibPerSecond = median(baselineRuns.map((r) => r.mibPerSecond));
  const floorMibPerSecond = floorRuns.length ? median(floorRuns.map((r) => r.mibPerSecond)) : undefined;
  const cpuOf = (list: Run[]) => list.reduce<CpuUse | undefined>((sum, r) => addCpu(sum, r.cpu), undefined);

  return {
    operation,
    size,
    runs,
    baselineRuns,
    mibPerSecond,
    baselineMibPerSecond,
    ratio: mibPerSecond / baselineMibPerSecond,
    ...(floorMibPerSecond === undefined
      ? {}
      : { floorRuns, floorMibPerSecond, floorRatio: mibPerSecond / floorMibPerSecond }),
    cpu: { wopi: cpuOf(runs), floor: cpuOf(floorRuns), direct: cpuOf(baselineRuns) },
  };
};

const sameHash = (what: string, a: Transfer, b: Transfer) => {
  if (a.sha256 !== b.sha256 || a.bytes !== b.bytes)
    throw new Error(`${what}: ${b.bytes} B ${b.sha256} differs from ${a.bytes} B ${a.sha256}`);
};

type TransferOptions = {
  file: WopiFile;
  lockId: string;
  s3: BenchS3;
  signal: AbortSignal;
  log: (line: string) => void;
};

/** `items` starting at index `by` (mod length): who goes first changes from round to round. */
const rotate = <T>(items: T[], by: number) => items.map((_, i) => items[(i + by) % items.length]!);

/**
 * For each size, `reps` rounds of: PUT by each side (direct S3, the floor server when given,
 * PutFile), then GET by each (S3 GetObject, floor, GetFile), the order rotating from round to
 * round so drift and the page cache favour no side; after one 1 MiB round as warm-up. Every body
 * is checked; with `roots`, each transfer's CPU per process tree is read too.
 */
export const measureTransfers = async (
  options: TransferOptions & {
    sizes: { size: number; reps: number }[];
    /** The floor server's copy of the file (locked with `lockId`, like `file`). */
    floor?: WopiFile;
    roots?: Record<string, number | undefined>;
  },
) => {
  const { file, lockId, s3, signal, floor, roots } = options;
  const metered = async (run: () => Promise<Transfer>): Promise<Run> => {
    if (!roots) return run();
    const meter = cpuMeter(roots);
    meter.begin();
    const transfer = await run();
    meter.end();

    return { ...transfer, cpu: meter.result() };
  };
  const wopi = { wopiSrc: file.wopiSrc, token: file.accessToken, signal };
  const onFloor = floor && { wopiSrc: floor.wopiSrc, token: floor.accessToken, signal };
  const round = async (key: string, size: number, turn: number): Promise<Round> => {
    const puts: [Side, () => Promise<Transfer>][] = [
      ['direct', () => s3.put(key, size, signal)],
      ...(onFloor ? [['floor', () => putFile({ ...onFloor, lockId, size })] as [Side, () => Promise<Transfer>]] : []),
      ['wopi', () => putFile({ ...wopi, lockId, size })],
    ];
    const gets: [Side, () => Promise<Transfer>][] = [
      ['direct', () => s3.get(key, signal)],
      ...(onFloor ? [['floor', () => getFile(onFloor)] as [Side, () => Promise<Transfer>]] : []),
      ['wopi', () => getFile(wopi)],
    ];
    const result: Round = { put: {}, get: {} };
    for (const [side, run] of rotate(puts, turn)) result.put[side] = await metered(run);
    for (const [side, run] of rotate(gets, turn)) result.get[side] = await metered(run);
    const sent = result.put.direct!;
    for (const side of ['wopi', 'floor'] as const)
      if (result.put[side]) sameHash(`${side} PUT vs S3 PUT`, sent, result.put[side]);
    for (const side of ['direct', 'wopi', 'floor'] as const)
      if (result.get[side]) sameHash(`${side} GET`, sent, result.get[side]);

    return result;
  };
  await round(`bench/${randomUUID()}-warmup.bin`, MiB, 0);
  const rows: TransferRow[] = [];
  const figure = (run: Run | undefined) => (run ? run.mibPerSecond.toFixed(0) : '-');
  for (const { size, reps } of options.sizes) {
    const key = `bench/${randomUUID()}.bin`;
    const rounds: Round[] = [];
    for (let rep = 0; rep < reps; rep++) {
      signal.throwIfAborted();
      const last = await round(key, size, rep);
      rounds.push(last);
      options.log(
        `${size / MiB} MiB round ${rep + 1}/${reps} (MiB/s): PUT S3 ${figure(last.put.direct)}, floor ${figure(last.put.floor)}, ` +
          `PutFile ${figure(last.put.wopi)}; GET S3 ${figure(last.get.direct)}, floor ${figure(last.get.floor)}, GetFile ${figure(last.get.wopi)}`,
      );
    }
    rows.push(row('PutFile', size, rounds), row('GetFile', size, rounds));
  }

  return rows;
};

/**
 * Idle RSS (median of 2 s after 1 s of quiet), then one PutFile of `size` with RSS sampled
 * every 50 ms (and the kernel's high-water mark, reset just before), then GetFile of it, hashed.
 */
export const measureMemory = async (
  options: TransferOptions & { pid: number; size: number; rssAfterStart: number },
) => {
  const { file, lockId, signal, pid, size } = options;
  await sleep(1000, undefined, { signal });
  const quiet = sampleRss(pid);
  await sleep(2000, undefined, { signal });
  const idle = quiet.stop().median;
  const canReadKernelPeak = resetPeakRss(pid);
  const putSampler = sampleRss(pid);
  const put = await putFile({ wopiSrc: file.wopiSrc, token: file.accessToken, lockId, size, signal }).finally(() =>
    putSampler.stop(),
  );
  const putRss = putSampler.stop();
  const peakKernel = canReadKernelPeak ? peakRssOf(pid) : null;
  options.log(
    `${size / MiB} MiB PutFile: ${put.mibPerSecond.toFixed(0)} MiB/s, peak RSS ${(putRss.peak / MiB).toFixed(0)} MiB`,
  );
  const getSampler = sampleRss(pid);
  const get = await getFile({ wopiSrc: file.wopiSrc, token: file.accessToken, signal }).finally(() =>
    getSampler.stop(),
  );
  const getRss = getSampler.stop();
  const peak = Math.max(putRss.peak, peakKernel ?? 0);
  const memory: Memory = {
    pid,
    size,
    rssAfterStart: options.rssAfterStart,
    idle,
    peakSampled: putRss.peak,
    peakKernel,
    peak,
    samples: putRss.samples,
    getFilePeak: getRss.peak,
    putFileMibPerSecond: put.mibPerSecond,
    getFileMibPerSecond: get.mibPerSecond,
  };

  return {
    memory,
    roundTrip: {
      size,
      sentSha256: put.sha256,
      receivedSha256: get.sha256,
      equal: put.sha256 === get.sha256 && get.bytes === size,
    },
  };
};
