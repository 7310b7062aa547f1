'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import {
  runOnEach,
  type BatchFailure,
  type ConflictMode,
  type FileItem,
  type OnFolderProgress,
} from '@/components/file-operations';
import type { FilesResult } from '@/components/files-request';
import type { FolderProgress } from '@/components/folder-progress';
import styles from '@/components/files.module.css';
import { visibleName } from '@/lib/names';

type Operation = (item: FileItem, mode: ConflictMode, onProgress: OnFolderProgress) => Promise<FilesResult<unknown>>;
/** What a folder operation's progress line says it is doing. */
export type FileAction = 'move' | 'copy' | 'delete' | 'rename';
type Run = {
  items: FileItem[];
  action: FileAction;
  verb: string;
  operation: Operation;
  onDone?: () => void;
  /** One item only: called once the server has begun (its first progress) or answered success. */
  onStarted?: () => void;
  /** One item only: a refusal before any work goes here instead of the notice (a dialog says it). */
  onRefused?: (result: Extract<FilesResult<unknown>, { ok: false }>) => void;
};

type Notice =
  | { kind: 'busy'; text: string; isMany?: boolean; folder?: FolderProgress & { action: FileAction } }
  | { kind: 'status'; text: string }
  | { kind: 'alert'; text: string; lines: string[]; retry?: { run: Run; item: FileItem } };

/**
 * Runs a file operation on a list of items one after the other, with progress ("Moving 3 of 10…"),
 * then says what happened: done, or each refusal with its reason. When one item's name is taken,
 * it offers the choices the server allows (keep both under a free name; merge, for a folder).
 */
export const useFileRunner = () => {
  const router = useRouter();
  const [notice, setNotice] = useState<Notice | null>(null);
  const t = useTranslations('files');
  const api = useTranslations('api');
  const reasonOf = (failure: BatchFailure) =>
    failure.code === 'partial'
      ? t('skipped', { count: failure.skipped ?? 0, name: visibleName(failure.item.name) })
      : failure.message ||
        (failure.code === 'unreachable'
          ? api('unreachable')
          : failure.code === 'interrupted'
            ? t('interrupted')
            : t('requestFailed'));

  const run = async (job: Run, mode: ConflictMode = 'fail') => {
    const total = job.items.length;
    let done = 0;
    let hasStarted = false;
    const started = () => {
      if (hasStarted) return;
      hasStarted = true;
      job.onStarted?.();
    };
    const showFolder = (progress: FolderProgress) =>
      setNotice({
        kind: 'busy',
        text: t('working', { done, total }),
        isMany: total > 1,
        folder: { ...progress, action: job.action },
      });
    setNotice({ kind: 'busy', text: t('working', { done: 0, total }) });
    let refused: Extract<FilesResult<unknown>, { ok: false }> | null = null;
    // What the server named the item (a "Keep both" copy is saved as "a (1).docx"), for the notice.
    let savedAs: string | null = null;
    const failures = await runOnEach(
      job.items,
      async (item, onFolderProgress) => {
        const result = await job.operation(item, mode, (progress) => {
          started();
          onFolderProgress(progress);
        });
        if (job.onRefused && total === 1 && !result.ok && !hasStarted) refused = result;
        else started();
        if (result.ok) savedAs = savedNameOf(result.data);

        return result;
      },
      (count) => {
        done = count;
        setNotice({ kind: 'busy', text: t('working', { done, total }) });
      },
      (_item, progress) => showFolder(progress),
    );
    if (refused) {
      setNotice(null);
      job.onRefused?.(refused);

      return;
    }
    router.refresh();
    job.onDone?.();
    if (failures.length === 0) {
      setNotice({
        kind: 'status',
        text: t('doneWhat', {
          verb: job.verb,
          what:
            total === 1
              ? t('quoted', { name: visibleName(savedAs ?? job.items[0]!.name) })
              : t('itemCount', { count: total }),
        }),
      });

      return;
    }
    const conflict = failures.length === 1 && failures[0]!.code === 'name_conflict' ? failures[0]! : null;
    setNotice({
      kind: 'alert',
      text:
        failures.length === total
          ? t('nothingChanged')
          : t('partlyDone', { done: total - failures.length, total, refused: failures.length }),
      lines: failures.map((failure) =>
        t('refusedLine', { name: visibleName(failure.item.name), message: reasonOf(failure) }),
      ),
      retry: conflict ? { run: { ...job, items: [conflict.item] }, item: conflict.item } : undefined,
    });
  };

  return { notice, run, retry: run, dismiss: () => setNotice(null) };
};

/** The name an answer gives what it changed: a document's `name`, or the last segment of a folder's `path`. */
const savedNameOf = (data: unknown): string | null => {
  const { name, path } = (data ?? {}) as { name?: unknown; path?: unknown };
  if (typeof name === 'string' && name) return name;

  return typeof path === 'string' && path ? path.slice(path.lastIndexOf('/') + 1) : null;
};

/** Where the runner reports: a live region above the list. */
export const FileNotice = ({
  runner,
  testId = 'file-notice',
}: {
  runner: ReturnType<typeof useFileRunner>;
  testId?: string;
}) => {
  const { notice } = runner;
  const t = useTranslations('files');

  return (
    <div aria-live="polite" className={styles.noticeArea} data-testid={testId}>
      {notice?.kind === 'busy' ? (
        notice.folder ? (
          <div className={styles.folderProgress} data-testid="folder-progress">
            <p className="muted">
              {notice.isMany ? `${notice.text} ` : null}
              {t('folderProgress', notice.folder)}
            </p>
            <progress
              max={Math.max(notice.folder.total, 1)}
              value={notice.folder.done}
              aria-label={t('folderProgress', notice.folder)}
            />
          </div>
        ) : (
          <p className="muted">{notice.text}</p>
        )
      ) : null}
      {notice?.kind === 'status' ? (
        <p role="status" className={styles.noticeOk}>
          {notice.text}{' '}
          <button type="button" className="link-button" onClick={runner.dismiss}>
            {t('dismiss')}
          </button>
        </p>
      ) : null}
      {notice?.kind === 'alert' ? (
        <div role="alert" className={`error ${styles.noticeError}`}>
          <p>{notice.text}</p>
          <ul>
            {notice.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <div className={styles.choice}>
            {notice.retry ? (
              <>
                <button type="button" onClick={() => void runner.retry(notice.retry!.run, 'rename')}>
                  {t('keepBoth')}
                </button>
                {notice.retry.item.kind === 'folder' ? (
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => void runner.retry(notice.retry!.run, 'merge')}
                  >
                    {t('merge')}
                  </button>
                ) : null}
              </>
            ) : null}
            <button type="button" className={styles.secondary} onClick={runner.dismiss}>
              {t('dismiss')}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
};
