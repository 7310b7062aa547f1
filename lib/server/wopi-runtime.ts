import { recordAudit } from '@/lib/audit/audit';
import { discoveryProofPort } from '@/lib/discovery/proof-port';
import { loadWopiContext, wopiDocumentStore } from '@/lib/server/wopi-document-store';
import { env, loadEnv, publicUrl, type Env } from '@/lib/env';
import { postgresLockStore } from '@/lib/locks/postgres-lock-store';
import { postgresLockWithContext } from '@/lib/locks/postgres-lock-with-context';
import { log } from '@/lib/log';
import { markTokenUsed, prismaUserPort } from '@/lib/server/wopi-user-port';
import type { WopiRuntime } from '@/lib/wopi/handler';

const createRuntime = (): WopiRuntime => ({
  ports: {
    locks: postgresLockStore,
    documents: wopiDocumentStore,
    loadContext: loadWopiContext,
    lockWithContext: postgresLockWithContext,
    users: prismaUserPort,
    audit: (event) => recordAudit(event),
    markTokenUsed,
    now: () => new Date(),
    proofs: discoveryProofPort,
  },
  config: { publicUrl: publicUrl(), maxUploadBytes: env.MAX_UPLOAD_BYTES },
  log,
});

let built: { config: Env; runtime: WopiRuntime } | undefined;

/**
 * The production wiring: Postgres locks and metadata, S3 bytes, the real clock. Called for every
 * request, built once per configuration (a new one only after setRuntimeEnv changed it).
 */
export const defaultWopiRuntime = (): WopiRuntime => {
  const config = loadEnv();
  if (built?.config !== config) built = { config, runtime: createRuntime() };

  return built.runtime;
};
