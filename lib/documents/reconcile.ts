import { db, sql } from '@/lib/db';
import { claimFolder, type FolderPage } from '@/lib/documents/folder-claim';
import { nameOf } from '@/lib/documents/folders';
import { isMirrorSuspect, settleMirror } from '@/lib/documents/mirror';
import { VISIBLE } from '@/lib/documents/queries';
import { env } from '@/lib/env';
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

export type ReconcileOptions = {
  /** Sync even when RECONCILE_INTERVAL_SECONDS have not passed (the CLI). */
  force?: boolean;
  /** Called after each listed page's rows are committed: listings show them from then on. */
  onPage?: () => void;
};

type Counts = Pick<ReconcileReport, 'added' | 'changed' | 'repaired'>;

type KnownRow = {
  id: string;
  key: string;
  contentKey: string;
  etag: string | null;
  size: string;
  missingSince: Date | null;
};

/**
 * One round trip per page: inserts the objects no row has (ON CONFLICT: a row made meanwhile
 * wins) and returns the rows that existed before, to be compared with their objects.
 */
const INSERT_NEW_RETURN_KNOWN = `
  WITH listed AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[])
      AS l(key, name, extension, size, etag, modified)
  ), inserted AS (
    INSERT INTO "Document"
      (id, key, "contentKey", name, folder, extension, size, etag, "lastModifiedAt", "lastSeenAt", "updatedAt")
    SELECT gen_random_uuid(), key, key, name, $7, extension, size, etag, modified, $8, $8 FROM listed
    ON CONFLICT (key) DO NOTHING
  )
  SELECT d.id, d.key, d."contentKey", d.etag, d.size::text AS size, d."missingSince"
    FROM listed JOIN "Document" d ON d.key = listed.key`;

const markSeen = async (ids: string[], seenAt: Date, { revive = false } = {}) => {
  if (ids.length === 0) return;
  await sql(
    `UPDATE "Document" SET "lastSeenAt" = $1, "updatedAt" = $1${revive ? ', "missingSince" = NULL' : ''}
      WHERE id = ANY($2::uuid[])`,
    [seenAt, ids],
  );
};

/** One listed page's objects against their rows: two statements, plus the mirror rule for suspects. */
const syncObjects = async (folder: string, objects: ListedObject[], seenAt: Date): Promise<Counts> => {
  const visible = objects.filter((object) => parseKey(object.key)?.folder === folder);
  if (visible.length === 0) return { added: 0, changed: 0, repaired: 0 };
  const names = visible.map((object) => nameOf(object.key));
  const { rows } = await sql<KnownRow>(INSERT_NEW_RETURN_KNOWN, [
    visible.map((object) => object.key),
    names,
    names.map(extensionOf),
    visible.map((object) => object.size),
    visible.map((object) => object.etag ?? null),
    visible.map((object) => object.lastModified ?? seenAt),
    folder,
    seenAt,
  ]);
  const objectOf = new Map(visible.map((object) => [object.key, object]));
  const unchanged: string[] = [];
  const revived: string[] = [];
  let changed = 0;
  let repaired = 0;
  for (const row of rows) {
    const object = objectOf.get(row.key)!;
    // Changed by another tool: those bytes become a new version (copied to an immutable blob);
    // torn by our own interrupted copy: the committed bytes are copied back (the mirror rule).
    const settled = isMirrorSuspect({ ...row, size: BigInt(row.size) }, object)
      ? await settleMirror(row.id, { now: seenAt, via: 'reconcile' })
      : { verdict: 'in-sync', action: 'none' };
    if (settled.action === 'repaired') {
      repaired++;
    } else if (settled.action === 'adopted') {
      changed++;
    } else if (settled.verdict !== 'missing') {
      // A hidden row whose object is back unchanged is shown again. ('missing': removed since
      // the listing; left unseen, so this sync marks it missing.)
      (row.missingSince ? revived : unchanged).push(row.id);
    }
  }
  await markSeen(unchanged, seenAt);
  await markSeen(revived, seenAt, { revive: true });

  return { added: visible.length - rows.length, changed: changed + revived.length, repaired };
};

const subfolderPaths = (folder: string, prefixes: string[]) => {
  const base = folderPrefix(folder);
  const paths: string[] = [];
  for (const prefix of prefixes) {
    const relative = prefix.slice(env.S3_PREFIX.length).replace(/\/$/, '');
    const parsed = parseFolder(relative, { isForeign: true });
    if ('folder' in parsed && parsed.folder === relative && prefix.startsWith(base)) paths.push(relative);
  }

  return paths;
};

const addSubfolders = async (folder: string, paths: string[]) => {
  if (paths.length === 0) return;
  await db.folder.createMany({
    data: paths.map((path) => ({ path, parent: folder, name: nameOf(path) })),
    skipDuplicates: true,
  });
};

/** A folder whose objects are all gone disappears, unless the portal still shows documents in it. */
const removeGoneSubfolders = async (folder: string, paths: string[]) => {
  const gone = await db.folder.findMany({ where: { parent: folder, path: { notIn: paths } }, select: { path: true } });
  for (const { path } of gone) {
    const inUse = await db.document.findFirst({
      where: { ...VISIBLE, OR: [{ folder: path }, { folder: { startsWith: `${path}/` } }] },
      select: { id: true },
    });
    if (!inUse) await db.folder.deleteMany({ where: { OR: [{ path }, { path: { startsWith: `${path}/` } }] } });
  }
};

/**
 * Walks the folder's listing: while one page is written to the database the next is read from
 * the bucket, and each page's rows are committed as it goes (a listing meanwhile shows them).
 */
