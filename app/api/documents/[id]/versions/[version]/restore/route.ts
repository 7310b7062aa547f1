import { withUser } from '@/lib/api/handler';
import { restoreVersionRequest } from '@/lib/api/documents/versions';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST → 201 {id, version, restoredFrom}: the version's bytes as a new current version (editors, admins). */
export const POST = withUser<{ id: string; version: string }>(async ({ params, user }) =>
  Response.json(await restoreVersionRequest({ documentId: params.id, version: params.version, user }), {
    status: 201,
  }),
);
