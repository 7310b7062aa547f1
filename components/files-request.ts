'use client';

/** The answer of a file-management API call: its data, or the server's error code, message and suggestion. */
export type FilesResult<T> =
  { ok: true; data: T } | { ok: false; code: string; message: string; suggestion?: string; status: number };

type ErrorBody = { error?: { code?: unknown; message?: unknown; suggestion?: unknown } } | null;

/**
 * POSTs JSON to a portal file route (/api/documents/:id/…, /api/folders/…, /api/trash/…) and keeps
 * what the UI needs to offer a choice: `code` (`name_conflict`, `locked`, `forbidden`…) and, for
 * a taken name, the server's suggested free name.
 */
export const postFiles = async <T>(url: string, body: unknown = {}): Promise<FilesResult<T>> => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = (await response.json().catch(() => null)) as unknown;
    if (response.ok) return { ok: true, data: data as T };
    const error = (data as ErrorBody)?.error;

    return {
      ok: false,
      status: response.status,
      code: typeof error?.code === 'string' ? error.code : 'failed',
      // '' when the server said nothing: the UI words it (useFileRunner, in the page's language).
      message: typeof error?.message === 'string' ? error.message : '',
      suggestion: typeof error?.suggestion === 'string' ? error.suggestion : undefined,
    };
  } catch {
    return { ok: false, status: 0, code: 'unreachable', message: '' };
  }
};
