import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { checkOut, sql } from '@/lib/db';
import { asDatabaseUnavailable, conflictError, unavailableError } from '@/lib/errors';
import { log } from '@/lib/log';

/**
 * One folder operation at a time per folder tree. A folder operation (rename, move, copy, delete,
 * restore or purge of a deleted folder) works document by document and takes a while; two of
 * them on the same folder, or on a folder and one above or below it, would each act on documents
 * the other already moved. So each first claims its folders here: one `FolderLease` row per
 * folder path (the source and the destination), taken atomically (a transaction-scoped advisory
 * lock serialises the overlap check and the insert across every instance). A second operation
 * whose folders overlap a held lease is refused before any work with 409 `folder_busy`. The
 * holder renews its rows every third of FOLDER_LEASE_MS while it runs and deletes them when it ends; the
 * rows of a process that died lapse after FOLDER_LEASE_MS, so nothing stays busy for good.
 *
 * A holder whose renewals fail (Postgres slow or away) may lose its rows to another claim once
 * they lapse. So it keeps, on its own monotonic clock, the latest instant its rows are surely
 * still live (the send time of the last renewal that updated them all, plus FOLDER_LEASE_MS,
 * less a sixth of it), and the operation calls `assertHeld()` before each step: past that
 * instant, or once a renewal found rows missing, it stops with 503 (`database_unavailable`),
 * each document already done staying done. Running the operation again finishes it.
 *
 * A lease on "a/b" covers "a/b" and everything below it; it overlaps a request for "a/b",
 * "a/b/c" or "a" (an ancestor), never "a/bc". The top folder "" is never leased.
 */

export const FOLDER_LEASE_MS = 30_000;
// Renewed every third of the lease; the holder stops trusting its rows a sixth of the lease before
// they could lapse (clock rates, a slow statement): 10 s and 5 s for the 30 s lease.
const RENEW_FRACTION = 3;
const LAPSE_MARGIN_FRACTION = 6;
/** Any constant: the key of the advisory lock that serialises claims (pg_advisory_xact_lock). */
const CLAIM_LOCK_KEY = 7_404_771_902;

/** The error codes this module answers with (for the API's error-code registry). */
export const FOLDER_LEASE_ERROR_CODES = ['folder_busy'] as const;

/** 409 `folder_busy`: another folder operation holds `path` (or a folder above or below it). */
export const folderBusyError = (path: string) =>
  conflictError('folder_busy', `Another operation is changing the folder "${path}"; try again when it has finished.`, {
    path,
  });

/**
 * A held lease: `extend` adds folders (409 `folder_busy` if taken; the rest stays held),
 * `assertHeld` throws 503 `database_unavailable` once the lease may have lapsed (see above),
 * `release` ends it.
 */
export type FolderLease = {
  holder: string;
  extend: (paths: string[]) => Promise<void>;
  assertHeld: () => void;
  release: () => Promise<void>;
};

const OVERLAP = `(l.path = p.path OR starts_with(l.path, p.path || '/') OR starts_with(p.path, l.path || '/'))`;

/** Inserts rows for `paths` under `holder`, or returns the first requested path another holder's live lease overlaps. */
const insertUnlessBusy = async (
  holder: string,
  operation: string,
  paths: string[],
  leaseMs: number,
): Promise<string | null> => {
  const client = await checkOut();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [CLAIM_LOCK_KEY]);
    await client.query(`DELETE FROM "FolderLease" WHERE "expiresAt" <= now()`);
    const { rows } = await client.query<{ path: string }>(
      `SELECT p.path FROM "FolderLease" l, unnest($1::text[]) AS p(path)
        WHERE l.holder <> $2::uuid AND l."expiresAt" > now() AND ${OVERLAP} LIMIT 1`,
      [paths, holder],
    );
    if (rows[0]) {
      await client.query('ROLLBACK');

      return rows[0].path;
    }
    await client.query(
      `INSERT INTO "FolderLease" (id, holder, path, operation, "expiresAt")
       SELECT gen_random_uuid(), $2::uuid, p.path, $3, now() + make_interval(secs => $4)
         FROM unnest($1::text[]) AS p(path)`,
      [paths, holder, operation, leaseMs / 1000],
    );
    await client.query('COMMIT');

    return null;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asDatabaseUnavailable(error) ?? error;
  } finally {
    client.release();
  }
};

