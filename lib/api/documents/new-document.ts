import { Readable } from 'node:stream';
import { z } from 'zod';
import { conflict, forbidden, serviceUnavailable } from '@/lib/api/errors';
import { recordAudit } from '@/lib/audit/audit';
import type { SessionUser } from '@/lib/auth/session';
import { chooseEditor } from '@/lib/discovery/editors';
import { uploadDocument } from '@/lib/documents/write';
import { env, publicUrl } from '@/lib/env';
import { BLANK_KINDS, makeBlank, type BlankKind } from '@/lib/samples/generate';
import { ROLE_PERMISSIONS } from '@/lib/users/permissions';
import { invalidInputOf, REPORT_INPUT } from '@/lib/validation-details';

const DEFAULT_NAMES: Record<BlankKind, string> = {
  docx: 'New document',
  xlsx: 'New spreadsheet',
  pptx: 'New presentation',
  odt: 'New document',
  ods: 'New spreadsheet',
  odp: 'New presentation',
};

export const newDocumentSchema = z.object({
  folder: z.string().default(''),
  kind: z.enum(BLANK_KINDS as [BlankKind, ...BlankKind[]], {
    message: `kind must be one of ${BLANK_KINDS.join(', ')}.`,
  }),
  name: z.string().trim().min(1).max(200).optional(),
});

/**
 * A new blank document in a folder, opened for editing next. Where the editor advertises
 * "editnew" for the type, the file starts empty and the editor writes its own template into it;
 * elsewhere it starts as the project's own valid blank file (lib/samples). Refused before anything
 * is written when no configured editor edits the type (409 `no_editor`) or none can be reached
 * (503 `editor_unavailable`); viewers 403.
 */
export const createBlankDocument = async (input: unknown, user: SessionUser) => {
  if (!ROLE_PERMISSIONS[user.role].includes('create'))
    throw forbidden('Viewers cannot create documents.', { what: 'viewer_create' });
  const parsed = newDocumentSchema.safeParse(input, REPORT_INPUT);
  if (!parsed.success) throw invalidInputOf('invalid_request', parsed.error);
  const { folder, kind } = parsed.data;
  const base = parsed.data.name?.replace(new RegExp(`\\.${kind}$`, 'i'), '') ?? DEFAULT_NAMES[kind];
  const lookup = await chooseEditor({ extension: kind, mode: 'edit', isEmpty: true, publicUrl: publicUrl() });
  // Nothing is created that no editor could open: a blank file per click helps nobody.
  if (lookup.kind === 'discovery-failed')
    throw serviceUnavailable(
      'editor_unavailable',
      'The editor cannot be reached right now, so no document was created.',
    );
  if (lookup.kind !== 'ok')
    throw conflict('no_editor', `No configured editor can edit .${kind} files, so no document was created.`, { kind });
  const isEditNew = lookup.kind === 'ok' && lookup.option.action.name === 'editnew';
  const bytes = isEditNew ? new Uint8Array(0) : makeBlank(kind);
  const created = await uploadDocument({
    folder,
    name: `${base}.${kind}`,
    body: Readable.from([Buffer.from(bytes)]),
    size: bytes.byteLength,
    userId: user.id,
    onConflict: 'rename',
    maxBytes: env.MAX_UPLOAD_BYTES,
  });
  await recordAudit({
    action: 'document.create',
    outcome: 'success',
    userId: user.id,
    documentId: created.id,
    details: { kind, editnew: isEditNew },
  });

  return { id: created.id, name: created.name, folder: created.folder, editUrl: `/documents/${created.id}/edit` };
};
