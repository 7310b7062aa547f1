import { jsonBodyOrEmpty, withAdmin } from '@/lib/api/handler';
import { resetUserPassword } from '@/lib/users/admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {password?} → {user, password?} (a generated one, shown once); the user's sessions end. */
export const POST = withAdmin<{ id: string }>(async ({ request, params, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await resetUserPassword({ id: params.id, input: body, actor: { id: user.id, via: 'portal' } }));
});
