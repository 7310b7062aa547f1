'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import styles from '@/components/files.module.css';

type Props = { title: string; onClose: () => void; children: ReactNode; testId?: string };

/**
 * A modal <dialog> opened on mount: the browser traps focus in it, Escape closes it, and focus
 * returns to what had it before (the menu item or button that opened it).
 */
export const ModalDialog = ({ title, onClose, children, testId }: Props) => {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();

    return () => {
      dialog?.close();
      opener?.focus?.();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby="modal-dialog-title"
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="modal-dialog-title" className={styles.dialogTitle}>
        {title}
      </h2>
      {children}
    </dialog>
  );
};
