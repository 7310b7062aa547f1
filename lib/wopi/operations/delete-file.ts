// DeleteFile: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/deletefile
import { DocumentGoneError } from '@/lib/wopi/ports';
import { lockMismatch, notFound } from '@/lib/wopi/errors';
import { requirePermission } from '@/lib/wopi/request';
import { emptyResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';

/** DELETE: refused (409 + lock) while locked; afterwards every WOPI call answers 404, the bytes sit in the trash. */
export const deleteFile: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'delete');
  const { document: doc, ports, user } = ctx;
  let outcome;
  try {
    outcome = await ports.documents.delete({ doc, userId: user.id, now: ports.now() });
  } catch (error) {
    if (error instanceof DocumentGoneError) throw notFound();
    throw error;
  }
  await ports.audit({
    action: 'wopi.delete',
    outcome: outcome.ok ? 'success' : 'failure',
    userId: user.id,
    documentId: doc.id,
    details: { name: doc.name, folder: doc.folder },
  });
  if (!outcome.ok) throw lockMismatch(outcome.current, 'File is locked');

  return emptyResponse(200);
};
