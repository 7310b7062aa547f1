import { folderActions } from '@/lib/api/files/actions';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {path, to, name?, onConflict?} → {path, documents, skipped}. Admins and editors; 409 locked (naming the open documents) before anything moves. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await request.json().catch(() => ({}));

  return Response.json(await folderActions.copy(body, user));
});
