import type { AuditInput } from '@/lib/audit/audit';
import type { ProofInput } from '@/lib/discovery/proof-keys';
import type { DocumentStore, WopiDocument } from '@/lib/documents/document-store';
import type { Role } from '@/lib/generated/prisma/enums';
import type { LockStore } from '@/lib/locks/lock-store';
import type { Permission } from '@/lib/tokens/permissions';
import type { AccessTokenClaims } from '@/lib/tokens/tokens';

export type WopiUser = { id: string; email: string; name: string; role: Role; wopiUserInfo: string | null };

export interface UserPort {
  get(id: string): Promise<WopiUser | null>;
  setUserInfo(id: string, info: string): Promise<void>;
}

export type ProofResult = { status: 'ok' } | { status: 'no-key' } | { status: 'failed'; reason: string };

/** Proof-key validation for tokens minted for an editor (lib/discovery/proof-port.ts). */
export interface ProofPort {
  verify(client: string, input: ProofInput): Promise<ProofResult>;
}

/** Everything an operation touches outside itself; tests pass memory ones and a fixed clock. */
export type WopiPorts = {
  locks: LockStore;
  documents: DocumentStore;
  users: UserPort;
  audit: (event: AuditInput) => Promise<void>;
  /** Records the first use of a token; true when this call is that first use. */
  markTokenUsed: (input: { tokenId: string; documentId: string; userId: string }) => Promise<boolean>;
  now: () => Date;
  /** Both lookups in one round trip; without it the handler asks `users` and `documents` in parallel. */
  loadContext?: (
    userId: string,
    documentId: string,
  ) => Promise<{ user: WopiUser | null; document: WopiDocument | null }>;
  /** Absent: proofs are not checked (tests of other behaviour). */
  proofs?: ProofPort;
};

export type WopiConfig = {
  /** Base URL editors and browsers use for this host, without a trailing slash. */
  publicUrl: string;
  maxUploadBytes: number;
};

export type WopiContext = {
  request: Request;
  fileId: string;
  /** The access token as received (for URLs we hand back that must carry it). */
  accessToken: string;
  claims: AccessTokenClaims;
  user: WopiUser;
  /** Token permissions cut down to what the user's role allows now. */
  permissions: ReadonlySet<Permission>;
  document: WopiDocument;
  ports: WopiPorts;
  config: WopiConfig;
};

export type WopiOperation = (ctx: WopiContext) => Promise<Response>;
