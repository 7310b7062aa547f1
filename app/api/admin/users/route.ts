import { jsonBodyOrEmpty, withAdmin } from '@/lib/api/handler';
import { addUser, listUsersForAdmin } from '@/lib/users/admin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET → {users: [{id, email, name, role, createdAt, disabledAt}]}. */
export const GET = withAdmin(async () => Response.json({ users: await listUsersForAdmin() }));

/** POST {email, name?, role, password?} → 201 {user, password?} (password only when generated: shown once). */
export const POST = withAdmin(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await addUser({ input: body, actor: { id: user.id, via: 'portal' } }), { status: 201 });
});
