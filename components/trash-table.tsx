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

type Props = {
  /** The first page (newest first), as the server rendered it. */
  entries: TrashRowData[];
  /** The cursor after `entries`, null when they are the whole trash. */
  nextCursor: string | null;
  /** Entries in the whole trash. */
  total: number;
  /** Entries per "Load more" (1…200). */
  pageSize: number;
  canRestore: boolean;
  isAdmin: boolean;
};
type Loaded = { entries: TrashRowData[]; nextCursor: string | null };
/** POST /api/trash/empty's answer (lib/documents/trash.ts EmptyTrashReport). */
type Emptied = {
  documents: number;
  folders: number;
  isComplete: boolean;
  left: { id: string; name: string; reason: string }[];
  leftCount: number;
};
type Notice = { kind: 'status' | 'alert'; text: string; conflict?: { suggestion?: string } };
/** What the trash as a whole says after an action: done (status), or done with entries left (alert). */
type Outcome = { isComplete: boolean; text: string };
/** POST /api/trash/:id/restore's answer (a folder's names the documents that stayed in the trash). */
type Restored = { folder: string; name: string; skipped?: { name: string }[]; skippedCount?: number };

const extensionOf = (name: string) => (name.lastIndexOf('.') > 0 ? name.slice(name.lastIndexOf('.') + 1) : '');

/** One trash entry: restore (with a choice when the name is taken) and, for admins, delete forever. */
const TrashRow = ({
  entry,
  canRestore,
  isAdmin,
  onGone,
}: {
  entry: TrashRowData;
  canRestore: boolean;
  isAdmin: boolean;
  onGone: (id: string, outcome?: Outcome) => void;
}) => {
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
    const result = await postFiles<Restored>(`/api/trash/${entry.id}/restore`, { onConflict });
    setIsBusy(false);
    if (result.ok) {
      const folder = visibleName(place(result.data.folder));
      const { skipped = [], skippedCount = 0 } = result.data;
      const names = skipped.map((doc) => t('quotedName', { name: visibleName(doc.name) }));
      if (skippedCount > skipped.length) names.push(t('leftMore', { count: skippedCount - skipped.length }));
      onGone(
        entry.id,
        skippedCount === 0
          ? { isComplete: true, text: t('restoredTo', { folder }) }
          : {
              isComplete: false,
              text: t('restoredSkipped', { folder, count: skippedCount, names: format.list(names) }),
            },
      );

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
    if (result.ok) onGone(entry.id);
    else setNotice({ kind: 'alert', text: result.message || files('requestFailed') });
  };

  return (
    <tr data-testid="trash-row" data-id={entry.id} data-kind={entry.kind} data-name={entry.name}>
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

/**
 * The trash: every deleted document and deleted folder (one entry each), newest first, a page at a
 * time: "Load more" asks GET /api/trash for the entries after the last one shown (a keyset cursor,
 * so deletes meanwhile neither repeat nor skip an entry). Empty trash empties all of it, shown or not.
 * A restore or purge removes its row here and does not re-render the first page from the server:
 * a fresh first page (others deleting meanwhile) would shift under the pages loaded after it and
 * hide the entries between them. The counts are the render's, less what was removed here.
 */
export const TrashTable = ({ entries: firstPage, nextCursor, total, pageSize, canRestore, isAdmin }: Props) => {
  const router = useRouter();
  const [isBusy, setIsBusy] = useState(false);
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [gone, setGone] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const t = useTranslations('trash');
  const files = useTranslations('files');
  const api = useTranslations('api');
  const format = useFormatter();
  const cursor = loaded ? loaded.nextCursor : nextCursor;
  const seen = new Set<string>();
  const listed = [...firstPage, ...(loaded?.entries ?? [])].filter(
    (entry) => !seen.has(entry.id) && Boolean(seen.add(entry.id)),
  );
  const entries = listed.filter((entry) => !gone.has(entry.id));
  // `total` is the server's count when the page was rendered: entries restored or deleted here
  // since (still listed, now gone) are no longer in the trash.
  const remaining = Math.max(entries.length, total - (listed.length - entries.length));
  const onGone = (id: string, said?: Outcome) => {
    setGone((before) => new Set(before).add(id));
    if (said) setOutcome(said);
  };

  const loadMore = async () => {
    if (!cursor) return;
    setIsLoading(true);
    setError(null);
    try {
      const response = await fetch(`/api/trash?cursor=${encodeURIComponent(cursor)}&limit=${pageSize}`);
      const data = (await response.json().catch(() => null)) as Partial<Loaded> & { error?: { message?: string } };
      if (!response.ok || !data?.entries) {
        setError(data?.error?.message || files('requestFailed'));

        return;
      }
      setLoaded({ entries: [...(loaded?.entries ?? []), ...data.entries], nextCursor: data.nextCursor ?? null });
    } catch {
      setError(api('unreachable'));
    } finally {
      setIsLoading(false);
    }
  };

  /** What Empty trash did, in words: how many went and, by name and reason, what it had to leave. */
  const emptiedText = ({ documents, left, leftCount }: Emptied): string => {
    if (leftCount === 0) return t('emptied', { purged: documents });
    const named = left.map((entry) => t('leftEntry', { name: visibleName(entry.name), reason: entry.reason }));
    if (leftCount > left.length) named.push(t('leftMore', { count: leftCount - left.length }));

    return t('emptiedPartly', { purged: documents, left: leftCount, entries: format.list(named) });
  };

  const empty = async () => {
    if (!window.confirm(t('confirmEmpty', { count: remaining }))) return;
    setIsBusy(true);
    setError(null);
    setOutcome(null);
    const result = await postFiles<Emptied>('/api/trash/empty');
    setIsBusy(false);
    if (result.ok) {
      setOutcome({ isComplete: result.data.leftCount === 0, text: emptiedText(result.data) });
      setLoaded(null);
      setGone(new Set());
      router.refresh();
    } else setError(result.message || files('requestFailed'));
  };

  return (
    <section className={styles.section} aria-labelledby="trash-list-title">
      <div className={styles.bar}>
        <h2 id="trash-list-title">{entries.length === 0 ? t('empty') : t('count', { count: remaining })}</h2>
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
      {outcome ? (
        <p
          role={outcome.isComplete ? 'status' : 'alert'}
          className={outcome.isComplete ? 'muted' : 'error'}
          data-testid="trash-outcome"
        >
          {outcome.text}
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
              <TrashRow key={entry.id} entry={entry} canRestore={canRestore} isAdmin={isAdmin} onGone={onGone} />
            ))}
          </tbody>
        </table>
      ) : null}
      {entries.length > 0 ? (
        <p className={styles.bar} data-testid="trash-paging">
          <span className="muted" role="status">
            {t('shown', { shown: entries.length, total: remaining })}
          </span>
          {cursor ? (
            <button type="button" className={styles.secondary} disabled={isLoading} onClick={() => void loadMore()}>
              {isLoading ? t('loading') : t('loadMore')}
            </button>
          ) : null}
        </p>
      ) : null}
    </section>
  );
};
