import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canEnter,
  firstBlocked,
  isRootOnlyWritable,
  planPostgresAccess,
  type PathEntry,
} from '@/lib/embedded/postgres-access';
import { ensureSharedCopy } from '@/lib/embedded/shared-copy';

const POSTGRES = { uid: 101, gids: [104, 103] };
const NOT_YET_CREATED = { uid: -1, gids: [] };
const dir = (p: string, mode: number, uid = 0, gid = 0): PathEntry => ({ path: p, mode: 0o040000 | mode, uid, gid });

/** A project cloned as root into a fresh mode-700 directory. */
const CLONE_CHAIN = [dir('/', 0o755), dir('/tmp', 0o1777), dir('/tmp/tmp.abc', 0o700), dir('/tmp/tmp.abc/p', 0o755)];
const OPEN_CHAIN = [dir('/', 0o755), dir('/tmp', 0o1777), dir('/tmp/wopi-it-x', 0o755)];

describe('canEnter / firstBlocked: search permission from mode bits', () => {
  it('owner bits for the owner, group bits for a member, other bits for everyone else', () => {
    expect(canEnter(dir('/d', 0o700, 101), POSTGRES)).toBe(true);
    expect(canEnter(dir('/d', 0o070, 101), POSTGRES)).toBe(false); // the owner gets owner bits only
    expect(canEnter(dir('/d', 0o710, 0, 103), POSTGRES)).toBe(true); // supplementary group
    expect(canEnter(dir('/d', 0o701, 0, 103), POSTGRES)).toBe(false);
    expect(canEnter(dir('/d', 0o701), POSTGRES)).toBe(true);
    expect(canEnter(dir('/d', 0o755), NOT_YET_CREATED)).toBe(true);
    expect(canEnter(dir('/d', 0o750), NOT_YET_CREATED)).toBe(false);
  });

  it('names the first directory that blocks, outermost first', () => {
    expect(firstBlocked(CLONE_CHAIN, POSTGRES)?.path).toBe('/tmp/tmp.abc');
    expect(firstBlocked(OPEN_CHAIN, POSTGRES)).toBeUndefined();
  });

  it('a shared base is used only when root owns it and nobody else can write it', () => {
    expect(isRootOnlyWritable(dir('/var/lib/wopi-portal', 0o755))).toBe(true);
    expect(isRootOnlyWritable(dir('/tmp/wopi-portal', 0o777))).toBe(false);
    expect(isRootOnlyWritable(dir('/tmp/wopi-portal', 0o755, 1000))).toBe(false);
  });
});

describe('planPostgresAccess', () => {
  const blocked = firstBlocked(CLONE_CHAIN, POSTGRES);
  const clusterDir = '/tmp/tmp.abc/p/.data/postgres';

  it('not root → nothing to do, whatever the modes', () => {
    expect(
      planPostgresAccess({
        isRoot: false,
        binariesBlockedBy: blocked,
        clusterBlockedBy: blocked,
        clusterDir,
        clusterState: 'initialised',
      }),
    ).toEqual({ binaries: 'in-place', cluster: { kind: 'in-place' } });
  });

  it('root, everything reachable (integration setup: DATA_DIR in tmpdir, mode 755) → in place', () => {
    expect(planPostgresAccess({ isRoot: true, clusterDir, clusterState: 'missing' })).toEqual({
      binaries: 'in-place',
      cluster: { kind: 'in-place' },
    });
  });

  it('root, clone in a mode-700 dir, temp DATA_DIR → copy the binaries, cluster in place', () => {
    expect(
      planPostgresAccess({
        isRoot: true,
        binariesBlockedBy: blocked,
        clusterDir: '/tmp/wopi-it-x/postgres',
        clusterState: 'missing',
      }),
    ).toEqual({ binaries: 'copy', cluster: { kind: 'in-place' } });
  });

  it.each(['missing', 'empty'] as const)(
    'root, default DATA_DIR inside the clone, cluster %s → copy and relocate',
    (state) => {
      expect(
        planPostgresAccess({
          isRoot: true,
          binariesBlockedBy: blocked,
          clusterBlockedBy: blocked,
          clusterDir,
          clusterState: state,
        }),
      ).toEqual({ binaries: 'copy', cluster: { kind: 'relocate' } });
    },
  );

  it.each(['initialised', 'other'] as const)(
    'root, an existing %s cluster directory out of reach → one sentence saying what to change',
    (state) => {
      const plan = planPostgresAccess({
        isRoot: true,
        binariesBlockedBy: blocked,
        clusterBlockedBy: blocked,
        clusterDir,
        clusterState: state,
      });
      expect(plan.cluster.kind).toBe('refuse');
      const message = plan.cluster.kind === 'refuse' ? plan.cluster.message : '';
      expect(message).toContain('cannot enter /tmp/tmp.abc (mode 700)');
      expect(message).toContain('`chmod o+x /tmp/tmp.abc`');
      expect(message).toContain('set DATA_DIR');
      expect(message.split(/[.:]\s+[A-Z]/)).toHaveLength(1);
      expect(message).not.toContain('\n');
    },
  );
});

