import { trashActions } from '@/lib/api/files/actions';
import { withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * GET ?limit=1…200 (default 100) &cursor=<nextCursor> → {entries: [{kind: document|folder, id, name,
 * folder, documents, size, deletedAt, deletedBy}], nextCursor: string|null, total}, newest first;
 * 400 `invalid_limit` / `invalid_cursor`. Every signed-in user.
 */
export const GET = withUser(async ({ request }) =>
  Response.json(await trashActions.list(new URL(request.url).searchParams)),
);
