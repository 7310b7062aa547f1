'use client';

import { useRouter } from 'next/navigation';
import { useLocale, useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import type { UploadItem } from '@/components/upload-row';
import { formatBytes } from '@/lib/format';
import { nameProblem } from '@/lib/names';
import { joinFolder, type PickedFile } from '@/lib/upload/collect-files';

export type ConflictMode = 'fail' | 'replace' | 'rename';

let nextId = 0;

const safeJson = (text: string) => {
  try {
    return JSON.parse(text) as Record<string, Record<string, unknown> | boolean | undefined>;
  } catch {
    return null;
  }
};
const errorOf = (body: ReturnType<typeof safeJson>) =>
  body && typeof body.error === 'object' ? (body.error as { code?: string; message?: string }) : undefined;

const FINISHED = new Set<UploadItem['status']>(['done', 'cancelled']);

/**
 * The upload panel's queue: each file is checked first (GET /api/admin/documents: a clash or a
 * document open for editing is reported before any byte is sent), then streamed with its own
 * XHR and progress. Answers the rows and what the panel's buttons do.
 */
export const useUploadQueue = ({ folder, maxBytes }: { folder: string; maxBytes: number }) => {
  const router = useRouter();
  const t = useTranslations('upload');
  const locale = useLocale();
  const [items, setItems] = useState<UploadItem[]>([]);
  const requests = useRef(new Map<number, XMLHttpRequest>());
  const files = useRef(new Map<number, File>());

  const update = (id: number, patch: Partial<UploadItem>) =>
    setItems((current) => current.map((item) => (item.id === id ? { ...item, ...patch } : item)));

  const send = (item: Pick<UploadItem, 'id' | 'folder'>, mode: ConflictMode) => {
    const file = files.current.get(item.id);
    if (!file) return;
    const id = item.id;
    const query = new URLSearchParams({ folder: item.folder, name: file.name, onConflict: mode });
    const xhr = new XMLHttpRequest();
    requests.current.set(id, xhr);
    update(id, { status: 'uploading', loaded: 0, message: undefined });
    xhr.upload.onprogress = (event) => update(id, { loaded: event.loaded });
    xhr.onerror = () => update(id, { status: 'error', message: t('connectionFailed') });
    xhr.onabort = () => update(id, { status: 'cancelled', message: t('cancelled') });
    xhr.onload = () => {
      requests.current.delete(id);
      const body = safeJson(xhr.responseText);
      if (xhr.status === 200 || xhr.status === 201) {
        const saved = (body?.document as { name?: string } | undefined)?.name;
        update(id, {
          status: 'done',
          loaded: file.size,
          message:
            saved && saved !== file.name
              ? t('savedAs', { name: saved })
              : xhr.status === 200
                ? t('replaced')
                : undefined,
        });
        router.refresh();

        return;
      }
      const error = errorOf(body);
      const message = error?.message ?? t('failed', { status: xhr.status });
      if (error?.code === 'locked') update(id, { status: 'conflict', isLocked: true, message });
      else update(id, { status: error?.code === 'name_conflict' ? 'conflict' : 'error', message });
    };
    xhr.open('POST', `/api/admin/documents?${query.toString()}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.send(file);
  };

  /** Asks about the name first, so a clash or an open document costs no upload of the whole file. */
  const preflight = async (item: Pick<UploadItem, 'id' | 'folder' | 'name'>) => {
    const query = new URLSearchParams({ folder: item.folder, name: item.name });
    const response = await fetch(`/api/admin/documents?${query.toString()}`).catch(() => null);
    const body = response ? safeJson(await response.text()) : null;
    if (response?.ok && body?.exists) {
      const isLocked = body.locked === true;
      update(item.id, {
        status: 'conflict',
        isLocked,
        message: isLocked ? t('existsLocked', { name: item.name }) : t('exists', { name: item.name }),
      });

      return;
    }
    if (response && response.status >= 400 && response.status < 500) {
      update(item.id, { status: 'error', message: errorOf(body)?.message ?? t('nameNotAllowed') });

      return;
    }
    send(item, 'fail');
  };

  const add = (picked: PickedFile[]) => {
    const added: UploadItem[] = picked.map(({ file, relativeFolder }) => {
      const id = nextId++;
      files.current.set(id, file);
      const problem =
        nameProblem(file.name) ??
        (file.size > maxBytes ? t('tooLarge', { size: formatBytes(maxBytes, locale) }) : null);

      return {
        id,
        name: file.name,
        relativeFolder,
        folder: joinFolder(folder, relativeFolder),
        size: file.size,
        loaded: 0,
        status: problem ? 'error' : 'queued',
        message: problem ?? undefined,
      };
    });
    setItems((current) => [...current, ...added]);
    for (const item of added) if (item.status === 'queued') void preflight(item);
  };

  const remove = (id: number) => {
    files.current.delete(id);
    setItems((current) => current.filter((item) => item.id !== id));
  };

  /** "Apply to all": the same answer for every row waiting on a conflict (Replace skips open documents). */
  const resolveAll = (mode: 'replace' | 'rename' | 'skip') => {
    for (const item of items.filter((other) => other.status === 'conflict')) {
      if (mode === 'skip') remove(item.id);
      else if (mode === 'rename' || !item.isLocked) send(item, mode);
    }
  };

  const clearFinished = () => {
    for (const item of items) if (FINISHED.has(item.status)) files.current.delete(item.id);
    setItems((current) => current.filter((item) => !FINISHED.has(item.status)));
  };

  return {
    items,
    add,
    remove,
    resolve: (item: UploadItem, mode: 'replace' | 'rename') => send(item, mode),
    resolveAll,
    clearFinished,
    cancel: (id: number) => requests.current.get(id)?.abort(),
    finishedCount: items.filter((item) => FINISHED.has(item.status)).length,
    conflictCount: items.filter((item) => item.status === 'conflict').length,
  };
};
