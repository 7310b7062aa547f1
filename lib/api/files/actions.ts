import { z } from 'zod';
import type { SessionUser } from '@/lib/auth/session';
import {
  assertCanManageFiles,
  copyDocumentTo,
  deleteDocument,
  moveDocument,
  onConflictSchema,
  parseInput,
  renameDocument,
  type FileActor,
} from '@/lib/documents/file-actions';
import {
  copyFolder,
  createFolder,
  deleteFolder,
  folderConflictSchema,
  listFolders,
  type FolderProgress,
  moveFolder,
  renameFolder,
} from '@/lib/documents/folder-actions';
import {
  emptyTrash,
  listTrash,
  purgeTrashEntry,
  restoreConflictSchema,
  restoreTrashEntry,
  TRASH_PAGE_DEFAULT,
  TRASH_PAGE_MAX,
} from '@/lib/documents/trash';
import { invalidInput } from '@/lib/errors';

/**
 * The portal API's file management: request bodies (zod) → the domain (lib/documents), acting as
 * the signed-in user. Viewers are refused (403) before their input is looked at.
 */

const actorOf = (user: SessionUser): FileActor => ({ id: user.id, role: user.role, via: 'portal' });

const managing = (user: SessionUser) => {
  const actor = actorOf(user);
  assertCanManageFiles(actor);

  return actor;
};

const name = z.string({ message: 'is required' });
const folder = z.string({ message: 'is required' });

const renameSchema = z.object({ name, onConflict: onConflictSchema });
const moveSchema = z.object({ folder, onConflict: onConflictSchema });
const copySchema = z.object({ folder, name: z.string().optional(), onConflict: onConflictSchema });

export const documentActions = {
  rename: (id: string, body: unknown, user: SessionUser) => {
    const actor = managing(user);

    return renameDocument({ id, actor, ...parseInput(renameSchema, body) });
  },
  move: (id: string, body: unknown, user: SessionUser) => {
    const actor = managing(user);

    return moveDocument({ id, actor, ...parseInput(moveSchema, body) });
  },
  copy: (id: string, body: unknown, user: SessionUser) => {
    const actor = managing(user);

    return copyDocumentTo({ id, actor, ...parseInput(copySchema, body) });
  },
  delete: (id: string, user: SessionUser) => deleteDocument({ id, actor: managing(user) }),
};

const path = z.string({ message: 'is required' }).min(1, 'is required');
const createSchema = z.object({ parent: z.string().default(''), name, onConflict: onConflictSchema });
const folderRenameSchema = z.object({ path, name, onConflict: folderConflictSchema });
const folderMoveSchema = z.object({ path, to: folder, onConflict: folderConflictSchema });
const folderCopySchema = z.object({ path, to: folder, name: z.string().optional(), onConflict: folderConflictSchema });
const folderDeleteSchema = z.object({ path });

export const folderActions = {
  list: async (parent: string) => ({ folders: await listFolders(parent) }),
  create: (body: unknown, user: SessionUser) =>
    createFolder({ actor: managing(user), ...parseInput(createSchema, body) }),
  rename: (body: unknown, user: SessionUser, progress: FolderProgress = {}) =>
    renameFolder({ actor: managing(user), ...parseInput(folderRenameSchema, body), ...progress }),
  move: (body: unknown, user: SessionUser, progress: FolderProgress = {}) =>
    moveFolder({ actor: managing(user), ...parseInput(folderMoveSchema, body), ...progress }),
  copy: (body: unknown, user: SessionUser, progress: FolderProgress = {}) =>
    copyFolder({ actor: managing(user), ...parseInput(folderCopySchema, body), ...progress }),
  delete: (body: unknown, user: SessionUser, progress: FolderProgress = {}) =>
    deleteFolder({ actor: managing(user), ...parseInput(folderDeleteSchema, body), ...progress }),
};

const restoreSchema = z.object({ onConflict: restoreConflictSchema });

/**
 * `?limit=` (1…200, default 100) and `?cursor=` of GET /api/trash: 400 `invalid_limit` for a
 * limit that is not a whole number in range (the cursor is checked by listTrash: `invalid_cursor`).
 */
const trashQuery = (params: URLSearchParams) => {
  const limitText = params.get('limit');
  const limit = limitText === null ? TRASH_PAGE_DEFAULT : Number(limitText);
  if (!/^\d{1,4}$/.test(limitText ?? '100') || limit < 1 || limit > TRASH_PAGE_MAX)
    throw invalidInput('invalid_limit', `limit must be a whole number from 1 to ${TRASH_PAGE_MAX}.`, {
      max: TRASH_PAGE_MAX,
    });
  const cursor = params.get('cursor');

  return { limit, cursor: cursor === null ? undefined : cursor };
};

export const trashActions = {
  list: (params: URLSearchParams) => listTrash(trashQuery(params)),
  restore: (id: string, body: unknown, user: SessionUser) =>
    restoreTrashEntry({ id, actor: managing(user), ...parseInput(restoreSchema, body) }),
  purge: (id: string, user: SessionUser) => purgeTrashEntry({ id, actor: actorOf(user) }),
  empty: (user: SessionUser) => emptyTrash({ actor: actorOf(user) }),
};
