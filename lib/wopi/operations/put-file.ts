// PutFile: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putfile
import { DocumentGoneError } from '@/lib/wopi/ports';
import { ObjectTooLargeError } from '@/lib/storage/objects';
import { conflict, lockMismatch, notFound, tooLarge } from '@/lib/wopi/errors';
import { editorHeader, WOPI_HEADERS } from '@/lib/wopi/headers';
import { wopiSenderOf } from '@/lib/wopi/sender';
import { declaredLength, declaredSizeExceeds, itemVersionHeader, requirePermission } from '@/lib/wopi/request';
import { jsonResponse } from '@/lib/wopi/response';
import type { WopiContext, WopiOperation } from '@/lib/wopi/types';

// Collabora Online's answer for "the document changed underneath you".
const COOL_STATUS_DOC_CHANGED = 1010;

const flag = (ctx: WopiContext, cool: string, lool: string) => {
  const value = editorHeader(ctx.request, cool, lool);

  return value === null ? undefined : value.toLowerCase() === 'true';
};

/** The editor's save flags, kept with the version. */
const saveDetails = (ctx: WopiContext) => ({
  via: 'wopi',
  isModifiedByUser: flag(ctx, WOPI_HEADERS.coolIsModifiedByUser, WOPI_HEADERS.loolIsModifiedByUser),
  isAutosave: flag(ctx, WOPI_HEADERS.coolIsAutosave, WOPI_HEADERS.loolIsAutosave),
  isExitSave: flag(ctx, WOPI_HEADERS.coolIsExitSave, WOPI_HEADERS.loolIsExitSave),
});

/**
 * Matching lock → write; another lock → 409 with it; unlocked → write only into a 0-byte file
 * (with or without a lock id), else 409 with X-WOPI-Lock "". The lock is checked before the body is read and again, with
 * the row locked, when the new bytes are committed. 200 only after S3 and Postgres committed.
 */
export const putFile: WopiOperation = async (ctx) => {
  requirePermission(ctx, 'write');
  const { request, document: doc, ports, user, config } = ctx;
  const now = ports.now();
  const presented = request.header(WOPI_HEADERS.lock) || null;
  const current = await ports.locks.get({ documentId: doc.id, now });
  // An unlocked 0-byte file takes a first save with or without a lock id (new documents, templates).
  if (current === '' && doc.size > 0)
    throw lockMismatch('', presented ? 'File is not locked' : 'File is not locked and not empty');
  if (current !== '' && presented !== current)
    throw lockMismatch(current, presented ? 'Locked with another lock' : 'File is locked');
  const lockId = current === '' ? null : current;
  if (declaredSizeExceeds(request, config.maxUploadBytes)) throw tooLarge();

  // Collabora sends an empty timestamp after a Save As whose reply had none: that means "not
  // known", as its own test host reads it (CollaboraOnline/online test/WopiTestServer.hpp, handleWopiUpload).
  const timestamp = editorHeader(request, WOPI_HEADERS.coolTimestamp, WOPI_HEADERS.loolTimestamp) || null;
  let result;
  try {
    result = await ports.documents.write({
      doc,
      body: request.body(),
      declaredSize: declaredLength(request),
      maxBytes: config.maxUploadBytes,
      lockId,
      userId: user.id,
      now,
      ifLastModified: timestamp ?? undefined,
      // Collabora saves on close even when nothing changed (every open added a version with the
      // same bytes); its saves and ONLYOFFICE's then change nothing. Microsoft's validator
      // requires a new X-WOPI-ItemVersion after every PutFile (files.PutFileReturnsDifferentVersion),
      // so its saves always make one.
      isIdenticalSkipped: ['collabora', 'onlyoffice'].includes(wopiSenderOf(request.fetchHeaders(), ctx.claims.editor)),
      details: saveDetails(ctx),
      // Committed with the new version (one statement on the common path), not a round trip of its own.
      audit: { action: 'wopi.save' },
    });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) throw tooLarge();
    if (error instanceof DocumentGoneError) throw notFound('deleted while saving');
    throw error;
  }
  if (!result.ok && result.reason === 'lock') throw lockMismatch(result.current, 'Lock changed while saving');
  if (!result.ok)
    throw conflict('document changed since the editor loaded it', {}, { COOLStatusCode: COOL_STATUS_DOC_CHANGED });

  const reply = jsonResponse(
    { LastModifiedTime: result.lastModifiedAt.toISOString() },
    itemVersionHeader(result.version),
  );

  // The copy to the visible key starts once the answer is out: started before, it competed with
  // the answer for the S3 server, the pool and this process's CPU (issue 10, ~3 ms of a 1 MiB save).
  return result.followUp ? { ...reply, afterSend: result.followUp } : reply;
};
