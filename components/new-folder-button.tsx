'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import styles from '@/components/files.module.css';
import { postFiles } from '@/components/files-request';
import { NameDialog } from '@/components/name-dialog';

/** "New folder" in the current folder (admins and editors): asks for a name, refusals shown in the dialog. */
export const NewFolderButton = ({ folder }: { folder: string }) => {
  const router = useRouter();
  const [isOpen, setIsOpen] = useState(false);
  const t = useTranslations('files');

  return (
    <>
      <button type="button" className={styles.secondary} onClick={() => setIsOpen(true)}>
        {t('newFolder')}
      </button>
      {isOpen ? (
        <NameDialog
          title={t('newFolder')}
          label={t('folderName')}
          initial=""
          submitLabel={t('create')}
          onClose={() => setIsOpen(false)}
          onSubmit={async (name) => {
            const result = await postFiles('/api/folders', { parent: folder, name });
            if (result.ok) {
              router.refresh();

              return null;
            }

            return result.suggestion
              ? t('nameIsFree', { message: result.message, suggestion: result.suggestion })
              : result.message || t('requestFailed');
          }}
        />
      ) : null}
    </>
  );
};
