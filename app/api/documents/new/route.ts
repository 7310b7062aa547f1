import { jsonBodyOrEmpty, withUser } from '@/lib/api/handler';
import { createBlankDocument } from '@/lib/api/documents/new-document';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST {folder, kind: docx|xlsx|pptx|odt|ods|odp, name?} → 201 {id, name, folder, editUrl}. */
export const POST = withUser(async ({ request, user }) => {
  const body: unknown = await jsonBodyOrEmpty(request);

  return Response.json(await createBlankDocument(body, user), { status: 201 });
});
