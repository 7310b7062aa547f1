import { db } from '@/lib/db';

// Small helpers the editor conversations share; each conversation keeps its own headers.

/** The new document's id and token from a PutRelativeFile reply's Url, as the editor calls it next. */
export const openedFrom = (url: string) => {
  const parsed = new URL(url);
  const token = parsed.searchParams.get('access_token');
  const id = parsed.pathname.split('/').at(-1);
  if (!token || !id) throw new Error(`no document or token in ${url}`);

  return { id, token };
};

/** The editor stopped refreshing and the 30 minutes ran out: the lock row stays, expired. */
export const expireLock = async (documentId: string) => {
  const { count } = await db.lock.updateMany({
    where: { documentId },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  if (count !== 1) throw new Error(`expected one lock on ${documentId}, found ${count}`);
};

/** The lock is about to run out: a refresh must move it forward again. */
export const ageLock = (documentId: string, leftMs: number) =>
  db.lock.updateMany({ where: { documentId }, data: { expiresAt: new Date(Date.now() + leftMs) } });

/** The lock held now, or null (an UNLOCK leaves the row expired: lib/locks/lock-statements.ts). */
export const lockOf = (documentId: string) =>
  db.lock.findFirst({
    where: { documentId, expiresAt: { gt: new Date() } },
    select: { lockId: true, expiresAt: true },
  });

export const versionsOf = async (documentId: string) =>
  (
    await db.documentVersion.findMany({
      where: { documentId },
      orderBy: { version: 'asc' },
      select: { version: true, size: true, details: true, createdById: true },
    })
  ).map((v) => ({ ...v, size: Number(v.size) }));

export const jsonOf = async <T = Record<string, unknown>>(response: Response) => (await response.json()) as T;

export const THIRTY_MINUTES = 30 * 60 * 1000;