const syncPages = async (
  folder: string,
  {
    firstPage,
    seenAt,
    report,
    onPage,
  }: { firstPage?: FolderPage; seenAt: Date; report: ReconcileReport; onPage?: () => void },
) => {
  const read = (continuationToken?: string) => {
    const page = listPage({ prefix: folderPrefix(folder), delimiter: '/', continuationToken });
    void page.catch(() => undefined); // awaited below unless an earlier page failed
    return page;
  };
  const subfolders: string[] = [];
  let next: Promise<FolderPage> | undefined = firstPage ? Promise.resolve(firstPage) : read();
  while (next) {
    const page: FolderPage = await next;
    next = page.next ? read(page.next) : undefined;
    const counts = await syncObjects(folder, page.objects, seenAt);
    report.added += counts.added;
    report.changed += counts.changed;
    report.repaired += counts.repaired;
    const paths = subfolderPaths(folder, page.prefixes);
    await addSubfolders(folder, paths);
    subfolders.push(...paths);
    onPage?.();
  }

  return subfolders;
};

/**
 * Brings one folder's rows in line with the bucket, a ListObjectsV2 page (≤1000 keys) at a time:
 * objects other tools added become documents, changed ones get a new version number, and rows
 * whose object vanished are marked missing (hidden, kept with their history; they come back if
 * the object does). Runs at most once per RECONCILE_INTERVAL_SECONDS per folder across instances
 * (lib/documents/folder-claim.ts); a folder that exists nowhere is skipped, never created.
 */
export const reconcileFolder = async (
  folder: string,
  { force = false, onPage }: ReconcileOptions = {},
): Promise<ReconcileReport> => {
  const report: ReconcileReport = { skipped: false, added: 0, changed: 0, repaired: 0, missing: 0, folders: 0 };
  const claim = await claimFolder(folder, { force });
  if (!claim) return { ...report, skipped: true };
  const seenAt = new Date();
  try {
    const subfolders = await syncPages(folder, { firstPage: claim.firstPage, seenAt, report, onPage });
    const vanished = await db.document.updateMany({
      // A row whose visible object is still being copied (mirrorPendingSince) is not missing.
      where: {
        folder,
        ...VISIBLE,
        mirrorPendingSince: null,
        OR: [{ lastSeenAt: null }, { lastSeenAt: { lt: seenAt } }],
      },
      data: { missingSince: seenAt },
    });
    report.missing = vanished.count;
    await removeGoneSubfolders(folder, subfolders);
    report.folders = subfolders.length;
  } catch (error) {
    await claim.release({ failed: true }).catch(() => undefined);
    throw error;
  }
  await claim.release({ syncedAt: seenAt });

  return report;
};

export type UnopenedFoldersReport = {
  /** Folders synced by this run (each once). */
  synced: number;
  added: number;
  changed: number;
  missing: number;
  /** Folders whose sync failed (logged; retried by the next run). */
  failed: number;
  /** `Folder` rows never synced when the run ended: failed, or found meanwhile (a dry run: all, plus `under` when it has no row). */
  pending: number;
};

/** Never-synced folders read from the database at a time. */
const UNOPENED_PAGE = 100;

/**
 * Syncs every folder nobody has opened yet in `under` and below (the root by default): `under`
 * itself when it never was, then each `Folder` row below with `syncedAt` null (a sync adds its
 * subfolders as such rows, found later in the same pass), so search and listings know documents
 * other tools put anywhere in the bucket, not only in visited folders. A folder that exists
 * nowhere (no object, no row) is skipped, never created.
 * Each folder goes through `reconcileFolder` (its claim keeps instances and visitors from
 * syncing it twice); one that fails is logged and counted and left for the next run, which it
 * also is when `signal` aborts between folders (then this throws the abort reason). `dryRun`
 * only counts them. Returns the counts; throws only what reading `Folder` rows throws.
 */
export const syncUnopenedFolders = async ({
  under = '',
  dryRun = false,
  signal,
  onError,
}: {
  under?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onError?: (folder: string, error: unknown) => void;
} = {}): Promise<UnopenedFoldersReport> => {
  const report: UnopenedFoldersReport = { synced: 0, added: 0, changed: 0, missing: 0, failed: 0, pending: 0 };
  const top = await db.folder.findUnique({ where: { path: under }, select: { syncedAt: true } });
  const below = under === '' ? '' : `${under}/`;
  const countUnopened = () =>
    db.folder.count({ where: { syncedAt: null, OR: [{ path: under }, { path: { startsWith: below } }] } });
  if (dryRun) {
    report.pending = (await countUnopened()) + (top ? 0 : 1);

    return report;
  }
  const sync = async (folder: string) => {
    try {
      const synced = await reconcileFolder(folder);
      if (synced.skipped) return;
      report.synced++;
      report.added += synced.added;
      report.changed += synced.changed;
      report.missing += synced.missing;
    } catch (error) {
      report.failed++;
      onError?.(folder, error);
    }
  };
  signal?.throwIfAborted();
  if (!top || top.syncedAt === null) await sync(under);
  // One pass in byte order: a folder's subfolders ("a/b" after "a") sort after it, so those its
  // sync adds come later in the same pass; one that failed (null again) waits for the next run.
  let after = under;
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await sql<{ path: string }>(
      `SELECT path FROM "Folder"
        WHERE "syncedAt" IS NULL AND path COLLATE "C" > $1 AND left(path, length($2)) = $2
        ORDER BY path COLLATE "C" LIMIT $3`,
      [after, below, UNOPENED_PAGE],
    );
    if (rows.length === 0) break;
    for (const { path } of rows) {
      signal?.throwIfAborted();
      await sync(path);
      after = path;
    }
  }
  report.pending = await countUnopened();

  return report;
};
