import { configuredClients } from '@/lib/discovery/clients';
import { findAction, selectZone, type DiscoveryAction } from '@/lib/discovery/parse';
import { getDiscovery, type ClientDiscovery } from '@/lib/discovery/store';

export type EditorMode = 'view' | 'edit';

/** Action names to try, in order. Collabora lists only "edit"; a read-only token keeps it read-only. */
const ACTION_ORDER: Record<EditorMode | 'new', string[]> = {
  view: ['view', 'embedview', 'edit'],
  edit: ['edit'],
  new: ['editnew', 'edit'],
};

export type EditorOption = { client: string; action: DiscoveryAction };

export type EditorLookup =
  | { kind: 'ok'; option: EditorOption; alternatives: string[] }
  | { kind: 'no-clients' }
  | { kind: 'no-editor'; extension: string }
  | { kind: 'discovery-failed'; failures: { client: string; error: string }[] };

/**
 * The editor for a document: `preferred` when it handles the extension, else the first client in
 * WOPI_CLIENTS order that does. An empty document opens with "editnew" where advertised.
 */
export const chooseEditor = async ({
  extension,
  mode,
  isEmpty,
  preferred,
  publicUrl,
}: {
  extension: string;
  mode: EditorMode;
  isEmpty: boolean;
  preferred?: string | null;
  publicUrl: string;
}): Promise<EditorLookup> => {
  const clients = configuredClients();
  if (clients.length === 0) return { kind: 'no-clients' };
  const discoveries: ClientDiscovery[] = await Promise.all(clients.map((client) => getDiscovery(client)));
  const names = mode === 'edit' && isEmpty ? ACTION_ORDER.new : ACTION_ORDER[mode];
  const options: EditorOption[] = [];
  for (const entry of discoveries) {
    if (!entry.discovery) continue;
    const zone = selectZone(entry.discovery, publicUrl);
    const action = zone ? findAction(zone, { ext: extension, names }) : null;
    if (action) options.push({ client: entry.client, action });
  }
  if (options.length === 0) {
    const failures = discoveries
      .filter((d) => !d.discovery)
      .map((d) => ({ client: d.client, error: d.lastError ?? 'no discovery yet' }));
    if (failures.length === discoveries.length) return { kind: 'discovery-failed', failures };

    return { kind: 'no-editor', extension };
  }
  const option = options.find((o) => o.client === preferred) ?? options[0]!;

  return { kind: 'ok', option, alternatives: options.map((o) => o.client).filter((name) => name !== option.client) };
};
