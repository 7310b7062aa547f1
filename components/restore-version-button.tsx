'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useApiPost } from '@/components/use-api-post';
import styles from './version-history.module.css';

type Props = { documentId: string; version: number; documentName: string };

/**
 * Restores a version as a new current version (after the browser's confirmation), then shows the
 * history again; the server's refusal (open in an editor, no permission) is shown as it says it.
 */
export const RestoreVersionButton = ({ documentId, version, documentName }: Props) => {
  const router = useRouter();
  const { post, isBusy } = useApiPost();
  const t = useTranslations('history');
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);

  const restore = async () => {
    if (!window.confirm(t('confirmRestore', { version, name: documentName }))) return;
    setMessage(null);
    const result = await post<{ version: number }>(`/api/documents/${documentId}/versions/${version}/restore`);
    if (!result.ok) return setMessage({ isError: true, text: result.message });
    setMessage({ isError: false, text: t('restoredAs', { version: result.data.version }) });
    router.refresh();
  };

  return (
    <>
      <button
        type="button"
        className={styles.restoreButton}
        onClick={() => void restore()}
        disabled={isBusy}
        aria-label={t('restoreVersion', { version })}
        data-testid="restore-version"
      >
        {isBusy ? t('restoring') : t('restore')}
      </button>
      {message ? (
        <span role={message.isError ? 'alert' : 'status'} className={message.isError ? 'error' : 'muted'}>
          {message.text}
        </span>
      ) : null}
    </>
  );
};