describe('ensureSharedCopy', () => {
  const roots: string[] = [];
  afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

  const fakeNative = async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pg-access-'));
    roots.push(root);
    const source = path.join(root, 'native');
    await mkdir(path.join(source, 'bin'), { recursive: true, mode: 0o700 });
    await mkdir(path.join(source, 'lib'), { mode: 0o700 });
    await writeFile(path.join(source, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o700 });
    await writeFile(path.join(source, 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o700 });
    await writeFile(path.join(source, 'lib', 'libpq.so.5.17'), 'lib', { mode: 0o600 });
    await symlink('libpq.so.5.17', path.join(source, 'lib', 'libpq.so.5'));
    const base = path.join(root, 'base');
    await mkdir(base);

    return { source, base };
  };

  it('copies once, opens modes to 755/644, keeps relative symlinks, and reuses the copy', async () => {
    const { source, base } = await fakeNative();
    const first = await ensureSharedCopy({ sourceDir: source, base, name: 'embedded-postgres-1' });
    expect(first).toEqual({ dir: path.join(base, 'embedded-postgres-1'), isNew: true });
    const mode = async (p: string) => (await stat(path.join(first.dir, p))).mode & 0o777;
    expect(await mode('.')).toBe(0o755);
    expect(await mode('bin')).toBe(0o755);
    expect(await mode('bin/postgres')).toBe(0o755);
    expect(await mode('lib/libpq.so.5.17')).toBe(0o644);
    expect((await lstat(path.join(first.dir, 'lib', 'libpq.so.5'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(first.dir, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.17');

    const again = await ensureSharedCopy({ sourceDir: source, base, name: 'embedded-postgres-1' });
    expect(again).toEqual({ dir: first.dir, isNew: false });
  });

  it('replaces an incomplete copy (e.g. a tmp cleaner removed files) and leaves no temp folder behind', async () => {
    const { source, base } = await fakeNative();
    await mkdir(path.join(base, 'embedded-postgres-1', 'bin'), { recursive: true });
    const copy = await ensureSharedCopy({ sourceDir: source, base, name: 'embedded-postgres-1' });
    expect(copy.isNew).toBe(true);
    expect(await readFile(path.join(copy.dir, 'bin', 'initdb'), 'utf8')).toBe('#!/bin/sh\n');
    expect(await readdir(base)).toEqual(['embedded-postgres-1']);
  });

  it('concurrent starts agree on one complete copy', async () => {
    const { source, base } = await fakeNative();
    const copies = await Promise.all(
      [1, 2, 3].map(() => ensureSharedCopy({ sourceDir: source, base, name: 'embedded-postgres-1' })),
    );
    expect(new Set(copies.map((c) => c.dir)).size).toBe(1);
    expect(await readdir(base)).toEqual(['embedded-postgres-1']);
  });
});
