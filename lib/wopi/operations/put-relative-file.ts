// PutRelativeFile: https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/rest/files/putrelativefile
import { DocumentGoneError } from '@/lib/wopi/ports';
import { cleanName, legalizeName, nameProblem, normalizeName } from '@/lib/names';
import { extensionOf, nameBudget } from '@/lib/storage/keys';
import { ObjectTooLargeError } from '@/lib/storage/objects';
import { mintAccessToken } from '@/lib/tokens/tokens';
import { badRequest, conflict, lockMismatch, notFound, notImplemented, tooLarge } from '@/lib/wopi/errors';
import { OVERRIDES, WOPI_HEADERS } from '@/lib/wopi/headers';
import { declaredLength, declaredSizeExceeds } from '@/lib/wopi/request';
import { jsonResponse } from '@/lib/wopi/response';
import type { WopiContext, WopiOperation } from '@/lib/wopi/types';
import { hostUrls } from '@/lib/wopi/urls';
import { wopiSenderOf } from '@/lib/wopi/sender';
import { decodeUtf7Name, encodeUtf7Name } from '@/lib/wopi/utf7';

/** Collabora may send a folder part ("sub/name.docx"): Save As stays in the source's folder. */
const baseName = (name: string) => name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);

/**
 * Suggested mode: ".ext" keeps our base name; the host may change the name to make it legal and
 * free. A suggestion of dots only (".", or what baseName leaves of "../..") names no extension:
 * the source's is kept, not dropped (a document without one opens in no editor). Both are judged
 * on the cleaned suggestion: "\uFEFF.docx" (a BOM, invisible, then ".docx") is ".docx", not a
 * document named ".docx" without an extension.
 */
const suggestedName = (ctx: WopiContext, suggestion: string) => {
  const { name, extension, folder } = ctx.document;
  const cleaned = cleanName(suggestion);
  if (/^\.*$/.test(cleaned)) return legalizeName(name, nameBudget(folder));
  const base = extension ? name.slice(0, -(extension.length + 1)) : name;

  return legalizeName(cleaned.startsWith('.') ? `${base}${cleaned}` : cleaned, nameBudget(folder));
};

/**
 * Save As. Exactly one of X-WOPI-SuggestedTarget / X-WOPI-RelativeTarget (both → 501). The
 * response's Url carries a new token for the new document that expires no later than ours.
 */
export const putRelativeFile: WopiOperation = async (ctx) => {
  const { request, document: source, ports, user, config, claims } = ctx;
  // Without "create" the file info says UserCanNotWriteRelative; the operation is then unsupported.
  if (!ctx.permissions.has('create') || !ctx.permissions.has('write')) throw notImplemented(OVERRIDES.putRelative);
  const suggested = request.header(WOPI_HEADERS.suggestedTarget);
  const relative = request.header(WOPI_HEADERS.relativeTarget);
  if (suggested !== null && relative !== null)
    throw notImplemented(`${OVERRIDES.putRelative} with both target headers`);
  if (suggested === null && relative === null) throw badRequest('no target name');
  if (
    declaredSizeExceeds(request, config.maxUploadBytes) ||
    declaredSizeExceeds(request, config.maxUploadBytes, WOPI_HEADERS.size)
  ) {
    throw tooLarge();
  }
  const overwrite = request.header(WOPI_HEADERS.overwriteRelativeTarget)?.toLowerCase() === 'true';
  const now = ports.now();

  let name: string;
  if (relative !== null) {
    name = normalizeName(baseName(decodeUtf7Name(relative, wopiSenderOf(request.fetchHeaders(), ctx.claims.editor))));
    const budget = nameBudget(source.folder);
    const problem = nameProblem(name, { maxBytes: budget });
    if (problem)
      throw badRequest(`illegal target name: ${problem}`, {
        [WOPI_HEADERS.validRelativeTarget]: encodeUtf7Name(legalizeName(name, budget)),
      });
    // Fail before reading the body when the answer is already known (re-checked at commit).
    const free = await ports.documents.freeName(source.folder, name);
    if (free !== name && !overwrite)
      throw conflict('target exists', { [WOPI_HEADERS.validRelativeTarget]: encodeUtf7Name(free) });
  } else {
    name = suggestedName(
      ctx,
      baseName(decodeUtf7Name(suggested!, wopiSenderOf(request.fetchHeaders(), ctx.claims.editor))),
    );
  }

  let outcome;
  try {
    // Suggested mode: "the host must modify the proposed name as needed to create a new file that
    // is both legally named and does not overwrite any existing file" (PutRelativeFile, link atop).
    // So the store commits the body, read and staged once, under the first name like this one that
    // is still free at commit time, however many concurrent saves race for it.
    outcome = await ports.documents.createRelative({
      source,
      name,
      body: request.body(),
      declaredSize: declaredLength(request),
      maxBytes: config.maxUploadBytes,
      overwrite: relative !== null && overwrite,
      isRenamedWhenTaken: relative === null,
      userId: user.id,
      now,
    });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) throw tooLarge();
    if (error instanceof DocumentGoneError) throw notFound();
    throw error;
  }
  if (!outcome.ok && outcome.reason === 'lock') throw lockMismatch(outcome.current, 'Target is locked');
  if (!outcome.ok) {
    // Specific mode: the name is taken. Suggested: every free name the store tried was taken
    // before its commit (a bounded number of tries). Either way the client may save under this one.
    const valid = await ports.documents.freeName(source.folder, name);
    throw conflict(relative !== null ? 'target exists' : 'no free name like the suggestion left after the tries', {
      [WOPI_HEADERS.validRelativeTarget]: encodeUtf7Name(valid),
    });
  }
  const created = outcome.doc;

  const { token } = await mintAccessToken({
    documentId: created.id,
    userId: user.id,
    permissions: claims.permissions,
    notAfter: claims.expiresAt,
    now: now.getTime(),
    // The caller's editor: its proof keys are checked on the new document's calls too.
    client: claims.client,
    editor: claims.editor,
  });
  const urls = hostUrls(config, created);
  await ports.audit({
    action: 'wopi.put_relative',
    outcome: 'success',
    userId: user.id,
    documentId: created.id,
    details: { from: source.id, name: created.name, extension: extensionOf(created.name) },
  });

  return jsonResponse({
    Name: created.name,
    Url: `${urls.wopiSrc}?access_token=${encodeURIComponent(token)}`,
    HostViewUrl: urls.hostView,
    HostEditUrl: urls.hostEdit,
  });
};
