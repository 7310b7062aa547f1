'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { FileIcon, FolderIcon } from '@/components/file-icon';
import styles from '@/components/files.module.css';
import { postFiles } from '@/components/files-request';
import { formatBytes } from '@/lib/format';
import { visibleName } from '@/lib/names';

export type TrashRowData = {
  kind: 'document' | 'folder';
  id: string;
  name: string;
  folder: string;
  documents: number;
  size: number;
  deletedAt: string;
  deletedBy: string | null;
};

type Props = { entries: TrashRowData[]; canRestore: boolean; isAdmin: boolean };
type Notice = { kind: 'status' | 'alert'; text: string; conflict?: { suggestion?: string } };

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const extensionOf = (name: string) => (name.lastIndexOf('.') > 0 ? name.slice(name.lastIndexOf('.') + 1) : '');
const place = (folder: string) => (folder === '' ? 'Documents' : folder);

/** One trash entry: restore (with a choice when the name is taken) and, for admins, delete forever. */
const TrashRow = ({ entry, canRestore, isAdmin }: { entry: TrashRowData; canRestore: boolean; isAdmin: boolean }) => {
  const router = useRouter();
  const [isBusy, setIsBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const label = visibleName(entry.name);

  const restore = async (onConflict: 'fail' | 'rename' | 'merge') => {
    setIsBusy(true);
    setNotice(null);
    const result = await postFiles<{ folder: string; name: string }>(`/api/trash/${entry.id}/restore`, { onConflict });
    setIsBusy(false);
    if (result.ok) {
      setNotice({ kind: 'status', text: `Restored to ${place(result.data.folder)}.` });
      router.refresh();

      return;
    }
    setNotice({
      kind: 'alert',
      text: result.message,
      conflict: result.code === 'name_conflict' ? { suggestion: result.suggestion } : undefined,
    });
  };

  const purge = async () => {
    const what =
      entry.kind === 'folder' ? `the folder "${label}" and its ${entry.documents} document(s)` : `"${label}"`;
    if (!window.confirm(`Delete ${what} forever? This cannot be undone.`)) return;
    setIsBusy(true);
    const result = await postFiles(`/api/trash/${entry.id}/purge`);
    setIsBusy(false);
    if (result.ok) router.refresh();
    else setNotice({ kind: 'alert', text: result.message });
  };

  return (
    <tr data-testid="trash-row" data-kind={entry.kind} data-name={entry.name}>
      <td data-label="Name">
        <span className={styles.name}>
          {entry.kind === 'folder' ? <FolderIcon /> : <FileIcon extension={extensionOf(entry.name)} />}
          {label}
          {entry.kind === 'folder' ? (
            <span className="muted">
              {' '}
              (folder, {entry.documents} document{entry.documents === 1 ? '' : 's'})
            </span>
          ) : null}
        </span>
      </td>
      <td data-label="Was in">{visibleName(place(entry.folder))}</td>
      <td data-label="Size">{formatBytes(entry.size)}</td>
      <td data-label="Deleted by">{entry.deletedBy ?? <span className="muted">an editor or the CLI</span>}</td>
      <td data-label="Deleted" className={styles.nowrap}>
        <time dateTime={entry.deletedAt}>{dateFormat.format(new Date(entry.deletedAt))} UTC</time>
      </td>
      {canRestore || isAdmin ? (
        <td data-label="Actions">
          <div className={styles.actions}>
            {canRestore ? (
              <button type="button" className={styles.secondary} disabled={isBusy} onClick={() => void restore('fail')}>
                Restore
              </button>
            ) : null}
            {isAdmin ? (
              <button type="button" className={styles.danger} disabled={isBusy} onClick={() => void purge()}>
                Delete forever
              </button>
            ) : null}
          </div>
          {notice ? (
            <div role={notice.kind} className={`${styles.message} ${notice.kind === 'alert' ? 'error' : 'muted'}`}>
              {notice.text}
              {notice.conflict ? (
                <div className={styles.choice}>
                  <button type="button" disabled={isBusy} onClick={() => void restore('rename')}>
                    {notice.conflict.suggestion
                      ? `Restore as “${notice.conflict.suggestion}”`
                      : 'Restore under a free name'}
                  </button>
                  {entry.kind === 'folder' ? (
                    <button
                      type="button"
                      className={styles.secondary}
                      disabled={isBusy}
                      onClick={() => void restore('merge')}
                    >
                      Merge into the existing folder
                    </button>
                  ) : null}
                  <button type="button" className={styles.secondary} onClick={() => setNotice(null)}>
                    Cancel
                  </button>
                </div>
              ) : null}
            </div>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
};

/** The trash: every deleted document and deleted folder (one entry each), newest first. */
export const TrashTable = ({ entries, canRestore, isAdmin }: Props) => {
  const router = useRouter();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const empty = async () => {
    if (!window.confirm(`Delete everything in the trash forever (${entries.length} entries)? This cannot be undone.`))
      return;
    setIsBusy(true);
    setError(null);
    const result = await postFiles('/api/trash/empty');
    setIsBusy(false);
    if (result.ok) router.refresh();
    else setError(result.message);
  };

  return (
    <section className={styles.section} aria-labelledby="trash-list-title">
      <div className={styles.bar}>
        <h2 id="trash-list-title">
          {entries.length === 0
            ? 'The trash is empty'
            : `${entries.length} deleted item${entries.length === 1 ? '' : 's'}`}
        </h2>
        {isAdmin && entries.length > 0 ? (
          <button type="button" className={styles.danger} disabled={isBusy} onClick={() => void empty()}>
            Empty trash
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {entries.length > 0 ? (
        <table className={styles.table} data-testid="trash-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Was in</th>
              <th scope="col">Size</th>
              <th scope="col">Deleted by</th>
              <th scope="col">Deleted</th>
              {canRestore || isAdmin ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <TrashRow key={entry.id} entry={entry} canRestore={canRestore} isAdmin={isAdmin} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
