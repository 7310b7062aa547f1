import { POST as copyDocument } from '@/app/api/documents/[id]/copy/route';
import { POST as deleteDocument } from '@/app/api/documents/[id]/delete/route';
import { POST as moveDocument } from '@/app/api/documents/[id]/move/route';
import { POST as renameDocument } from '@/app/api/documents/[id]/rename/route';
import { POST as copyFolder } from '@/app/api/folders/copy/route';
import { POST as deleteFolder } from '@/app/api/folders/delete/route';
import { POST as moveFolder } from '@/app/api/folders/move/route';
import { POST as renameFolder } from '@/app/api/folders/rename/route';
import { POST as createFolder, GET as listFolders } from '@/app/api/folders/route';
import { POST as purgeEntry } from '@/app/api/trash/[id]/purge/route';
import { POST as restoreEntry } from '@/app/api/trash/[id]/restore/route';
import { POST as emptyTrash } from '@/app/api/trash/empty/route';
import { GET as listTrash } from '@/app/api/trash/route';
import { db } from '@/lib/db';
import { emptyContext } from './session';
import { apiRequest } from './users-api';

type Call = { cookie?: string; body?: unknown; headers?: Record<string, string> };
const idContext = (id: string) => ({ params: Promise.resolve({ id }) });

/** Every file-management route, in-process, called with real Requests as Next.js hands them over. */
export const filesApi = {
  renameDocument: (id: string, { cookie, body, headers }: Call) =>
    renameDocument(apiRequest(`/api/documents/${id}/rename`, { cookie, body, headers }), idContext(id)),
  moveDocument: (id: string, { cookie, body, headers }: Call) =>
    moveDocument(apiRequest(`/api/documents/${id}/move`, { cookie, body, headers }), idContext(id)),
  copyDocument: (id: string, { cookie, body, headers }: Call) =>
    copyDocument(apiRequest(`/api/documents/${id}/copy`, { cookie, body, headers }), idContext(id)),
  deleteDocument: (id: string, { cookie, headers }: Call) =>
    deleteDocument(apiRequest(`/api/documents/${id}/delete`, { cookie, headers }), idContext(id)),
  listFolders: (parent: string, { cookie }: Call = {}) =>
    listFolders(
      apiRequest(`/api/folders?parent=${encodeURIComponent(parent)}`, { cookie, method: 'GET' }),
      emptyContext,
    ),
  createFolder: ({ cookie, body, headers }: Call) =>
    createFolder(apiRequest('/api/folders', { cookie, body, headers }), emptyContext),
  renameFolder: ({ cookie, body, headers }: Call) =>
    renameFolder(apiRequest('/api/folders/rename', { cookie, body, headers }), emptyContext),
  moveFolder: ({ cookie, body, headers }: Call) =>
    moveFolder(apiRequest('/api/folders/move', { cookie, body, headers }), emptyContext),
  copyFolder: ({ cookie, body, headers }: Call) =>
    copyFolder(apiRequest('/api/folders/copy', { cookie, body, headers }), emptyContext),
  deleteFolder: ({ cookie, body, headers }: Call) =>
    deleteFolder(apiRequest('/api/folders/delete', { cookie, body, headers }), emptyContext),
  listTrash: ({ cookie, query = '' }: Call & { query?: string } = {}) =>
    listTrash(apiRequest(`/api/trash${query}`, { cookie, method: 'GET' }), emptyContext),
  restore: (id: string, { cookie, body, headers }: Call) =>
    restoreEntry(apiRequest(`/api/trash/${id}/restore`, { cookie, body, headers }), idContext(id)),
  purge: (id: string, { cookie, headers }: Call) =>
    purgeEntry(apiRequest(`/api/trash/${id}/purge`, { cookie, headers }), idContext(id)),
  emptyTrash: ({ cookie, headers }: Call) =>
    emptyTrash(apiRequest('/api/trash/empty', { cookie, headers }), emptyContext),
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
