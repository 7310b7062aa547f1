import { findClient } from '@/lib/discovery/clients';
import { verifyProof, type ProofInput } from '@/lib/discovery/proof-keys';
import { getDiscovery, refreshDiscovery } from '@/lib/discovery/store';
import type { ProofPort } from '@/lib/wopi/ports';

const REFETCH_FLOOR_MS = 10_000;

/**
 * Checks X-WOPI-Proof against the editor's discovery keys. A failure refetches discovery once
 * (the editor may have rotated its keys; at most every 10 s) before it counts. An editor whose discovery publishes
 * no key, or that is no longer configured, is not checked ('no-key').
 */
export const discoveryProofPort: ProofPort = {
  verify: async (clientName: string, input: ProofInput) => {
    const client = findClient(clientName);
    if (!client) return { status: 'no-key' };
    const cached = await getDiscovery(client);
    const key = cached.discovery?.proofKey;
    if (!key) return { status: 'no-key' };
    const first = verifyProof(key, input);
    if (first.ok) return { status: 'ok' };
    if (first.reason === 'stale' || first.reason === 'future' || first.reason === 'missing')
      return { status: 'failed', reason: first.reason };
    // Bad proofs must not turn into a fetch storm against the editor: at most one refetch per 10 s.
    if (cached.lastAttemptAt && Date.now() - cached.lastAttemptAt.getTime() < REFETCH_FLOOR_MS) {
      return { status: 'failed', reason: first.reason };
    }
    const refreshed = await refreshDiscovery(client);
    const rotated = refreshed.discovery?.proofKey;
    const second = rotated ? verifyProof(rotated, input) : first;

    return second.ok ? { status: 'ok' } : { status: 'failed', reason: second.reason };
  },
};
