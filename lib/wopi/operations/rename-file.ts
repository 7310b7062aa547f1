// RenameFile: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/renamefile
import { DocumentGoneError } from '@/lib/wopi/ports';
import { badRequest, lockMismatch, notFound } from '@/lib/wopi/errors';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { nameProblem, normalizeName } from '@/lib/names';
import { nameBudget } from '@/lib/storage/keys';
import { requirePermission } from '@/lib/wopi/request';
import { jsonResponse } from '@/lib/wopi/response';
import type { WopiOperation } from '@/lib/wopi/types';
import { wopiSenderOf } from '@/lib/wopi/sender';
import { hostUrls } from '@/lib/wopi/urls';
import { decodeUtf7Name } from '@/lib/wopi/utf7';

/**
 * RENAME_FILE with X-WOPI-RequestedName (UTF-7, no extension: ours is kept). An illegal name →
 * 400 + X-WOPI-InvalidFileNameError; locked with another lock → 409. A taken name gets a
 * " (n)" suffix. The document id never changes. Responds {"Name"} without the extension.
 */
export const renameFile: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  requirePermission(ctx, 'rename');
  const { request, document: doc, ports, user, config } = ctx;
  const requested = request.header(WOPI_HEADERS.requestedName);
  if (requested === null) throw badRequest('X-WOPI-RequestedName missing');
  const name = normalizeName(decodeUtf7Name(requested, wopiSenderOf(request.fetchHeaders(), ctx.claims.editor)));
  const fullName = doc.extension ? `${name}.${doc.extension}` : name;
  const problem = nameProblem(name) ?? nameProblem(fullName, { maxBytes: nameBudget(doc.folder) });
  if (problem) throw badRequest(`illegal name: ${problem}`, { [WOPI_HEADERS.invalidFileNameError]: problem });
  const lockId = request.header(WOPI_HEADERS.lock) ?? '';

  let outcome;
  try {
    outcome = await ports.documents.rename({ doc, name, lockId, userId: user.id, now: ports.now() });
  } catch (error) {
    if (error instanceof DocumentGoneError) throw notFound();
    throw error;
  }
  await ports.audit({
    action: 'wopi.rename',
    outcome: outcome.ok ? 'success' : 'failure',
    userId: user.id,
    documentId: doc.id,
    details: { from: doc.name, to: outcome.ok ? outcome.name : fullName },
  });
  if (!outcome.ok) throw lockMismatch(outcome.current, 'Locked with another lock');
  const finalName = doc.extension ? outcome.name.slice(0, -(doc.extension.length + 1)) : outcome.name;

  // Collabora tells its host page (PostMessage File_Rename) only when the reply also carries a
  // non-empty Url, which it takes as the document's WOPI source (CollaboraOnline/online
  // browser/src/app/Socket.ts _renameOrSaveAsCallback; wsd/wopi/WopiStorage.cpp
  // handleUploadToStorageResponse reads Name and Url). The id never changes, so neither does the
  // Url; no token in it (Collabora strips it and keeps its own).
  return jsonResponse({ Name: finalName, Url: hostUrls(config, doc).wopiSrc });
};
