import { createHash } from 'node:crypto';
import { getPool } from '@/lib/db';
import { abortStaleUploads, collectStagedBlobs, removeStaleBlobs } from '@/lib/documents/blobs';
import { repairMirrors, type MirrorPassReport } from '@/lib/documents/mirror-pass';
import { syncUnopenedFolders, type UnopenedFoldersReport } from '@/lib/documents/reconcile';
import { purgeTrash, pruneVersions, removeExpiredLocks, removeOldTokenUses } from '@/lib/documents/retention';
import { env, MAX_WOPI_TOKEN_TTL_SECONDS } from '@/lib/env';
import { log } from '@/lib/log';

/**
 * The janitor: what nothing else cleans up. In order: the staged blobs no row references are
 * listed (the evidence for the mirror rule, lib/documents/mirror.ts); every visible document's
 * mirror is compared with its row and repaired or adopted; folders nobody has opened are synced
 * (so search finds what other tools put there); multipart uploads and staged blobs
 * older than STAGING_GRACE_SECONDS are removed; trash past TRASH_RETENTION_DAYS is purged;
 * versions beyond VERSIONS_KEEP are pruned; expired lock rows and old token-use rows go. Every
 * step is safe to interrupt (a crash leaves at most unreferenced blobs for the next run) and one
 * instance runs at a time (a Postgres advisory lock, per bucket and prefix).
 */

export type JanitorSettings = {
  stagingGraceSeconds: number;
  /** 0 = never purge. */
  trashRetentionDays: number;
  /** 0 = keep every version. */
  versionsKeep: number;
  tokenUseRetentionSeconds: number;
  /** Sync the folders nobody has opened (JANITOR_SYNC_FOLDERS). */
  syncFolders: boolean;
};

/** The longest lifetime a token can get (WOPI_TOKEN_TTL_SECONDS' ceiling, the CLI's too). */
const TOKEN_LIFETIME_CEILING_SECONDS = MAX_WOPI_TOKEN_TTL_SECONDS;

export const janitorSettings = (): JanitorSettings => ({
  stagingGraceSeconds: env.STAGING_GRACE_SECONDS,
  trashRetentionDays: env.TRASH_RETENTION_DAYS,
  versionsKeep: env.VERSIONS_KEEP,
  tokenUseRetentionSeconds: Math.max(env.WOPI_TOKEN_TTL_SECONDS, TOKEN_LIFETIME_CEILING_SECONDS),
  syncFolders: env.JANITOR_SYNC_FOLDERS,
});

export type JanitorReport = {
  dryRun: boolean;
  skipped: false | string;
  startedAt: string;
  ms: number;
  settings: JanitorSettings;
  blobs: { scanned: number; unreferenced: number; removed: number; bytes: number; keys: string[] };
  uploads: { aborted: number; uploads: { key: string; uploadId: string; initiated: string | null }[] };
  mirrors: MirrorPassReport;
  folders: UnopenedFoldersReport;
  trash: { purged: number; bytes: number; documents: { id: string; name: string; folder: string }[] };
  versions: { pruned: number; bytes: number; documents: number };
  locks: { removed: number };
  tokenUses: { removed: number };
};

type RunOptions = {
  dryRun?: boolean;
  now?: Date;
  settings?: Partial<JanitorSettings>;
  /** Only the mirror repair (the start-up run when periodic runs are off). */
  repairOnly?: boolean;
  signal?: AbortSignal;
};

/** One advisory lock key per bucket and prefix: portals sharing a database do not block each other. */
export const janitorLockKey = () =>
  createHash('sha256').update(`wopi-janitor\0${env.S3_BUCKET}\0${env.S3_PREFIX}`).digest().readBigInt64BE(0).toString();

const DAY_MS = 24 * 3600 * 1000;

const emptyReport = (dryRun: boolean, settings: JanitorSettings, startedAt: Date): JanitorReport => ({
  dryRun,
  skipped: false,
  startedAt: startedAt.toISOString(),
  ms: 0,
  settings,
  blobs: { scanned: 0, unreferenced: 0, removed: 0, bytes: 0, keys: [] },
  uploads: { aborted: 0, uploads: [] },
  mirrors: { pending: 0, checked: 0, inSync: 0, repaired: 0, adopted: 0, documents: [] },
  folders: { synced: 0, added: 0, changed: 0, missing: 0, failed: 0, pending: 0 },
  trash: { purged: 0, bytes: 0, documents: [] },
  versions: { pruned: 0, bytes: 0, documents: 0 },
  locks: { removed: 0 },
  tokenUses: { removed: 0 },
});

/**
 * Runs the janitor once (or says it was skipped because another instance is running it) and
 * logs one line. The advisory lock is a session lock, so it is taken and released on one
 * connection held from the shared pool for the whole run; if the process dies, Postgres drops it.
 */
