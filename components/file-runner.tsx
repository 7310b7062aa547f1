'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { runOnEach, type ConflictMode, type FileItem } from '@/components/file-operations';
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

  const run = async (job: Run, mode: ConflictMode = 'fail') => {
    const total = job.items.length;
    setNotice({ kind: 'busy', text: `Working… 0 of ${total}` });
    const failures = await runOnEach(
      job.items,
      (item) => job.operation(item, mode),
      (done) => setNotice({ kind: 'busy', text: `Working… ${done} of ${total}` }),
    );
    router.refresh();
    job.onDone?.();
    if (failures.length === 0) {
      setNotice({
        kind: 'status',
        text: `${job.verb}: ${total === 1 ? `“${visibleName(job.items[0]!.name)}”` : `${total} items`}.`,
      });

      return;
    }
    const conflict = failures.length === 1 && failures[0]!.code === 'name_conflict' ? failures[0]! : null;
    setNotice({
      kind: 'alert',
      text:
        failures.length === total
          ? 'Nothing was changed.'
          : `${total - failures.length} of ${total} done; ${failures.length} refused.`,
      lines: failures.map((failure) => `“${visibleName(failure.item.name)}”: ${failure.message}`),
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

  return (
    <div aria-live="polite" className={styles.noticeArea} data-testid={testId}>
      {notice?.kind === 'busy' ? <p className="muted">{notice.text}</p> : null}
      {notice?.kind === 'status' ? (
        <p role="status" className={styles.noticeOk}>
          {notice.text}{' '}
          <button type="button" className="link-button" onClick={runner.dismiss}>
            Dismiss
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
                  Keep both (use a free name)
                </button>
                {notice.retry.item.kind === 'folder' ? (
                  <button
                    type="button"
                    className={styles.secondary}
                    onClick={() => void runner.retry(notice.retry!.run, 'merge')}
                  >
                    Merge into the existing folder
                  </button>
                ) : null}
              </>
            ) : null}
            <button type="button" className={styles.secondary} onClick={runner.dismiss}>
              Dismiss
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
};
