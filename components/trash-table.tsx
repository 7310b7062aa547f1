'use client';

import { useRouter } from 'next/navigation';
import { useFormatter, useLocale, useTranslations } from 'next-intl';
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

const extensionOf = (name: string) => (name.lastIndexOf('.') > 0 ? name.slice(name.lastIndexOf('.') + 1) : '');

/** One trash entry: restore (with a choice when the name is taken) and, for admins, delete forever. */
const TrashRow = ({ entry, canRestore, isAdmin }: { entry: TrashRowData; canRestore: boolean; isAdmin: boolean }) => {
  const router = useRouter();
  const [isBusy, setIsBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const t = useTranslations('trash');
  const files = useTranslations('files');
  const format = useFormatter();
  const locale = useLocale();
  const label = visibleName(entry.name);
  const place = (folder: string) => (folder === '' ? t('topFolder') : folder);

  const restore = async (onConflict: 'fail' | 'rename' | 'merge') => {
    setIsBusy(true);
    setNotice(null);
    const result = await postFiles<{ folder: string; name: string }>(`/api/trash/${entry.id}/restore`, { onConflict });
    setIsBusy(false);
    if (result.ok) {
      setNotice({ kind: 'status', text: t('restoredTo', { folder: visibleName(place(result.data.folder)) }) });
      router.refresh();

      return;
    }
    setNotice({
      kind: 'alert',
      text: result.message || files('requestFailed'),
      conflict: result.code === 'name_conflict' ? { suggestion: result.suggestion } : undefined,
    });
  };

  const purge = async () => {
    const question =
      entry.kind === 'folder'
        ? t('confirmPurgeFolder', { name: label, count: entry.documents })
        : t('confirmPurge', { name: label });
    if (!window.confirm(question)) return;
    setIsBusy(true);
    const result = await postFiles(`/api/trash/${entry.id}/purge`);
    setIsBusy(false);
    if (result.ok) router.refresh();
    else setNotice({ kind: 'alert', text: result.message || files('requestFailed') });
  };

  return (
    <tr data-testid="trash-row" data-kind={entry.kind} data-name={entry.name}>
      <td data-label={t('name')}>
        <span className={styles.name}>
          {entry.kind === 'folder' ? <FolderIcon /> : <FileIcon extension={extensionOf(entry.name)} />}
          {label}
          {entry.kind === 'folder' ? <span className="muted"> {t('folderOf', { count: entry.documents })}</span> : null}
        </span>
      </td>
      <td data-label={t('wasIn')}>{visibleName(place(entry.folder))}</td>
      <td data-label={t('size')}>{formatBytes(entry.size, locale)}</td>
      <td data-label={t('deletedBy')}>{entry.deletedBy ?? <span className="muted">{t('unknownDeleter')}</span>}</td>
      <td data-label={t('deleted')} className={styles.nowrap}>
        <time dateTime={entry.deletedAt}>
          {format.dateTime(new Date(entry.deletedAt), { dateStyle: 'medium', timeStyle: 'short' })}
        </time>
      </td>
      {canRestore || isAdmin ? (
        <td data-label={t('actions')}>
          <div className={styles.actions}>
            {canRestore ? (
              <button type="button" className={styles.secondary} disabled={isBusy} onClick={() => void restore('fail')}>
                {t('restore')}
              </button>
            ) : null}
            {isAdmin ? (
              <button type="button" className={styles.danger} disabled={isBusy} onClick={() => void purge()}>
                {t('deleteForever')}
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
                      ? t('restoreAs', { name: notice.conflict.suggestion })
                      : t('restoreFree')}
                  </button>
                  {entry.kind === 'folder' ? (
                    <button
                      type="button"
                      className={styles.secondary}
                      disabled={isBusy}
                      onClick={() => void restore('merge')}
                    >
                      {t('merge')}
                    </button>
                  ) : null}
                  <button type="button" className={styles.secondary} onClick={() => setNotice(null)}>
                    {t('cancel')}
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
  const t = useTranslations('trash');
  const files = useTranslations('files');

  const empty = async () => {
    if (!window.confirm(t('confirmEmpty', { count: entries.length }))) return;
    setIsBusy(true);
    setError(null);
    const result = await postFiles('/api/trash/empty');
    setIsBusy(false);
    if (result.ok) router.refresh();
    else setError(result.message || files('requestFailed'));
  };

  return (
    <section className={styles.section} aria-labelledby="trash-list-title">
      <div className={styles.bar}>
        <h2 id="trash-list-title">{entries.length === 0 ? t('empty') : t('count', { count: entries.length })}</h2>
        {isAdmin && entries.length > 0 ? (
          <button type="button" className={styles.danger} disabled={isBusy} onClick={() => void empty()}>
            {t('emptyTrash')}
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
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('wasIn')}</th>
              <th scope="col">{t('size')}</th>
              <th scope="col">{t('deletedBy')}</th>
              <th scope="col">{t('deleted')}</th>
              {canRestore || isAdmin ? (
                <th scope="col">
                  <span className="visually-hidden">{t('actions')}</span>
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
