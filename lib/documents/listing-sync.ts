import { setTimeout as sleep } from 'node:timers/promises';
import { db } from '@/lib/db';
import { isSyncDue, isSyncRunning } from '@/lib/documents/folder-claim';
import { reconcileFolder, type ReconcileReport } from '@/lib/documents/reconcile';
import { log } from '@/lib/log';

/**
 * How long a listing waits for a folder's first sync: up to LISTING_WAIT_MS for all of it (a
 * folder of a few thousand objects is read by then), and past that only while no listed page
 * has been written yet, up to LISTING_WAIT_MAX_MS; then it shows what the database has.
 */
export const LISTING_WAIT_MS = 400;
export const LISTING_WAIT_MAX_MS = 800;

/** `reading`: a first sync of the folder is under way, the list may be incomplete; `failed`: the bucket could not be read. */
export type ListingSync = 'synced' | 'reading' | 'failed';

type Run = { report: Promise<ReconcileReport>; firstPage: Promise<void> };

/** Syncs this process runs, by folder (a second visit joins the running one). */
const running = new Map<string, Run>();

const startSync = (folder: string): Run => {
  const existing = running.get(folder);
  if (existing) return existing;
  let onFirstPage = () => {};
  const firstPage = new Promise<void>((resolve) => (onFirstPage = resolve));
  const report = reconcileFolder(folder, { onPage: () => onFirstPage() }).finally(() => {
    onFirstPage();
    running.delete(folder);
  });
  void report.catch((error: unknown) => log.warn({ err: error, folder }, 'folder reconcile failed'));
  const run = { report, firstPage };
  running.set(folder, run);

  return run;
};

const syncState = async (folder: string, report: Promise<ReconcileReport>): Promise<ListingSync> => {
  const done = await report.catch(() => null);
  if (!done) return 'failed';
  if (!done.skipped) return 'synced';
  // Not claimed: the folder exists nowhere, or another instance claimed it first.
  const row = await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } });

  return isSyncRunning(row?.syncedAt) ? 'reading' : 'synced';
};

const withDeadline = async (state: Promise<ListingSync>, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ListingSync>((resolve) => (timer = setTimeout(() => resolve('reading'), ms)));
  try {
    return await Promise.race([state, deadline]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * For listings. The first visit of a folder starts its sync and waits for it (see
 * LISTING_WAIT_MS), then lists what the database has while the sync goes on (rows appear page by
 * page): the answer says whether the list may still be incomplete. Later visits sync in the
 * background when stale, so a page never waits on a large bucket listing.
 */
export const syncFolderForListing = async (
  folder: string,
  { waitMs = LISTING_WAIT_MS, maxWaitMs = LISTING_WAIT_MAX_MS }: { waitMs?: number; maxWaitMs?: number } = {},
): Promise<ListingSync> => {
  const row = await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } });
  const syncedAt = row?.syncedAt;
  if (syncedAt && !isSyncRunning(syncedAt)) {
    // Synced before: its rows are complete as of then; a refresh, when due, runs in the background.
    if (isSyncDue(syncedAt)) startSync(folder);

    return 'synced';
  }
  const mine = running.get(folder);
  if (syncedAt && !mine) return 'reading'; // its first sync runs in another instance
  const run = mine ?? startSync(folder);
  if (waitMs <= 0) return 'reading';
  const firstPageLater = sleep(waitMs).then(async () => {
    await run.firstPage;

    return 'reading' as const;
  });

  return withDeadline(Promise.race([syncState(folder, run.report), firstPageLater]), Math.max(waitMs, maxWaitMs));
};

/** Resolves when every sync this process started has finished (tests, shutdown). */
export const folderSyncsSettled = async () => {
  while (running.size > 0) await Promise.allSettled([...running.values()].map((run) => run.report));
};
