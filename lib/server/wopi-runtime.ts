import { recordAudit } from '@/lib/audit/audit';
import { discoveryProofPort } from '@/lib/discovery/proof-port';
import { loadWopiContext, wopiDocumentStore } from '@/lib/server/wopi-document-store';
import { env, publicUrl } from '@/lib/env';
import { postgresLockStore } from '@/lib/locks/postgres-lock-store';
import { log } from '@/lib/log';
import { markTokenUsed, prismaUserPort } from '@/lib/server/wopi-user-port';
import type { WopiRuntime } from '@/lib/wopi/handler';

/** The production wiring: Postgres locks and metadata, S3 bytes, the real clock. */
export const defaultWopiRuntime = (): WopiRuntime => ({
  ports: {
    locks: postgresLockStore,
    documents: wopiDocumentStore,
    loadContext: loadWopiContext,
    users: prismaUserPort,
    audit: (event) => recordAudit(event),
    markTokenUsed,
    now: () => new Date(),
    proofs: discoveryProofPort,
  },
  config: { publicUrl: publicUrl(), maxUploadBytes: env.MAX_UPLOAD_BYTES },
  log,
});
