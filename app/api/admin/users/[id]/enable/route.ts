import { withAdmin } from '@/lib/api/handler';
import { enableUser } from '@/lib/users/admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → {user}: the user can sign in again (sessions from before the disabling stay ended). */
export const POST = withAdmin<{ id: string }>(async ({ params, user }) =>
  Response.json(await enableUser({ id: params.id, actor: { id: user.id, via: 'portal' } })),
);
