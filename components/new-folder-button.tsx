'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import styles from '@/components/files.module.css';
import { postFiles } from '@/components/files-request';
import { NameDialog } from '@/components/name-dialog';

/** "New folder" in the current folder (admins and editors): asks for a name, refusals shown in the dialog. */
export const NewFolderButton = ({ folder }: { folder: string }) => {
  const router = useRouter();
  const [isOpen, setIsOpen] = useState(false);

  return (
    <>
      <button type="button" className={styles.secondary} onClick={() => setIsOpen(true)}>
        New folder
      </button>
      {isOpen ? (
        <NameDialog
          title="New folder"
          label="Folder name"
          initial=""
          submitLabel="Create"
          onClose={() => setIsOpen(false)}
          onSubmit={async (name) => {
            const result = await postFiles('/api/folders', { parent: folder, name });
            if (result.ok) {
              router.refresh();

              return null;
            }

            return result.suggestion ? `${result.message} “${result.suggestion}” is free.` : result.message;
          }}
        />
      ) : null}
    </>
  );
};
