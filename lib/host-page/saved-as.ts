import { badRequest, notFound } from '@/lib/api/errors';
import { withUser } from '@/lib/api/handler';
import { getDocument, isUuid, listFolder, PAGE_SIZE_MAX } from '@/lib/documents/queries';

/**
 * GET /api/documents/:id/saved-as?name=<file name> → `{ id, name }` of the document called `name` in
 * :id's folder, for the host page to follow its editor after a Save As. Collabora tells the page
 * only the new file's name (Action_Save_Resp `fileName`, browser/src/app/Socket.ts
 * _renameOrSaveAsCallback), never its WOPI Url; PutRelativeFile keeps copies in the source's
 * folder, where names are unique. Same visibility as the folder listing (any signed-in user).
 */
export const findSavedAsCopy = withUser<{ id: string }>(async ({ request, params }) => {
  const name = new URL(request.url).searchParams.get('name')?.trim();
  if (!name) throw badRequest('name_missing', 'Say which name the document was saved as (?name=).');
  const source = isUuid(params.id) ? await getDocument(params.id) : null;
  if (!source) throw notFound('No such document.');
  const { documents } = await listFolder({ folder: source.folder, query: name, pageSize: PAGE_SIZE_MAX });
  const copy = documents.find((doc) => doc.name === name);
  if (!copy) throw notFound(`No document called ${JSON.stringify(name)} next to this one.`);

  return Response.json({ id: copy.id, name: copy.name }, { headers: { 'Cache-Control': 'no-store' } });
});
