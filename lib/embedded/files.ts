import { randomBytes } from 'node:crypto';
import { link, rename, rm, writeFile } from 'node:fs/promises';

/** A name beside `file` no other writer (process or call) uses. */
const temporaryBeside = (file: string) => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

/**
 * Writes `text` to `file` (mode 600) whole, under a temporary name beside it, then hands the
 * finished file to `place`; the temporary name is gone either way. Throws what `place` or the
 * file system throws.
 */
const viaTemporary = async (file: string, text: string, place: (temporary: string) => Promise<void>) => {
  const temporary = temporaryBeside(file);
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await place(temporary);
  } finally {
    await rm(temporary, { force: true });
  }
};

/**
 * Creates `file` with `text` unless it exists: true when this call created it, false when it was
 * there (then untouched). A reader never sees it empty or half written, and of writers racing
 * for it exactly one wins (link() fails when the name exists).
 */
export const createWhole = async (file: string, text: string): Promise<boolean> => {
  try {
    await viaTemporary(file, text, (temporary) => link(temporary, file));

    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
};

/** Replaces `file` with `text` atomically (rename): a reader sees the old file or the new one. */
export const replaceWhole = (file: string, text: string) =>
  viaTemporary(file, text, (temporary) => rename(temporary, file));
