import { create as contentDisposition } from 'content-disposition';
import { lengthHeaders } from '@/lib/api/declared-length';
import { notFound, rangeNotSatisfiable } from '@/lib/api/errors';
import { attachmentResponse } from '@/lib/api/documents/attachment';
import { parseByteRange } from '@/lib/api/documents/byte-range';
import { inlineTypeOf } from '@/lib/discovery/open-action';
import { currentContent } from '@/lib/documents/content';
import { getDocument, isUuid } from '@/lib/documents/queries';
import { getObjectStream, isNotFound } from '@/lib/storage/objects';

/**
 * What an inline answer may do: nothing. `sandbox` gives the document an opaque origin without
 * scripts, forms or plugins of its own (Chromium's PDF viewer still renders it); nothing may be
 * loaded; only the portal may frame it.
 */
export const INLINE_CSP =
  "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";

/**
 * GET /api/documents/:id/inline: a PDF or raster image (png, jpeg, gif, webp) shown by the
 * browser itself — `Content-Disposition: inline`, its exact Content-Type, `nosniff` and a
 * sandboxing CSP; one `Range: bytes=…` is answered with 206 so PDF viewers can fetch parts, an
 * unsatisfiable one with 416 + `Content-Range: bytes *\/size`, a malformed one or several ranges
 * with the whole body (byte-range.ts). Every other type (SVG, HTML, office files…) is sent as an attachment,
 * exactly like /content. 404 for an unknown or hidden document.
 */
export const inlineDocument = async ({ id, request }: { id: string; request: Request }) => {
  if (!isUuid(id)) throw notFound('No such document.', { what: 'no_such_document' });
  const content = await currentContent(id);
  const doc = content ? await getDocument(id) : null;
  if (!content || !doc) throw notFound('No such document.', { what: 'no_such_document' });
  const type = inlineTypeOf(doc.extension);
  if (!type) return attachmentResponse({ key: content.contentKey, fileName: content.name });

  const headers: Record<string, string> = {
    'Content-Type': type,
    'Content-Disposition': contentDisposition(content.name, { type: 'inline' }),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': INLINE_CSP,
    'Cache-Control': 'private, no-store',
    'Accept-Ranges': 'bytes',
  };
  const asked = parseByteRange(request.headers.get('range'), doc.size);
  if (asked.kind === 'unsatisfiable') throw rangeNotSatisfiable(doc.size);
  const range = asked.kind === 'part' ? asked : null;
  try {
    const object = await getObjectStream(content.contentKey, range ? `bytes=${range.start}-${range.end}` : undefined);

    return new Response(object.body, {
      status: range ? 206 : 200,
      headers: {
        ...headers,
        ...lengthHeaders(object.size),
        ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${doc.size}` } : {}),
      },
    });
  } catch (error) {
    if (isNotFound(error)) throw notFound('The document’s bytes are missing from storage.', { what: 'document_bytes' });
    throw error;
  }
};
