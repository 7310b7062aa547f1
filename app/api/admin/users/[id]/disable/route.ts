import { withAdmin } from '@/lib/api/handler';
import { disableUser } from '@/lib/users/admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → {user}: sign-in, sessions and WOPI tokens refused from now; 409 last_admin for the last active administrator. */
export const POST = withAdmin<{ id: string }>(async ({ params, user }) =>
  Response.json(await disableUser({ id: params.id, actor: { id: user.id, via: 'portal' } })),
);
