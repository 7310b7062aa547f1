import { trashActions } from '@/lib/api/files/actions';
import { withAdmin } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → {documents, folders}: everything in the trash deleted forever. Admins only. */
export const POST = withAdmin(async ({ user }) => Response.json(await trashActions.empty(user)));
