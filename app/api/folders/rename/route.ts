import { folderActions } from '@/lib/api/files/actions';
import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';
import { folderOperationResponse } from '@/lib/api/progress-stream';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {path, name, onConflict?: "fail"|"rename"|"merge"} → {path, documents, skipped}. Admins and editors; 409 locked (naming the open documents) before anything moves. With `Accept: application/x-ndjson`: a 200 stream of progress events, then the result (lib/api/progress-stream.ts); refusals stay JSON statuses. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return folderOperationResponse(request, (progress) => folderActions.rename(body, user, progress), user);
});
