import { db } from '@/lib/db';
import { ensureFolders, nameOf } from '@/lib/documents/folders';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { isMirrorSuspect, settleMirror } from '@/lib/documents/mirror';
import { VISIBLE } from '@/lib/documents/queries';
import { extensionOf, folderPrefix, parseFolder, parseKey } from '@/lib/storage/keys';
import { listPage, type ListedObject } from '@/lib/storage/objects';

export type ReconcileReport = {
  skipped: boolean;
  added: number;
  changed: number;
  /** Mirrors repaired: torn by an interrupted copy of the portal's own (lib/documents/mirror.ts). */
  repaired: number;
  missing: number;
  folders: number;
};

/** Claims the folder for a sync unless another process (or request) synced it recently. */
const claim = async (folder: string, force: boolean) => {
  await ensureFolders(folder);
  const staleBefore = new Date(Date.now() - env.RECONCILE_INTERVAL_SECONDS * 1000);
  const claimed = await db.folder.updateMany({
    where: { path: folder, ...(force ? {} : { OR: [{ syncedAt: null }, { syncedAt: { lt: staleBefore } }] }) },
    data: { syncedAt: new Date() },
  });

  return claimed.count === 1;
};

const syncObjects = async (folder: string, objects: ListedObject[], seenAt: Date) => {
  const visible = objects.filter((object) => parseKey(object.key)?.folder === folder);
  if (visible.length === 0) return { added: 0, changed: 0, repaired: 0 };
  const rows = await db.document.findMany({
    where: { key: { in: visible.map((object) => object.key) } },
    select: { id: true, key: true, contentKey: true, etag: true, size: true, missingSince: true },
  });
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const unchanged: string[] = [];
  const added = [];
  let changed = 0;
  let repaired = 0;
  for (const object of visible) {
    const row = byKey.get(object.key);
    const name = nameOf(object.key);
    const lastModifiedAt = object.lastModified ?? seenAt;
    if (!row) {
      added.push({
        key: object.key,
        contentKey: object.key,
        name,
        folder,
        extension: extensionOf(name),
        size: object.size,
        etag: object.etag,
        lastModifiedAt,
        lastSeenAt: seenAt,
      });
    } else {
      // Changed by another tool: those bytes become a new version (copied to an immutable blob);
      // torn by our own interrupted copy: the committed bytes are copied back (the mirror rule).
      const settled = isMirrorSuspect(row, object)
        ? await settleMirror(row.id, { now: seenAt, via: 'reconcile' })
        : { verdict: 'in-sync', action: 'none' };
      if (settled.action === 'repaired') {
        repaired++;
      } else if (settled.action === 'adopted') {
        changed++;
      } else if (settled.verdict === 'missing') {
        // Removed since the listing: the next sync marks it missing.
      } else if (row.missingSince) {
        // Brought back unchanged.
        await db.document.update({ where: { id: row.id }, data: { missingSince: null, lastSeenAt: seenAt } });
        changed++;
      } else {
        unchanged.push(row.id);
      }
    }
  }
  if (added.length > 0) await db.document.createMany({ data: added, skipDuplicates: true });
  if (unchanged.length > 0)
    await db.document.updateMany({ where: { id: { in: unchanged } }, data: { lastSeenAt: seenAt } });

  return { added: added.length, changed, repaired };
};

const syncSubfolders = async (folder: string, prefixes: string[]) => {
  const base = folderPrefix(folder);
  const paths: string[] = [];
  for (const prefix of prefixes) {
    const relative = prefix.slice(env.S3_PREFIX.length).replace(/\/$/, '');
    const parsed = parseFolder(relative, { isForeign: true });
    if ('folder' in parsed && parsed.folder === relative && prefix.startsWith(base)) paths.push(relative);
  }
  if (paths.length > 0) {
    await db.folder.createMany({
      data: paths.map((path) => ({ path, parent: folder, name: nameOf(path) })),
      skipDuplicates: true,
    });
  }
  // A folder whose objects are all gone disappears, unless the portal still shows documents in it.
  const gone = await db.folder.findMany({ where: { parent: folder, path: { notIn: paths } }, select: { path: true } });
  for (const { path } of gone) {
    const inUse = await db.document.findFirst({
      where: { ...VISIBLE, OR: [{ folder: path }, { folder: { startsWith: `${path}/` } }] },
      select: { id: true },
    });
    if (!inUse) await db.folder.deleteMany({ where: { OR: [{ path }, { path: { startsWith: `${path}/` } }] } });
  }

  return paths.length;
};

/**
 * Brings one folder's rows in line with the bucket, a ListObjectsV2 page (≤1000 keys) at a time:
 * objects other tools added become documents, changed ones get a new version number, and rows
 * whose object vanished are marked missing (hidden, kept with their history; they come back if
 * the object does). Runs at most once per RECONCILE_INTERVAL_SECONDS per folder across instances.
 */
export const reconcileFolder = async (folder: string, { force = false } = {}): Promise<ReconcileReport> => {
  const report: ReconcileReport = { skipped: false, added: 0, changed: 0, repaired: 0, missing: 0, folders: 0 };
  if (!(await claim(folder, force))) return { ...report, skipped: true };
  const seenAt = new Date();
  const prefixes: string[] = [];
  let token: string | undefined;
  do {
    const page = await listPage({ prefix: folderPrefix(folder), delimiter: '/', continuationToken: token });
    const counts = await syncObjects(folder, page.objects, seenAt);
    report.added += counts.added;
    report.changed += counts.changed;
    report.repaired += counts.repaired;
    prefixes.push(...page.prefixes);
    token = page.next;
  } while (token);
  const vanished = await db.document.updateMany({
    // A row whose visible object is still being copied (mirrorPendingSince) is not missing.
    where: { folder, ...VISIBLE, mirrorPendingSince: null, OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: seenAt } }] },
    data: { missingSince: seenAt },
  });
  report.missing = vanished.count;
  report.folders = await syncSubfolders(folder, prefixes);

  return report;
};

/**
 * For listings: the first visit of a folder waits for its sync; later visits sync in the
 * background when stale, so a page never waits on a large bucket listing twice.
 */
export const syncFolderForListing = async (folder: string) => {
  const row = await db.folder.findUnique({ where: { path: folder }, select: { syncedAt: true } });
  if (!row?.syncedAt) {
    await reconcileFolder(folder);

    return;
  }
  if (
    env.RECONCILE_INTERVAL_SECONDS === 0 ||
    row.syncedAt.getTime() < Date.now() - env.RECONCILE_INTERVAL_SECONDS * 1000
  ) {
    void reconcileFolder(folder).catch((error: unknown) => log.warn({ err: error, folder }, 'folder reconcile failed'));
  }
};
