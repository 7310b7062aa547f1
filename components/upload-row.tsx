'use client';

import { useLocale, useTranslations } from 'next-intl';
import { formatBytes } from '@/lib/format';

export type UploadItem = {
  id: number;
  name: string;
  /** Where the file goes: the panel's folder, plus the file's folder inside a dropped or picked folder. */
  folder: string;
  /** The file's folder inside a dropped or picked folder ("" for a plain file). */
  relativeFolder: string;
  size: number;
  loaded: number;
  status: 'queued' | 'uploading' | 'done' | 'error' | 'conflict' | 'cancelled';
  /** A conflict with a document open in an editor: "Replace" is refused until it is closed. */
  isLocked?: boolean;
  message?: string;
};

type Props = {
  item: UploadItem;
  onCancel: () => void;
  onResolve: (mode: 'replace' | 'rename') => void;
  onDismiss: () => void;
};

export const UploadRow = ({ item, onCancel, onResolve, onDismiss }: Props) => {
  const t = useTranslations('upload');
  const locale = useLocale();
  const percent = item.size > 0 ? Math.round((item.loaded / item.size) * 100) : item.status === 'done' ? 100 : 0;
  const isActive = item.status === 'uploading' || item.status === 'queued';
  const label = item.relativeFolder ? `${item.relativeFolder}/${item.name}` : item.name;

  return (
    <li
      className={`upload-item ${item.status}`}
      data-testid="upload-item"
      data-status={item.status}
      data-locked={item.isLocked ? 'true' : undefined}
    >
      <div className="upload-head">
        <span className="upload-name">{label}</span>
        <span className="muted">
          {isActive
            ? t('progressOf', { loaded: formatBytes(item.loaded, locale), size: formatBytes(item.size, locale) })
            : formatBytes(item.size, locale)}
        </span>
      </div>
      <progress max={100} value={percent} aria-label={t('uploadOf', { name: label })} data-testid="upload-progress" />
      <div className="upload-foot">
        <span role={item.status === 'error' ? 'alert' : 'status'} data-testid="upload-message">
          {item.status === 'uploading' ? `${percent}%` : item.status === 'done' ? t('uploaded') : null} {item.message}
        </span>
        {isActive ? (
          <button type="button" className="link-button" onClick={onCancel}>
            {t('cancel')}
          </button>
        ) : null}
        {item.status === 'conflict' ? (
          <span className="actions">
            <button
              type="button"
              onClick={() => onResolve('replace')}
              disabled={item.isLocked}
              title={item.isLocked ? t('lockedHint') : undefined}
            >
              {t('replace')}
            </button>
            <button type="button" onClick={() => onResolve('rename')}>
              {t('keepBoth')}
            </button>
            <button type="button" className="link-button" onClick={onDismiss}>
              {t('skip')}
            </button>
          </span>
        ) : null}
        {item.status === 'done' || item.status === 'error' || item.status === 'cancelled' ? (
          <button type="button" className="link-button" onClick={onDismiss}>
            {t('dismiss')}
          </button>
        ) : null}
      </div>
    </li>
  );
};
