import { create as contentDisposition } from 'content-disposition';
import { lengthHeaders } from '@/lib/api/declared-length';
import { notFound } from '@/lib/api/errors';
import { getObjectStream, isNotFound } from '@/lib/storage/objects';

/**
 * Streams the object at `key` (S3, never buffered) as a download named `fileName`:
 * `Content-Disposition: attachment` with an ASCII `filename` fallback and the exact name as an
 * RFC 8187 `filename*` (RFC 6266), private and never cached. A missing object is a 404.
 */
export const attachmentResponse = async ({ key, fileName }: { key: string; fileName: string }) => {
  try {
    const object = await getObjectStream(key);

    return new Response(object.body, {
      headers: {
        'Content-Type': object.contentType ?? 'application/octet-stream',
        ...lengthHeaders(object.size),
        'Content-Disposition': contentDisposition(fileName),
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch (error) {
    if (isNotFound(error)) throw notFound('The version’s bytes are missing from storage.', { what: 'version_bytes' });
    throw error;
  }
};
