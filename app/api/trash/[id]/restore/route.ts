import { trashActions } from '@/lib/api/files/actions';
import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST {onConflict?: "fail"|"rename"|"merge"} → {kind, id, folder, name, documents} (a folder also
 * {renamed, skipped, skippedCount}: documents that stayed in the trash); 409 name_conflict. Admins and editors.
 */
export const POST = withUser<{ id: string }>(async ({ request, params, user }) => {
  // The body is optional: without one, a taken name is refused (onConflict "fail").
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await trashActions.restore(params.id, body, user));
});
