'use client';

import { postFiles, type FilesResult } from '@/components/files-request';
import { postFolderOperation, type FolderProgress } from '@/components/folder-progress';

/** Something in the list a file operation applies to: a document (by id) or a folder (by path). */
export type FileItem = { kind: 'document'; id: string; name: string } | { kind: 'folder'; path: string; name: string };

export type ConflictMode = 'fail' | 'rename' | 'merge';

/** A stable key for selection and drag data. */
export const itemKey = (item: FileItem) => (item.kind === 'document' ? `d:${item.id}` : `f:${item.path}`);

/** The MIME type of dragged list rows (JSON array of FileItem). */
export const DRAG_TYPE = 'application/x-wopi-items';

const modeFor = (item: FileItem, onConflict: ConflictMode) =>
  item.kind === 'document' && onConflict === 'merge' ? 'rename' : onConflict;

/** Called while a folder operation runs: `done` of `total` documents (never for a document). */
export type OnFolderProgress = (progress: FolderProgress) => void;

/** Renames one item in place (a document's full name, extension included). */
export const renameItem = (
  item: FileItem,
  name: string,
  onConflict: ConflictMode = 'fail',
  onProgress?: OnFolderProgress,
) =>
  item.kind === 'document'
    ? postFiles(`/api/documents/${item.id}/rename`, { name, onConflict: modeFor(item, onConflict) })
    : postFolderOperation('/api/folders/rename', { path: item.path, name, onConflict }, onProgress);

/** Moves one item into folder `to` ("" is the top). */
export const moveItem = (
  item: FileItem,
  to: string,
  onConflict: ConflictMode = 'fail',
  onProgress?: OnFolderProgress,
) =>
  item.kind === 'document'
    ? postFiles(`/api/documents/${item.id}/move`, { folder: to, onConflict: modeFor(item, onConflict) })
    : postFolderOperation('/api/folders/move', { path: item.path, to, onConflict }, onProgress);

/** Copies one item into folder `to`. */
export const copyItem = (
  item: FileItem,
  to: string,
  onConflict: ConflictMode = 'fail',
  onProgress?: OnFolderProgress,
) =>
  item.kind === 'document'
    ? postFiles(`/api/documents/${item.id}/copy`, { folder: to, onConflict: modeFor(item, onConflict) })
    : postFolderOperation('/api/folders/copy', { path: item.path, to, onConflict }, onProgress);

/** Moves one item to the trash. */
export const deleteItem = (item: FileItem, onProgress?: OnFolderProgress) =>
  item.kind === 'document'
    ? postFiles(`/api/documents/${item.id}/delete`)
    : postFolderOperation('/api/folders/delete', { path: item.path }, onProgress);

/** A refusal: the server's code and message; `partial` (a folder left `skipped` documents in place) has no message. */
export type BatchFailure = { item: FileItem; code: string; message: string; skipped?: number };

/**
 * Runs `operation` on each item in turn (a folder operation is itself long: one at a time keeps
 * the server's work and the messages in order) and collects what was refused, with the reason.
 * A folder answer that left documents in place counts as a failure naming how many.
 */
export const runOnEach = async (
  items: FileItem[],
  operation: (item: FileItem, onFolderProgress: OnFolderProgress) => Promise<FilesResult<unknown>>,
  onProgress?: (done: number) => void,
  onFolderProgress: (item: FileItem, progress: FolderProgress) => void = () => {},
) => {
  const failures: BatchFailure[] = [];
  let done = 0;
  for (const item of items) {
    const result = await operation(item, (progress) => onFolderProgress(item, progress));
    if (!result.ok) failures.push({ item, code: result.code, message: result.message });
    else {
      const skipped = (result.data as { skipped?: unknown[] } | null)?.skipped ?? [];
      if (skipped.length > 0) failures.push({ item, code: 'partial', message: '', skipped: skipped.length });
    }
    onProgress?.(++done);
  }

  return failures;
};
