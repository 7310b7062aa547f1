// GetFile: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/getfile
import { notFound, preconditionFailed } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { itemVersionHeader } from '@/lib/wopi/request';
import type { WopiOperation } from '@/lib/wopi/types';

/** Streams exactly the bytes CheckFileInfo describes (an immutable version object). */
export const getFile: WopiOperation = async ({ request, document, ports }) => {
  // What another tool wrote to the bucket since is a new version: served, with its Version.
  const doc = await ports.documents.refresh(document);
  if (!doc) throw notFound('deleted meanwhile');
  const maxExpected = request.header(WOPI_HEADERS.maxExpectedSize);
  if (maxExpected !== null && /^\d+$/.test(maxExpected) && doc.size > Number(maxExpected)) {
    throw preconditionFailed(`file is ${doc.size} bytes, client accepts ${maxExpected}`);
  }
  const { body, size } = await ports.documents.read(doc);

  return {
    status: 200,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': 'no-store',
      ...itemVersionHeader(doc.version),
    },
    body,
  };
};
