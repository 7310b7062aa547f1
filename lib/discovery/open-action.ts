import { configuredClients } from '@/lib/discovery/clients';
import { findAction, selectZone, type DiscoveryZone } from '@/lib/discovery/parse';
import { getDiscovery } from '@/lib/discovery/store';
import type { Role } from '@/lib/generated/prisma/enums';
import { ROLE_PERMISSIONS } from '@/lib/users/permissions';

/**
 * Types the browser may show itself when no editor opens them, with the exact Content-Type they
 * are served as (inline, nosniff, sandboxed). Only formats a browser renders without running
 * anything of the file's in our origin: PDF and raster images. SVG (script) and HTML never.
 */
export const INLINE_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** The Content-Type a document of `extension` is shown inline as, or null when it must stay an attachment. */
export const inlineTypeOf = (extension: string) => INLINE_TYPES[extension.toLowerCase()] ?? null;

/** What the configured editors can do with one extension (any editor, in the current discovery). */
export type EditorCapability = { canView: boolean; canEdit: boolean; canEditNew: boolean };

export const NO_EDITOR: EditorCapability = { canView: false, canEdit: false, canEditNew: false };

/**
 * How a click on a document's name opens it: `edit`/`view` in an editor (the host page),
 * `inline` in the browser's own viewer, or `download`.
 */
export type OpenAction = { kind: 'edit' | 'view' | 'inline' | 'download'; href: string };

/**
 * The one decision of how a document opens from the list, mirroring the host page's choice
 * (lib/discovery/editors.ts): people who may write get the editor's `edit` (for an empty file
 * also `editnew`); otherwise, or for viewers, an editor's view (any of view/embedview/edit, the
 * token then being read-only); with no editor for the type, PDFs and raster images open inline;
 * anything else downloads.
 */
export const decideOpenAction = ({
  id,
  extension,
  size,
  role,
  capability,
}: {
  id: string;
  extension: string;
  /** Bytes: an empty file opens with "editnew" where an editor advertises it. */
  size: number;
  role: Role;
  capability: EditorCapability;
}): OpenAction => {
  const mayWrite = ROLE_PERMISSIONS[role].includes('write');
  const canEdit = capability.canEdit || (size === 0 && capability.canEditNew);
  if (mayWrite && canEdit) return { kind: 'edit', href: `/documents/${id}/edit` };
  if (capability.canView || capability.canEdit) return { kind: 'view', href: `/documents/${id}/view` };
  if (inlineTypeOf(extension)) return { kind: 'inline', href: `/api/documents/${id}/inline` };

  return { kind: 'download', href: `/api/documents/${id}/content` };
};

/** The zones of every configured editor whose discovery is known (none when no editor is configured). */
export const loadEditorZones = async (publicUrl: string): Promise<DiscoveryZone[]> => {
  const discoveries = await Promise.all(configuredClients().map((client) => getDiscovery(client)));

  return discoveries
    .map((entry) => (entry.discovery ? selectZone(entry.discovery, publicUrl) : null))
    .filter((zone): zone is DiscoveryZone => zone !== null);
};

/** What any of `zones` offers for `extension` (the action names chooseEditor tries). */
export const capabilityOf = (zones: DiscoveryZone[], extension: string): EditorCapability => {
  const offers = (names: string[]) => zones.some((zone) => findAction(zone, { ext: extension, names }) !== null);

  return { canView: offers(['view', 'embedview']), canEdit: offers(['edit']), canEditNew: offers(['editnew']) };
};

/** The open action of each document (id → action) under the editors' `zones`. */
const openActionsIn = (
  zones: DiscoveryZone[],
  documents: { id: string; extension: string; size: number }[],
  role: Role,
): Record<string, OpenAction> => {
  const capabilities = new Map<string, EditorCapability>();
  const actions: Record<string, OpenAction> = {};
  for (const doc of documents) {
    const ext = doc.extension.toLowerCase();
    let capability = capabilities.get(ext);
    if (!capability) capabilities.set(ext, (capability = capabilityOf(zones, ext)));
    actions[doc.id] = decideOpenAction({ ...doc, role, capability });
  }

  return actions;
};

/** Of `kinds` (extensions such as docx), those some editor in `zones` can open for editing (`edit` or `editnew`). */
const creatableIn = <K extends string>(zones: DiscoveryZone[], kinds: readonly K[]): K[] =>
  kinds.filter((kind) => {
    const capability = capabilityOf(zones, kind);

    return capability.canEdit || capability.canEditNew;
  });

/** The open action of each listed document (id → action), reading discovery once. */
export const openActionsFor = async ({
  documents,
  role,
  publicUrl,
}: {
  documents: { id: string; extension: string; size: number }[];
  role: Role;
  publicUrl: string;
}): Promise<Record<string, OpenAction>> =>
  openActionsIn(documents.length > 0 ? await loadEditorZones(publicUrl) : [], documents, role);

/** What "New document" can create (components/new-document-menu.tsx labels them). */
export const NEW_DOCUMENT_KINDS = ['docx', 'xlsx', 'pptx'] as const;
export type NewDocumentKind = (typeof NEW_DOCUMENT_KINDS)[number];

/**
 * For a folder listing, from one reading of the editors' discovery: how each document opens
 * (id → action) and which "New document" kinds to offer — those an editor can open for editing
 * once created (none for viewers, none without an editor). The server refuses the others too
 * (lib/api/documents/new-document.ts).
 */
export const listingOpenOptions = async ({
  documents,
  role,
  publicUrl,
}: {
  documents: { id: string; extension: string; size: number }[];
  role: Role;
  publicUrl: string;
}): Promise<{ openActions: Record<string, OpenAction>; newKinds: NewDocumentKind[] }> => {
  const zones = await loadEditorZones(publicUrl);
  const mayCreate = ROLE_PERMISSIONS[role].includes('create');

  return {
    openActions: openActionsIn(zones, documents, role),
    newKinds: mayCreate ? creatableIn(zones, NEW_DOCUMENT_KINDS) : [],
  };
};
