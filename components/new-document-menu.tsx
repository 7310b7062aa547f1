'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { NewDocumentKind } from '@/lib/discovery/open-action';

const CHOICES: { kind: NewDocumentKind; label: 'newDocx' | 'newXlsx' | 'newPptx' }[] = [
  { kind: 'docx', label: 'newDocx' },
  { kind: 'xlsx', label: 'newXlsx' },
  { kind: 'pptx', label: 'newPptx' },
];

/** Creates a blank document in the folder and opens it in the editor; offers only `kinds` (those an editor opens). */
export const NewDocumentMenu = ({ folder, kinds }: { folder: string; kinds: readonly NewDocumentKind[] }) => {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const t = useTranslations('files');

  const create = async (kind: string) => {
    setBusy(kind);
    setError(null);
    const response = await fetch('/api/documents/new', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ folder, kind }),
    }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as {
      editUrl?: string;
      error?: { message?: string };
    } | null;
    if (response?.ok && body?.editUrl) {
      window.location.assign(body.editUrl);

      return;
    }
    setBusy(null);
    setError(body?.error?.message ?? t('createFailed'));
  };

  return (
    <div className="new-menu" aria-label={t('newMenu')}>
      {CHOICES.filter((choice) => kinds.includes(choice.kind)).map((choice) => (
        <button
          key={choice.kind}
          type="button"
          disabled={busy !== null}
          onClick={() => void create(choice.kind)}
          data-testid={`new-${choice.kind}`}
        >
          {busy === choice.kind ? t('creating') : t(choice.label)}
        </button>
      ))}
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </div>
  );
};
