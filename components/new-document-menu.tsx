'use client';

import { useState } from 'react';
import type { NewDocumentKind } from '@/lib/discovery/open-action';

const CHOICES: { kind: NewDocumentKind; label: string }[] = [
  { kind: 'docx', label: 'New document' },
  { kind: 'xlsx', label: 'New spreadsheet' },
  { kind: 'pptx', label: 'New presentation' },
];

/** Creates a blank document in the folder and opens it in the editor; offers only `kinds` (those an editor opens). */
export const NewDocumentMenu = ({ folder, kinds }: { folder: string; kinds: readonly NewDocumentKind[] }) => {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

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
    setError(body?.error?.message ?? 'The document could not be created.');
  };

  return (
    <div className="new-menu" aria-label="New">
      {CHOICES.filter((choice) => kinds.includes(choice.kind)).map((choice) => (
        <button
          key={choice.kind}
          type="button"
          disabled={busy !== null}
          onClick={() => void create(choice.kind)}
          data-testid={`new-${choice.kind}`}
        >
          {busy === choice.kind ? 'Creating…' : choice.label}
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
