import { trashActions } from '@/lib/api/files/actions';
import { withAdmin } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → {id, documents}: deleted forever (rows, versions, bytes). Admins only. */
export const POST = withAdmin<{ id: string }>(async ({ params, user }) =>
  Response.json(await trashActions.purge(params.id, user)),
);
