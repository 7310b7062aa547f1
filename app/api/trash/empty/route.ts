import { trashActions } from '@/lib/api/files/actions';
import { withAdmin } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST → 200 {documents, folders, isComplete, left, leftCount}: everything in the trash deleted forever
 * but what is busy now, listed in `left` with the reason (lib/documents/trash.ts emptyTrash). Admins only.
 */
export const POST = withAdmin(async ({ user }) => Response.json(await trashActions.empty(user)));
