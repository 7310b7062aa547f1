import { createHash } from 'node:crypto';
import { configuredClients } from '@/lib/discovery/clients';
import { selectZone } from '@/lib/discovery/parse';
import { getDiscovery, refreshDiscovery, type ClientDiscovery } from '@/lib/discovery/store';
import { publicUrl } from '@/lib/env';

export type EditorDiagnostics = {
  name: string;
  discoveryUrl: string;
  fetchedAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  zone: string | null;
  apps: string[];
  actions: string[];
  extensions: string[];
  proofKeyFingerprint: string | null;
  oldProofKeyFingerprint: string | null;
};

const fingerprint = (modulus?: string) =>
  modulus
    ? createHash('sha256')
        .update(Buffer.from(modulus, 'base64'))
        .digest('hex')
        .slice(0, 16)
        .replace(/(....)(?=.)/g, '$1:')
    : null;

const describe = (name: string, discoveryUrl: string, entry: ClientDiscovery): EditorDiagnostics => {
  const zone = entry.discovery ? selectZone(entry.discovery, publicUrl()) : null;

  return {
    name,
    discoveryUrl,
    fetchedAt: entry.fetchedAt,
    lastAttemptAt: entry.lastAttemptAt,
    lastError: entry.lastError,
    zone: zone?.name ?? null,
    apps: zone ? [...new Set(zone.apps.map((app) => app.name))] : [],
    actions: zone ? [...new Set(zone.actions.map((action) => action.name))].sort() : [],
    extensions: zone ? [...new Set(zone.actions.map((action) => action.ext).filter(Boolean))].sort() : [],
    proofKeyFingerprint: fingerprint(entry.discovery?.proofKey?.modulus),
    oldProofKeyFingerprint: fingerprint(entry.discovery?.proofKey?.oldModulus),
  };
};

/** What the admin page and `cli discovery status` show for each configured editor. */
export const editorDiagnostics = async ({ refresh = false } = {}) =>
  Promise.all(
    configuredClients().map(async (client) =>
      describe(client.name, client.discoveryUrl, refresh ? await refreshDiscovery(client) : await getDiscovery(client)),
    ),
  );
