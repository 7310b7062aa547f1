import { folderActions } from '@/lib/api/files/actions';
import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET ?parent=F → {folders: [{path, name}]}: the subfolders of F (the folder picker). Any signed-in user. */
export const GET = withUser(async ({ request }) =>
  Response.json(await folderActions.list(new URL(request.url).searchParams.get('parent') ?? '')),
);

/** POST {parent, name, onConflict?: "fail"|"rename"} → 201 {path, name, parent}. Admins and editors. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await folderActions.create(body, user), { status: 201 });
});
