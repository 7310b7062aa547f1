import { lengthHeaders } from '@/lib/api/declared-length';
import { notFound } from '@/lib/api/errors';
import { currentContent } from '@/lib/documents/content';
import { isUuid } from '@/lib/documents/queries';
import { getObjectStream, isNotFound } from '@/lib/storage/objects';

const contentDisposition = (name: string) => {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');

  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
};

export const downloadDocument = async (id: string) => {
  if (!isUuid(id)) throw notFound('No such document.', { what: 'no_such_document' });
  const doc = await currentContent(id);
  if (!doc) throw notFound('No such document.', { what: 'no_such_document' });
  try {
    const object = await getObjectStream(doc.contentKey);

    return new Response(object.body, {
      headers: {
        'Content-Type': object.contentType ?? 'application/octet-stream',
        ...lengthHeaders(object.size),
        'Content-Disposition': contentDisposition(doc.name),
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (error) {
    if (isNotFound(error)) throw notFound('The document’s bytes are missing from storage.', { what: 'document_bytes' });
    throw error;
  }
};
