import { documentActions } from '@/lib/api/files/actions';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → {id, folder, name}: moved to the trash; 409 locked while open for editing. Admins and editors. */
export const POST = withUser<{ id: string }>(async ({ params, user }) =>
  Response.json(await documentActions.delete(params.id, user)),
);
