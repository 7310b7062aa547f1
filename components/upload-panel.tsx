'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type DragEvent } from 'react';
import { UploadRow, type UploadItem } from '@/components/upload-row';
import { formatBytes } from '@/lib/format';
import { nameProblem } from '@/lib/names';

type Props = { folder: string; maxBytes: number };
type ConflictMode = 'fail' | 'replace' | 'rename';

let nextId = 0;

/** Admin upload: drop or pick several files; each streams with its own progress bar. */
export const UploadPanel = ({ folder, maxBytes }: Props) => {
  const router = useRouter();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [isDragging, setIsDragging] = useState(false);
  const requests = useRef(new Map<number, XMLHttpRequest>());
  const files = useRef(new Map<number, File>());

  const update = (id: number, patch: Partial<UploadItem>) =>
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...patch } : item)));

  const send = (id: number, mode: ConflictMode) => {
    const file = files.current.get(id);
    if (!file) return;
    const query = new URLSearchParams({ folder, name: file.name, onConflict: mode });
    const xhr = new XMLHttpRequest();
    requests.current.set(id, xhr);
    update(id, { status: 'uploading', loaded: 0, message: undefined });
    xhr.upload.onprogress = (event) => update(id, { loaded: event.loaded });
    xhr.onerror = () => update(id, { status: 'error', message: 'The connection failed; nothing was saved.' });
    xhr.onabort = () => update(id, { status: 'cancelled', message: 'Cancelled; nothing was saved.' });
    xhr.onload = () => {
      requests.current.delete(id);
      const body = safeJson(xhr.responseText);
      if (xhr.status === 200 || xhr.status === 201) {
        const saved = body?.document?.name as string | undefined;
        update(id, {
          status: 'done',
          loaded: file.size,
          message:
            saved && saved !== file.name
              ? `Saved as “${saved}”.`
              : xhr.status === 200
                ? 'Replaced; the previous content is kept as a version.'
                : undefined,
        });
        router.refresh();

        return;
      }
      const code = body?.error?.code as string | undefined;
      const message = (body?.error?.message as string | undefined) ?? `Upload failed (HTTP ${xhr.status}).`;
      update(id, { status: code === 'name_conflict' ? 'conflict' : 'error', message });
    };
    xhr.open('POST', `/api/admin/documents?${query.toString()}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.send(file);
  };

  /** Asks about the name first, so a clash costs no upload of the whole file. */
  const preflight = async (id: number, file: File) => {
    const query = new URLSearchParams({ folder, name: file.name });
    const response = await fetch(`/api/admin/documents?${query.toString()}`).catch(() => null);
    const body = response ? safeJson(await response.text()) : null;
    if (response?.ok && body?.exists) {
      update(id, { status: 'conflict', message: `A document named “${file.name}” already exists in this folder.` });

      return;
    }
    if (response && response.status === 400) {
      update(id, {
        status: 'error',
        message: (body?.error?.message as string | undefined) ?? 'The name is not allowed.',
      });

      return;
    }
    send(id, 'fail');
  };

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    for (const file of Array.from(list)) {
      const id = nextId++;
      const problem =
        nameProblem(file.name) ??
        (file.size > maxBytes ? `The file is larger than the limit of ${formatBytes(maxBytes)}.` : null);
      files.current.set(id, file);
      setItems((current) => [
        ...current,
        {
          id,
          name: file.name,
          size: file.size,
          loaded: 0,
          status: problem ? 'error' : 'queued',
          message: problem ?? undefined,
        },
      ]);
      if (!problem) void preflight(id, file);
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setIsDragging(false);
    addFiles(event.dataTransfer.files);
  };

  return (
    <section className="upload" aria-label="Upload documents">
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
        <p>
          Drop files here to upload to <strong>{folder || 'the top folder'}</strong>, or{' '}
          <label className="link-button">
            choose files
            <input
              type="file"
              multiple
              hidden
              data-testid="upload-input"
              onChange={(event) => {
                addFiles(event.currentTarget.files);
                event.currentTarget.value = '';
              }}
            />
          </label>
          . Up to {formatBytes(maxBytes)} each.
        </p>
      </div>
      {items.length > 0 ? (
        <ul className="upload-list">
          {items.map((item) => (
            <UploadRow
              key={item.id}
              item={item}
              onCancel={() => requests.current.get(item.id)?.abort()}
              onResolve={(mode) => send(item.id, mode)}
              onDismiss={() => setItems((current) => current.filter((other) => other.id !== item.id))}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
};

const safeJson = (text: string) => {
  try {
    return JSON.parse(text) as Record<string, Record<string, unknown> | undefined>;
  } catch {
    return null;
  }
};
