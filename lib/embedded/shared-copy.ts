import { randomBytes } from 'node:crypto';
import { chmod, cp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Gives every directory and executable mode 755 and every other file 644 (symlinks untouched). */
const openUp = async (dir: string): Promise<void> => {
  await chmod(dir, 0o755);
  for (const item of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) await openUp(full);
    else if (item.isFile()) await chmod(full, (await stat(full)).mode & 0o111 ? 0o755 : 0o644);
  }
};

const MARKER = '.copied-from';
const isCompleteCopy = async (dir: string) =>
  (
    await Promise.all(
      [MARKER, 'bin/initdb', 'bin/postgres'].map((f) =>
        stat(path.join(dir, f)).then(
          () => true,
          () => false,
        ),
      ),
    )
  ).every(Boolean);

/**
 * Copies `sourceDir` to `base/name` once, readable by everyone: into a temporary sibling first,
 * then renamed into place, so neither a concurrent start nor an interrupted copy leaves a
 * half-copied folder in use. Reuses an existing complete copy.
 */
export const ensureSharedCopy = async ({
  sourceDir,
  base,
  name,
}: {
  sourceDir: string;
  base: string;
  name: string;
}) => {
  const dest = path.join(base, name);
  if (await isCompleteCopy(dest)) return { dir: dest, isNew: false };
  const temp = path.join(base, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await cp(sourceDir, temp, { recursive: true, verbatimSymlinks: true });
    await writeFile(path.join(temp, MARKER), `${sourceDir}\n`);
    await openUp(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(temp, dest);
  } catch (error) {
    if (await isCompleteCopy(dest)) {
      // Another process finished the same copy first.
      await rm(temp, { recursive: true, force: true });

      return { dir: dest, isNew: false };
    }
    if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw error;
    // An incomplete copy is in the way (e.g. a tmp cleaner removed files): move it aside first.
    await rename(dest, `${temp}.stale`);
    await rename(temp, dest);
    await rm(`${temp}.stale`, { recursive: true, force: true });
  }

  return { dir: dest, isNew: true };
};