/**
 * Claims `paths` (folder paths, not "") for `operation` (e.g. "folder.move", kept for people
 * reading the table). Throws 409 `folder_busy` naming the first path that another running
 * operation holds, having claimed nothing. The caller must `release()` the lease (in `finally`).
 * `leaseMs`: how long unrenewed rows stay live (FOLDER_LEASE_MS; tests shorten it).
 */
export const claimFolders = async (
  paths: string[],
  operation: string,
  { leaseMs = FOLDER_LEASE_MS }: { leaseMs?: number } = {},
): Promise<FolderLease> => {
  const holder = randomUUID();
  const wanted = [...new Set(paths.filter((path) => path !== ''))];
  const trustMs = leaseMs - leaseMs / LAPSE_MARGIN_FRACTION;
  // The rows' expiry is set by Postgres after this instant: counting from it is on the safe side.
  let liveUntil = performance.now() + trustMs;
  let isLost = false;
  const busy = await insertUnlessBusy(holder, operation, wanted, leaseMs);
  if (busy !== null) throw folderBusyError(busy);

  let renewing: Promise<unknown> = Promise.resolve();
  const renew = async () => {
    const sent = performance.now();
    const { rowCount } = await sql(
      `UPDATE "FolderLease" SET "expiresAt" = now() + make_interval(secs => $2) WHERE holder = $1::uuid`,
      [holder, leaseMs / 1000],
    );
    // Fewer rows than held: they lapsed and another claim deleted them; the folders may be another's now.
    if ((rowCount ?? 0) < wanted.length) isLost = true;
    else liveUntil = sent + trustMs;
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch((error: unknown) => {
      log.warn({ err: error, operation }, 'folder lease renewal failed');
    });
  }, leaseMs / RENEW_FRACTION);
  timer.unref();

  return {
    holder,
    extend: async (more) => {
      const added = more.filter((path) => path !== '' && !wanted.includes(path));
      if (added.length === 0) return;
      const taken = await insertUnlessBusy(holder, operation, added, leaseMs);
      if (taken !== null) throw folderBusyError(taken);
      wanted.push(...added);
    },
    assertHeld: () => {
      if (!isLost && performance.now() < liveUntil) return;
      throw unavailableError(
        'database',
        `the folder operation (${operation}) could not renew its hold on ${wanted.map((path) => `"${path}"`).join(', ')}; it stopped, and running it again finishes it`,
      );
    },
    release: async () => {
      clearInterval(timer);
      await renewing;
      await sql(`DELETE FROM "FolderLease" WHERE holder = $1::uuid`, [holder]);
    },
  };
};

/** Runs `work` holding a lease on `paths` (see claimFolders), released however `work` ends. */
export const withFolderLease = async <T>(
  paths: string[],
  operation: string,
  work: (lease: FolderLease) => Promise<T>,
): Promise<T> => {
  const lease = await claimFolders(paths, operation);
  try {
    return await work(lease);
  } finally {
    // A failed release must not replace what the work did (or the error it threw): the rows
    // lapse by themselves after FOLDER_LEASE_MS.
    await lease.release().catch((error: unknown) => {
      log.warn({ err: error, operation }, 'folder lease release failed; it lapses by itself');
    });
  }
};

/**
 * SQL: whether a live lease covers the folder `pathExpr` (an SQL expression of a folder path, e.g.
 * `b.path`), or a folder above or below it. For statements that must leave alone what a running
 * folder operation is working on (emptying the trash skips a folder still being deleted).
 */
export const isLeasedSql = (pathExpr: string) =>
  `EXISTS (SELECT 1 FROM "FolderLease" l WHERE l."expiresAt" > now()
     AND (l.path = ${pathExpr} OR starts_with(l.path, ${pathExpr} || '/') OR starts_with(${pathExpr}, l.path || '/')))`;

/**
 * For single-document changes: 409 `folder_busy` when a running folder operation holds any of
 * `folders` (or a folder above one of them), so a document is not renamed, moved or deleted
 * under an operation that is moving its folder. ("" is held by nothing.)
 */
export const assertFoldersFree = async (folders: string[]) => {
  const wanted = [...new Set(folders.filter((folder) => folder !== ''))];
  if (wanted.length === 0) return;
  const { rows } = await sql<{ path: string }>(
    `SELECT p.path FROM "FolderLease" l, unnest($1::text[]) AS p(path)
      WHERE l."expiresAt" > now() AND (l.path = p.path OR starts_with(p.path, l.path || '/')) LIMIT 1`,
    [wanted],
  );
  if (rows[0]) throw folderBusyError(rows[0].path);
};
