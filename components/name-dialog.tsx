'use client';

import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import styles from '@/components/files.module.css';
import { ModalDialog } from '@/components/modal-dialog';

type Props = {
  title: string;
  label: string;
  initial: string;
  submitLabel: string;
  /** Returns an error to show, or null when done (the dialog then closes). */
  onSubmit: (name: string) => Promise<string | null>;
  onClose: () => void;
};

/** Asks for one name (rename, new folder); the server's refusal is shown inline, the dialog stays. */
export const NameDialog = ({ title, label, initial, submitLabel, onSubmit, onClose }: Props) => {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const t = useTranslations('files');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    const problem = await onSubmit(name);
    setIsBusy(false);
    if (problem) setError(problem);
    else onClose();
  };

  // Select the base name (not the extension), as file managers do.
  const selectBase = (input: HTMLInputElement | null) => {
    if (!input || input.dataset.selected) return;
    input.dataset.selected = '1';
    const dot = initial.lastIndexOf('.');
    input.focus();
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  };

  return (
    <ModalDialog title={title} onClose={onClose} testId="name-dialog">
      <form className={styles.dialogForm} onSubmit={(event) => void submit(event)}>
        <label>
          {label}
          <input
            ref={selectBase}
            type="text"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'name-dialog-error' : undefined}
            required
          />
        </label>
        {error ? (
          <p id="name-dialog-error" role="alert" className="error">
            {error}
          </p>
        ) : null}
        <div className={styles.dialogButtons}>
          <button type="button" className={styles.secondary} onClick={onClose}>
            {t('cancel')}
          </button>
          <button type="submit" disabled={isBusy || name.trim() === ''}>
            {submitLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
};
