import { folderActions } from '@/lib/api/files/actions';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {parent, name, onConflict?: "fail"|"rename"} → 201 {path, name, parent}. Admins and editors. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await request.json().catch(() => ({}));

  return Response.json(await folderActions.create(body, user), { status: 201 });
});
