import { db } from '@/lib/db';
import { makeUser, sessionCookie } from './session';
import { apiRequest } from './users-api';

type Call = { cookie?: string; body?: unknown; headers?: Record<string, string> };

/** Every file-management route, over HTTP to the production portal. */
export const filesApi = {
  renameDocument: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/documents/${id}/rename`, { cookie, body, headers }),
  moveDocument: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/documents/${id}/move`, { cookie, body, headers }),
  copyDocument: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/documents/${id}/copy`, { cookie, body, headers }),
  deleteDocument: (id: string, { cookie, headers }: Call) =>
    apiRequest(`/api/documents/${id}/delete`, { cookie, headers }),
  listFolders: (parent: string, { cookie }: Call = {}) =>
    apiRequest(`/api/folders?parent=${encodeURIComponent(parent)}`, { cookie, method: 'GET' }),
  createFolder: ({ cookie, body, headers }: Call) => apiRequest('/api/folders', { cookie, body, headers }),
  renameFolder: ({ cookie, body, headers }: Call) => apiRequest('/api/folders/rename', { cookie, body, headers }),
  moveFolder: ({ cookie, body, headers }: Call) => apiRequest('/api/folders/move', { cookie, body, headers }),
  copyFolder: ({ cookie, body, headers }: Call) => apiRequest('/api/folders/copy', { cookie, body, headers }),
  deleteFolder: ({ cookie, body, headers }: Call) => apiRequest('/api/folders/delete', { cookie, body, headers }),
  listTrash: ({ cookie, query = '' }: Call & { query?: string } = {}) =>
    apiRequest(`/api/trash${query}`, { cookie, method: 'GET' }),
  restore: (id: string, { cookie, body, headers }: Call) =>
    apiRequest(`/api/trash/${id}/restore`, { cookie, body, headers }),
  purge: (id: string, { cookie, headers }: Call) => apiRequest(`/api/trash/${id}/purge`, { cookie, headers }),
  emptyTrash: ({ cookie, headers }: Call) => apiRequest('/api/trash/empty', { cookie, headers }),
};

export const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; suggestion?: string } }).error;

/** An editor's WOPI lock on `documentId` (what LOCK writes), valid for 30 minutes. */
/**
 * A WOPI lock row as an editor leaves it (default: held for 30 minutes). An upsert: a released
 * lock's row stays after UNLOCK (lib/locks/lock-statements.ts), so a plain insert could collide.
 */
export const holdLock = (documentId: string, lockId = 'editor-lock', expiresAt = new Date(Date.now() + 30 * 60_000)) =>
  db.lock.upsert({
    where: { documentId },
    create: { documentId, lockId, expiresAt },
    update: { lockId, expiresAt },
  });

/** The document row as the tests look at it. */
export const rowOf = (id: string) =>
  db.document.findUniqueOrThrow({
    where: { id },
    select: { key: true, folder: true, name: true, deletedAt: true, trashBatchId: true, mirrorPendingSince: true },
  });

/** Audit events about a document, oldest first. */
export const auditOf = (documentId: string, action?: string) =>
  db.auditEvent.findMany({
    where: { documentId, action },
    orderBy: { id: 'asc' },
    select: { action: true, userId: true, details: true },
  });

let viewerCookie: Promise<string> | undefined;

/**
 * The portal's Download of a document (GET /api/documents/:id/content) over HTTP, as a viewer of
 * this test file's own (made on first use): what a browser gets.
 */
export const downloadContent = async (id: string) => {
  viewerCookie ??= makeUser('viewer').then(sessionCookie);

  return apiRequest(`/api/documents/${id}/content`, { cookie: await viewerCookie, method: 'GET' });
};
