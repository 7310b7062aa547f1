import { randomUUID } from 'node:crypto';
import { getPool, sql } from '@/lib/db';
import { asDatabaseUnavailable, conflictError } from '@/lib/errors';

/**
 * One folder operation at a time per folder tree. A folder operation (rename, move, copy, delete,
 * restore or purge of a deleted folder) works document by document and takes a while; two of
 * them on the same folder, or on a folder and one above or below it, would each act on documents
 * the other already moved. So each first claims its folders here: one `FolderLease` row per
 * folder path (the source and the destination), taken atomically (a transaction-scoped advisory
 * lock serialises the overlap check and the insert across every instance). A second operation
 * whose folders overlap a held lease is refused before any work with 409 `folder_busy`. The
 * holder renews its rows every RENEW_EVERY_MS while it runs and deletes them when it ends; the
 * rows of a process that died lapse after FOLDER_LEASE_MS, so nothing stays busy for good.
 *
 * A lease on "a/b" covers "a/b" and everything below it; it overlaps a request for "a/b",
 * "a/b/c" or "a" (an ancestor), never "a/bc". The top folder "" is never leased.
 */

export const FOLDER_LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/** Any constant: the key of the advisory lock that serialises claims (pg_advisory_xact_lock). */
const CLAIM_LOCK_KEY = 7_404_771_902;

/** The error codes this module answers with (for the API's error-code registry). */
export const FOLDER_LEASE_ERROR_CODES = ['folder_busy'] as const;

/** 409 `folder_busy`: another folder operation holds `path` (or a folder above or below it). */
export const folderBusyError = (path: string) =>
  conflictError('folder_busy', `Another operation is changing the folder "${path}"; try again when it has finished.`, {
    path,
  });

/** A held lease: `extend` adds folders (409 `folder_busy` if taken; the rest stays held), `release` ends it. */
export type FolderLease = {
  holder: string;
  extend: (paths: string[]) => Promise<void>;
  release: () => Promise<void>;
};

const OVERLAP = `(l.path = p.path OR starts_with(l.path, p.path || '/') OR starts_with(p.path, l.path || '/'))`;

/** Inserts rows for `paths` under `holder`, or returns the first requested path another holder's live lease overlaps. */
const insertUnlessBusy = async (holder: string, operation: string, paths: string[]): Promise<string | null> => {
  const client = await getPool()
    .connect()
    .catch((error: unknown) => {
      throw asDatabaseUnavailable(error) ?? error;
    });
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
      [paths, holder, operation, FOLDER_LEASE_MS / 1000],
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
 */
export const claimFolders = async (paths: string[], operation: string): Promise<FolderLease> => {
  const holder = randomUUID();
  const wanted = [...new Set(paths.filter((path) => path !== ''))];
  const busy = await insertUnlessBusy(holder, operation, wanted);
  if (busy !== null) throw folderBusyError(busy);

  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing
      .then(() =>
        sql(`UPDATE "FolderLease" SET "expiresAt" = now() + make_interval(secs => $2) WHERE holder = $1::uuid`, [
          holder,
          FOLDER_LEASE_MS / 1000,
        ]),
      )
      .catch(() => undefined);
  }, RENEW_EVERY_MS);
  timer.unref();

  return {
    holder,
    extend: async (more) => {
      const added = more.filter((path) => path !== '' && !wanted.includes(path));
      if (added.length === 0) return;
      const taken = await insertUnlessBusy(holder, operation, added);
      if (taken !== null) throw folderBusyError(taken);
      wanted.push(...added);
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
    await lease.release();
  }
};

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