export const runJanitor = async (options: RunOptions = {}): Promise<JanitorReport> => {
  const { dryRun = false, now = new Date(), repairOnly = false, signal } = options;
  const settings = { ...janitorSettings(), ...options.settings };
  const started = Date.now();
  const report = emptyReport(dryRun, settings, now);
  const client = await getPool().connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [
      janitorLockKey(),
    ]);
    if (!rows[0]?.locked) {
      report.skipped = 'another janitor is running';
      log.info({ janitor: { skipped: report.skipped, dryRun } }, 'janitor run skipped');

      return report;
    }
    try {
      await runSteps({ report, now, settings, dryRun, repairOnly, signal });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [janitorLockKey()]);
    }
  } finally {
    client.release();
  }
  report.ms = Date.now() - started;
  log.info({ janitor: summary(report) }, 'janitor run');

  return report;
};

const runSteps = async ({
  report,
  now,
  settings,
  dryRun,
  repairOnly,
  signal,
}: {
  report: JanitorReport;
  now: Date;
  settings: JanitorSettings;
  dryRun: boolean;
  repairOnly: boolean;
  signal?: AbortSignal;
}) => {
  const checkpoint = () => signal?.throwIfAborted();
  const { staged, scanned } = await collectStagedBlobs();
  report.blobs.scanned = scanned;
  report.blobs.unreferenced = staged.count;
  checkpoint();
  report.mirrors = await repairMirrors({ staged, now, dryRun, signal });
  if (repairOnly) return;
  checkpoint();
  if (settings.syncFolders) {
    report.folders = await syncUnopenedFolders({
      dryRun,
      signal,
      onError: (folder, error) => log.warn({ err: error, folder }, 'janitor: folder not synced; the next run retries'),
    });
    checkpoint();
  }
  const staleBefore = new Date(now.getTime() - settings.stagingGraceSeconds * 1000);
  const uploads = await abortStaleUploads({ before: staleBefore, dryRun });
  report.uploads = { aborted: uploads.count, uploads: uploads.uploads };
  checkpoint();
  const blobs = await removeStaleBlobs({ staged, before: staleBefore, dryRun });
  Object.assign(report.blobs, { removed: blobs.count, bytes: blobs.bytes, keys: blobs.keys });
  checkpoint();
  if (settings.trashRetentionDays > 0) {
    const purged = await purgeTrash({ before: new Date(now.getTime() - settings.trashRetentionDays * DAY_MS), dryRun });
    report.trash = { purged: purged.count, bytes: purged.bytes, documents: purged.documents };
  }
  checkpoint();
  const pruned = await pruneVersions({ keep: settings.versionsKeep, dryRun });
  report.versions = { pruned: pruned.count, bytes: pruned.bytes, documents: pruned.documents };
  checkpoint();
  report.locks.removed = (await removeExpiredLocks({ now, dryRun })).count;
  const tokenUsesBefore = new Date(now.getTime() - settings.tokenUseRetentionSeconds * 1000);
  report.tokenUses.removed = (await removeOldTokenUses({ before: tokenUsesBefore, dryRun })).count;
};

const summary = (report: JanitorReport) => ({
  dryRun: report.dryRun,
  ms: report.ms,
  blobsScanned: report.blobs.scanned,
  blobsRemoved: report.blobs.removed,
  blobBytes: report.blobs.bytes,
  uploadsAborted: report.uploads.aborted,
  mirrorsPending: report.mirrors.pending,
  mirrorsChecked: report.mirrors.checked,
  mirrorsRepaired: report.mirrors.repaired,
  mirrorsAdopted: report.mirrors.adopted,
  foldersSynced: report.folders.synced,
  foldersPending: report.folders.pending,
  documentsAdded: report.folders.added,
  trashPurged: report.trash.purged,
  trashBytes: report.trash.bytes,
  versionsPruned: report.versions.pruned,
  versionBytes: report.versions.bytes,
  locksRemoved: report.locks.removed,
  tokenUsesRemoved: report.tokenUses.removed,
});

export type RunningJanitor = { stop: () => Promise<void> };

/**
 * Starts the janitor in this process (the web server): a run right away in the background (the
 * start-up mirror repair, plus everything else when periodic runs are on), then one every
 * JANITOR_INTERVAL_SECONDS after the previous ended. Failures are logged, never thrown. `stop`
 * cancels the next run and interrupts the current one at its next step.
 */
export const startJanitor = ({
  intervalSeconds = env.JANITOR_INTERVAL_SECONDS,
}: { intervalSeconds?: number } = {}): RunningJanitor => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = (repairOnly: boolean) => {
    current = runJanitor({ repairOnly, signal: controller.signal })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) log.warn({ err: error }, 'janitor run failed');
      })
      .finally(() => {
        if (controller.signal.aborted || intervalSeconds === 0) return;
        timer = setTimeout(() => tick(false), intervalSeconds * 1000);
        timer.unref();
      });
  };
  timer = setTimeout(() => tick(intervalSeconds === 0), 0);
  timer.unref();

  return {
    stop: async () => {
      controller.abort();
      clearTimeout(timer);
      // A step in flight finishes (each is safe to cut short); do not wait longer than that.
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    },
  };
};
