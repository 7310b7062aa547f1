import { notFound } from '@/lib/api/errors';
import { db } from '@/lib/db';
import { withUser } from '@/lib/api/handler';
import { getDocument, isUuid, listFolder, PAGE_SIZE_MAX } from '@/lib/documents/queries';

/** How recent a Save As the name-less look-up follows: the editor reloads within seconds of it. */
const RECENT_MS = 2 * 60 * 1000;

/**
 * Without ?name=: the copy this user made of the document through PutRelativeFile in the last two
 * minutes (its audit event, lib/wopi/operations/put-relative-file.ts). Collabora's document-name
 * field saves as another format without telling the page (Control.DocumentNameInput.js
 * documentNameConfirm → map.saveAs without Notify); the page only sees the editor load again.
 */
const latestCopyResponse = async ({ sourceId, userId }: { sourceId: string; userId: string }) => {
  const event = await db.auditEvent.findFirst({
    where: {
      action: 'wopi.put_relative',
      outcome: 'success',
      userId,
      at: { gte: new Date(Date.now() - RECENT_MS) },
      details: { path: ['from'], equals: sourceId },
    },
    orderBy: { at: 'desc' },
    select: { documentId: true },
  });
  const copy = event?.documentId ? await getDocument(event.documentId) : null;
  if (!copy) throw notFound('No recent Save As of this document.', { what: 'saved_as' });

  return Response.json({ id: copy.id, name: copy.name }, { headers: { 'Cache-Control': 'no-store' } });
};

/**
 * GET /api/documents/:id/saved-as?name=<file name> → `{ id, name }` of the document called `name` in
 * :id's folder, for the host page to follow its editor after a Save As. Collabora tells the page
 * only the new file's name (Action_Save_Resp `fileName`, browser/src/app/Socket.ts
 * _renameOrSaveAsCallback), never its WOPI Url; PutRelativeFile keeps copies in the source's
 * folder, where names are unique. Same visibility as the folder listing (any signed-in user).
 */
export const findSavedAsCopy = withUser<{ id: string }>(async ({ request, params, user }) => {
  const name = new URL(request.url).searchParams.get('name')?.trim();
  const source = isUuid(params.id) ? await getDocument(params.id) : null;
  if (!source) throw notFound('No such document.', { what: 'no_such_document' });
  if (!name) return latestCopyResponse({ sourceId: source.id, userId: user.id });
  const { documents } = await listFolder({ folder: source.folder, query: name, pageSize: PAGE_SIZE_MAX });
  const copy = documents.find((doc) => doc.name === name);
  if (!copy)
    throw notFound(`No document called ${JSON.stringify(name)} next to this one.`, { what: 'saved_as_name', name });

  return Response.json({ id: copy.id, name: copy.name }, { headers: { 'Cache-Control': 'no-store' } });
});
