'use client';

import type { FilesResult } from '@/components/files-request';

/** How far one folder operation has got: `done` of `total` documents. */
export type FolderProgress = { done: number; total: number };

type ErrorBody = { code?: unknown; message?: unknown; suggestion?: unknown } | undefined;

const failure = (status: number, error: ErrorBody) =>
  ({
    ok: false,
    status,
    code: typeof error?.code === 'string' ? error.code : 'failed',
    message: typeof error?.message === 'string' ? error.message : '',
    suggestion: typeof error?.suggestion === 'string' ? error.suggestion : undefined,
  }) as const;

/**
 * Splits a byte stream into lines (UTF-8, a line may arrive in pieces) and hands each complete,
 * non-empty line to `onLine`; the last line needs no newline.
 */
export const readLines = async (body: ReadableStream<Uint8Array>, onLine: (line: string) => void) => {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    pending += decoder.decode(next.value, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  }
  pending += decoder.decode();
  if (pending.trim()) onLine(pending);
};

/**
 * POSTs a folder operation (/api/folders/move|copy|delete|rename) asking for its progress
 * (`Accept: application/x-ndjson`): `onProgress` gets each `{done, total}` event while the server
 * works, and the answer is the operation's result or refusal, as `postFiles` gives it. Refusals
 * before any work come back as plain JSON statuses and are read as such. A stream that ends
 * without a result (the connection dropped) is `interrupted`: the server carries on regardless,
 * so a reload shows how far it got.
 */
export const postFolderOperation = async <T>(
  url: string,
  body: unknown,
  onProgress?: (progress: FolderProgress) => void,
): Promise<FilesResult<T>> => {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, code: 'unreachable', message: '' };
  }
  if (!(response.headers.get('content-type') ?? '').includes('application/x-ndjson') || !response.body) {
    const data = (await response.json().catch(() => null)) as { error?: ErrorBody } | null;

    return response.ok ? { ok: true, data: data as T } : failure(response.status, data?.error);
  }

  let outcome: FilesResult<T> | null = null;
  try {
    await readLines(response.body, (line) => {
      let event: { type?: unknown; done?: unknown; total?: unknown; result?: unknown; error?: ErrorBody };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return;
      }
      if (event.type === 'progress' && typeof event.done === 'number' && typeof event.total === 'number')
        onProgress?.({ done: Math.min(event.done, event.total), total: event.total });
      else if (event.type === 'result') outcome = { ok: true, data: event.result as T };
      else if (event.type === 'error') outcome = failure(response.status, event.error);
    });
  } catch {
    // The connection dropped mid-stream: below.
  }

  return outcome ?? { ok: false, status: response.status, code: 'interrupted', message: '' };
};
