'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { runOnEach, type BatchFailure, type ConflictMode, type FileItem } from '@/components/file-operations';
import type { FilesResult } from '@/components/files-request';
import styles from '@/components/files.module.css';
import { visibleName } from '@/lib/names';

type Operation = (item: FileItem, mode: ConflictMode) => Promise<FilesResult<unknown>>;
type Run = { items: FileItem[]; verb: string; operation: Operation; onDone?: () => void };

type Notice =
  | { kind: 'busy'; text: string }
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
      : failure.message || (failure.code === 'unreachable' ? api('unreachable') : t('requestFailed'));

  const run = async (job: Run, mode: ConflictMode = 'fail') => {
    const total = job.items.length;
    setNotice({ kind: 'busy', text: t('working', { done: 0, total }) });
    const failures = await runOnEach(
      job.items,
      (item) => job.operation(item, mode),
      (done) => setNotice({ kind: 'busy', text: t('working', { done, total }) }),
    );
    router.refresh();
    job.onDone?.();
    if (failures.length === 0) {
      setNotice({
        kind: 'status',
        text: t('doneWhat', {
          verb: job.verb,
          what: total === 1 ? t('quoted', { name: visibleName(job.items[0]!.name) }) : t('itemCount', { count: total }),
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
      {notice?.kind === 'busy' ? <p className="muted">{notice.text}</p> : null}
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
