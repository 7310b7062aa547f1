import { db } from '@/lib/db';
import { ensureFolders } from '@/lib/documents/folders';
import { VISIBLE } from '@/lib/documents/queries';
import { env } from '@/lib/env';
import { folderPrefix } from '@/lib/storage/keys';
import { listPage } from '@/lib/storage/objects';

/**
 * `Folder.syncedAt` is the one-sync-per-folder claim shared by every instance: null when the
 * folder was never synced, else the start of its last complete sync. A sync renews it every few
 * seconds while it runs (so only a crashed process's claim lapses): a first sync to a lease in
 * the future, which is how every instance knows the folder is still being read; a later one to
 * the present (the folder's rows are complete as of the previous sync).
 */
export const SYNC_LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;

export type FolderPage = Awaited<ReturnType<typeof listPage>>;

export type FolderClaim = {
  /** The bucket's first page, read to decide whether a folder without a row exists at all. */
  firstPage?: FolderPage;
  /** Ends the claim: the folder counts as synced at `syncedAt`, or (`failed`) is retried. */
  release: (outcome: { syncedAt: Date } | { failed: true }) => Promise<void>;
};

/** Whether `syncedAt` is a running first sync's lease (here or in another instance). */
export const isSyncRunning = (syncedAt: Date | null | undefined, now = Date.now()) =>
  !!syncedAt && syncedAt.getTime() > now;

export const isSyncDue = (syncedAt: Date | null | undefined, now = Date.now()) =>
  !syncedAt || syncedAt.getTime() < now - env.RECONCILE_INTERVAL_SECONDS * 1000;

/** A folder without a row exists when the bucket has something under it or the portal shows documents in it. */
const existsAnywhere = async (folder: string, page: FolderPage) =>
  page.objects.length > 0 ||
  page.prefixes.length > 0 ||
  !!(await db.document.findFirst({ where: { folder, ...VISIBLE }, select: { id: true } }));

/** Compare-and-set of the claim: only from the value this process last saw. */
const swap = async (folder: string, from: Date | null, to: Date | null) =>
  (await db.folder.updateMany({ where: { path: folder, syncedAt: from }, data: { syncedAt: to } })).count === 1;

/**
 * Claims `folder` for a sync unless one ran within RECONCILE_INTERVAL_SECONDS or runs now
 * (`force`: regardless). Null when not claimed. Reading a folder never creates it: a folder
 * with no row gets one (and its ancestors) only when it exists in the bucket or the database.
 */
export const claimFolder = async (folder: string, { force = false } = {}): Promise<FolderClaim | null> => {
  let row = await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } });
  let firstPage: FolderPage | undefined;
  if (!row) {
    firstPage = await listPage({ prefix: folderPrefix(folder), delimiter: '/' });
    if (!(await existsAnywhere(folder, firstPage))) return null;
    await ensureFolders(folder);
    row = await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } });
    if (!row) return null;
  }
  const claimedAt = Date.now();
  const previous = row.syncedAt;
  if (!force && !isSyncDue(previous, claimedAt)) return null;
  const leaseFrom = (now: number) => new Date(previous ? now : now + SYNC_LEASE_MS);
  let lease = leaseFrom(claimedAt);
  const isClaimed = force
    ? (await db.folder.updateMany({ where: { path: folder }, data: { syncedAt: lease } })).count === 1
    : await swap(folder, previous, lease);
  if (!isClaimed) return null;

  // Renewals run one after another; release waits for the last, so it swaps from the lease in force.
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      const next = leaseFrom(Date.now());
      if (await swap(folder, lease, next).catch(() => false)) lease = next;
    });
  }, RENEW_EVERY_MS);
  timer.unref();

  return {
    firstPage,
    release: async (outcome) => {
      clearInterval(timer);
      await renewing;
      // A failed first sync is retried by the next visit; a failed refresh after the interval, as before.
      const syncedAt = 'syncedAt' in outcome ? outcome.syncedAt : previous ? new Date(claimedAt) : null;
      await swap(folder, lease, syncedAt);
    },
  };
};
