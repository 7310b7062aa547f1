'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; message: string };

/** The server's message (API messages are English: they are for developers too), or null. */
const messageOf = (body: unknown) => {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;

  return typeof message === 'string' ? message : null;
};

/** POSTs JSON to a portal API route; the answer's data, or the server's error message for people. */
export const useApiPost = () => {
  const [isBusy, setIsBusy] = useState(false);
  const t = useTranslations('api');

  const post = async <T>(url: string, body: unknown = {}): Promise<ApiResult<T>> => {
    setIsBusy(true);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const data: unknown = await response.json().catch(() => null);

      return response.ok
        ? { ok: true, data: data as T }
        : { ok: false, message: messageOf(data) ?? t('failed', { status: response.status }) };
    } catch {
      return { ok: false, message: t('unreachable') };
    } finally {
      setIsBusy(false);
    }
  };

  return { post, isBusy };
};
