import { jsonBodyOrEmpty, withAdmin } from '@/lib/api/handler';
import { setUserRole } from '@/lib/users/admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {role} → {user}; 409 last_admin when it would leave no active administrator. */
export const POST = withAdmin<{ id: string }>(async ({ request, params, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await setUserRole({ id: params.id, input: body, actor: { id: user.id, via: 'portal' } }));
});
