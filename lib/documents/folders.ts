import { db, type Tx } from '@/lib/db';

/** Every ancestor of `folder`, root first: "a/b" → ["", "a", "a/b"]. */
export const folderChain = (folder: string) => {
  const segments = folder ? folder.split('/') : [];

  return ['', ...segments.map((_, index) => segments.slice(0, index + 1).join('/'))];
};

export const parentOf = (folder: string) =>
  folder === '' ? null : folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';

export const nameOf = (folder: string) => folder.slice(folder.lastIndexOf('/') + 1);

/** Makes sure `folder` and its ancestors exist as rows (idempotent, safe under concurrency). */
export const ensureFolders = async (folder: string, tx: Tx = db) => {
  await tx.folder.createMany({
    data: folderChain(folder).map((path) => ({ path, parent: parentOf(path), name: nameOf(path) })),
    skipDuplicates: true,
  });
};

export type Breadcrumb = { name: string; path: string };

export const breadcrumbs = (folder: string): Breadcrumb[] =>
  folderChain(folder).map((path) => ({ name: path === '' ? 'Documents' : nameOf(path), path }));
