import { documentActions } from '@/lib/api/files/actions';
import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {folder, name?, onConflict?} → 201 {id (the copy), sourceId, folder, name}; 409 name_conflict. Admins and editors. */
export const POST = withUser<{ id: string }>(async ({ request, params, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await documentActions.copy(params.id, body, user), { status: 201 });
});
