'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { FolderIcon } from '@/components/file-icon';
import styles from '@/components/files.module.css';
import { ModalDialog } from '@/components/modal-dialog';
import { visibleName } from '@/lib/names';

type Props = {
  title: string;
  /** "Move here", "Copy here". */
  submitLabel: string;
  /** Where browsing starts (the list's folder). */
  start: string;
  /** Returns an error to show, or null when done (the dialog then closes). */
  onPick: (folder: string) => Promise<string | null>;
  onClose: () => void;
};

type Listing = { folders: { path: string; name: string }[] };
type Loaded = Listing & { of: string };

const parentOf = (folder: string) => (folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '');

/** Browse folders (GET /api/folders?parent=) and pick one as the destination of a move or copy. */
export const FolderPickerDialog = ({ title, submitLabel, start, onPick, onClose }: Props) => {
  const [folder, setFolder] = useState(start);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  // The listing shown belongs to the folder now browsed; a stale one counts as loading.
  const listing = loaded?.of === folder ? loaded : null;
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const t = useTranslations('files');

  useEffect(() => {
    let isCurrent = true;
    void fetch(`/api/folders?parent=${encodeURIComponent(folder)}`)
      .then(async (response) => (response.ok ? ((await response.json()) as Listing) : { folders: [] }))
      .catch(() => ({ folders: [] }))
      .then((data) => {
        if (isCurrent) setLoaded({ ...data, of: folder });
      });

    return () => {
      isCurrent = false;
    };
  }, [folder]);

  const pick = async () => {
    setIsBusy(true);
    setError(null);
    const problem = await onPick(folder);
    setIsBusy(false);
    if (problem) setError(problem);
    else onClose();
  };

  return (
    <ModalDialog title={title} onClose={onClose} testId="folder-picker">
      <div className={styles.dialogForm}>
        <p className={styles.pickerPath} aria-live="polite">
          {t('in')} <strong data-testid="picker-folder">{folder === '' ? t('topFolder') : visibleName(folder)}</strong>
        </p>
        {folder !== '' ? (
          <button type="button" className={styles.secondary} onClick={() => setFolder(parentOf(folder))}>
            {t('upTo', { folder: parentOf(folder) === '' ? t('topFolder') : visibleName(parentOf(folder)) })}
          </button>
        ) : null}
        {listing === null ? (
          <p className="muted">{t('loadingFolders')}</p>
        ) : listing.folders.length === 0 ? (
          <p className="muted">{t('noFolders')}</p>
        ) : (
          <ul className={styles.pickerList} aria-label={t('folders')}>
            {listing.folders.map((entry) => (
              <li key={entry.path}>
                <button type="button" onClick={() => setFolder(entry.path)}>
                  <FolderIcon />
                  {visibleName(entry.name)}
                </button>
              </li>
            ))}
          </ul>
        )}
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className={styles.dialogButtons}>
          <button type="button" className={styles.secondary} onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="button" disabled={isBusy} onClick={() => void pick()}>
            {submitLabel}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
};
