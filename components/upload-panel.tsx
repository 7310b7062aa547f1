'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useRef, useState, type DragEvent } from 'react';
import styles from '@/components/upload-panel.module.css';
import { UploadRow } from '@/components/upload-row';
import { useUploadQueue } from '@/components/use-upload-queue';
import { formatBytes } from '@/lib/format';
import { filesFromDrop, filesFromList } from '@/lib/upload/collect-files';

type Props = { folder: string; maxBytes: number };

// React does not know the folder picker's attribute; browsers (Chromium, Firefox, Safari) all read it.
const FOLDER_PICKER = { webkitdirectory: '', directory: '' } as Record<string, string>;

/**
 * Admin upload: drop files or whole folders, or choose them with buttons (reachable and operable
 * by keyboard); each file streams with its own progress bar. Conflicts can be answered one by one
 * or for all at once; finished rows can be cleared.
 */
export const UploadPanel = ({ folder, maxBytes }: Props) => {
  const queue = useUploadQueue({ folder, maxBytes });
  const [isDragging, setIsDragging] = useState(false);
  const t = useTranslations('upload');
  const locale = useLocale();
  const filePicker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setIsDragging(false);
    void filesFromDrop(event.dataTransfer).then(queue.add);
  };
  const onPicked = (input: HTMLInputElement) => {
    queue.add(filesFromList(input.files));
    input.value = '';
  };

  return (
    <section className="upload" aria-labelledby="upload-title">
      <h2 id="upload-title" className="visually-hidden">
        {t('title')}
      </h2>
      <div
        className={`dropzone${isDragging ? ' dragging' : ''}`}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setIsDragging(true);
        }}
        onDragLeave={() => setIsDragging(false)}
        onDrop={onDrop}
      >
        <p className={styles.line}>
          <span>
            {t.rich('dropHere', { folder: folder || t('topFolder'), strong: (chunks) => <strong>{chunks}</strong> })}
          </span>
          <button type="button" className={styles.pick} onClick={() => filePicker.current?.click()}>
            {t('chooseFiles')}
          </button>
          <button type="button" className={styles.pick} onClick={() => folderPicker.current?.click()}>
            {t('chooseFolder')}
          </button>
          <span className="muted">{t('upTo', { size: formatBytes(maxBytes, locale) })}</span>
        </p>
        <input
          ref={filePicker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          data-testid="upload-input"
          onChange={(event) => onPicked(event.currentTarget)}
        />
        <input
          ref={folderPicker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          data-testid="upload-folder-input"
          {...FOLDER_PICKER}
          onChange={(event) => onPicked(event.currentTarget)}
        />
      </div>
      {queue.conflictCount > 1 || queue.finishedCount > 0 ? (
        <div className={styles.bulk} data-testid="upload-bulk">
          {queue.conflictCount > 1 ? (
            <span className={styles.group} role="group" aria-label={t('applyToAllLabel')}>
              <span>{t('conflicts', { count: queue.conflictCount })}</span>
              <button type="button" onClick={() => queue.resolveAll('replace')}>
                {t('replaceAll')}
              </button>
              <button type="button" onClick={() => queue.resolveAll('rename')}>
                {t('keepBothAll')}
              </button>
              <button type="button" className="link-button" onClick={() => queue.resolveAll('skip')}>
                {t('skipAll')}
              </button>
            </span>
          ) : null}
          {queue.finishedCount > 0 ? (
            <button type="button" className="link-button" onClick={queue.clearFinished}>
              {t('clearFinished', { count: queue.finishedCount })}
            </button>
          ) : null}
        </div>
      ) : null}
      {queue.items.length > 0 ? (
        <ul className="upload-list" aria-label={t('uploads')}>
          {queue.items.map((item) => (
            <UploadRow
              key={item.id}
              item={item}
              onCancel={() => queue.cancel(item.id)}
              onResolve={(mode) => queue.resolve(item, mode)}
              onDismiss={() => queue.remove(item.id)}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
};
