/**
 * What the bench measures: request scenarios (the /api/live baseline, CheckFileInfo,
 * LOCK+UNLOCK cycles), GetFile/PutFile next to direct S3, and the web server's memory during a
 * large PutFile with a byte-exact round trip.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, expectStatus, type Client, type Scenario } from './load';
import type { WopiFile } from './portal';
import { peakRssOf, resetPeakRss, sampleRss } from './procfs';
import type { Memory, TransferRow } from './report';
import type { BenchS3 } from './s3';
import { getFile, MiB, putFile, type Transfer } from './transfer';

const withToken = (file: WopiFile, suffix = '') =>
  `${file.wopiSrc}${suffix}?access_token=${encodeURIComponent(file.accessToken)}`;

export const liveScenario = (baseUrl: string): Scenario => ({
  name: 'GET /api/live (baseline)',
  requestsPerIteration: 1,
  iterate: async (client) => {
    expectStatus(await client.request('GET', `${baseUrl}/api/live`), 200, '/api/live');
  },
});

export const checkFileInfoScenario = (file: WopiFile): Scenario => ({
  name: 'CheckFileInfo',
  requestsPerIteration: 1,
  iterate: async (client) => {
    expectStatus(await client.request('GET', withToken(file)), 200, 'CheckFileInfo');
  },
});

export const lockRequest = async (client: Client, file: WopiFile, override: 'LOCK' | 'UNLOCK', lockId: string) =>
  expectStatus(
    await client.request('POST', withToken(file), { 'X-WOPI-Override': override, 'X-WOPI-Lock': lockId }),
    200,
    override,
  );

/** Worker i locks and unlocks its own document (one lock per document, as editors do). */
export const lockCycleScenario = (files: WopiFile[]): Scenario => ({
  name: 'LOCK+UNLOCK cycle',
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

const row = (operation: TransferRow['operation'], size: number, runs: Transfer[], baselineRuns: Transfer[]) => {
  const mibPerSecond = median(runs.map((r) => r.mibPerSecond));
  const baselineMibPerSecond = median(baselineRuns.map((r) => r.mibPerSecond));

  return {
    operation,
    size,
    runs,
    baselineRuns,
    mibPerSecond,
    baselineMibPerSecond,
    ratio: mibPerSecond / baselineMibPerSecond,
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

/**
 * For each size, `reps` rounds of: S3 PUT, PutFile, S3 GET, GetFile (baseline and subject
 * alternate, so drift hits both), after one 1 MiB round as warm-up. Every body is checked.
 */
export const measureTransfers = async (options: TransferOptions & { sizes: { size: number; reps: number }[] }) => {
  const { file, lockId, s3, signal } = options;
  const round = async (key: string, size: number) => {
    const s3Put = await s3.put(key, size, signal);
    const put = await putFile({ wopiSrc: file.wopiSrc, token: file.accessToken, lockId, size, signal });
    const s3Get = await s3.get(key, signal);
    const get = await getFile({ wopiSrc: file.wopiSrc, token: file.accessToken, signal });
    sameHash('S3 GET', s3Put, s3Get);
    sameHash('GetFile', put, get);
    sameHash('PutFile vs S3 PUT', s3Put, put);

    return { s3Put, put, s3Get, get };
  };
  await round(`bench/${randomUUID()}-warmup.bin`, MiB);
  const rows: TransferRow[] = [];
  for (const { size, reps } of options.sizes) {
    const key = `bench/${randomUUID()}.bin`;
    const rounds = [];
    for (let rep = 0; rep < reps; rep++) {
      signal.throwIfAborted();
      rounds.push(await round(key, size));
      const last = rounds[rounds.length - 1]!;
      options.log(
        `${size / MiB} MiB round ${rep + 1}/${reps}: S3 PUT ${last.s3Put.mibPerSecond.toFixed(0)}, PutFile ${last.put.mibPerSecond.toFixed(0)}, ` +
          `S3 GET ${last.s3Get.mibPerSecond.toFixed(0)}, GetFile ${last.get.mibPerSecond.toFixed(0)} MiB/s`,
      );
    }
    rows.push(
      row(
        'PutFile',
        size,
        rounds.map((r) => r.put),
        rounds.map((r) => r.s3Put),
      ),
      row(
        'GetFile',
        size,
        rounds.map((r) => r.get),
        rounds.map((r) => r.s3Get),
      ),
    );
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
