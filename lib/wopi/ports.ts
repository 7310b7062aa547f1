import type { Readable } from 'node:stream';
import type { AuditInput } from '@/lib/audit/audit';
import type { ProofInput } from '@/lib/discovery/proof-keys';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { Role } from '@/lib/generated/prisma/enums';

/**
 * Every port the WOPI core needs, as interfaces: documents (metadata and bytes), locks, users,
 * proof keys, audit, the clock. The core (lib/wopi) imports no adapter; whoever starts a server
 * passes real ones (lib/server/wopi-runtime.ts: Postgres and S3) and tests pass memory ones
 * (tests/support/memory-ports.ts).
 */

// ─── Documents ──────────────────────────────────────────────────────────────────────────

/** What the WOPI layer knows of a document. */
export type WopiDocument = {
  id: string;
  name: string;
  folder: string;
  extension: string;
  size: number;
  sha256: string | null;
  version: number;
  lastModifiedAt: Date;
  createdById: string | null;
  /** Where this version's bytes are (opaque to callers). */
  contentKey: string;
  /** The visible object's key and the ETag it had when the portal last wrote or saw it. */
  key: string;
  etag: string | null;
  /** Set while the visible object is still being brought up to the committed content. */
  mirrorPendingSince: Date | null;
};

/** The document was deleted (or its object vanished) while the operation ran. */
export class DocumentGoneError extends Error {
  constructor() {
    super('The document was deleted meanwhile');
    this.name = 'DocumentGoneError';
  }
}

export type LockMismatch = { ok: false; reason: 'lock'; current: string };

export type WriteResult =
  | {
      ok: true;
      version: number;
      lastModifiedAt: Date;
      size: number;
      sha256: string;
      /** The bytes equal the current version's; nothing was written. */
      isUnchanged?: boolean;
      /**
       * Background work the write leaves for after the answer (the copy of the new version to
       * the document's visible key): the caller runs it once the reply is out (WopiReply.afterSend).
       * Not running it is safe, only slower: the janitor completes a pending copy.
       */
      followUp?: () => void;
    }
  | LockMismatch
  /** The document changed since the editor last read it (Collabora's timestamp check). */
  | { ok: false; reason: 'stale'; lastModifiedAt: Date };

type Body = ReadableStream<Uint8Array> | Readable;

/**
 * The document side of WOPI (lib/server/wopi-document-store.ts is the real one, tests have a
 * memory one). Writes re-check the WOPI lock inside their commit, with the row locked, so a
 * lock taken or lost while a body streams decides the outcome, not the earlier check.
 */
export interface DocumentStore {
  /** A visible document, or null (unknown, deleted, or its object vanished). */
  find(id: string): Promise<WopiDocument | null>;
  /**
   * `doc` as it is now, after adopting a change another tool made to its visible object in the
   * bucket (a new version keeping those bytes; see lib/documents/content.ts). Null when the
   * document vanished meanwhile.
   */
  refresh(doc: WopiDocument): Promise<WopiDocument | null>;
  /**
   * Exactly the bytes of `doc.version`: a Node stream (the server's, lib/server/wopi-document-store.ts)
   * or a web stream (test doubles); whoever reads it consumes or destroys it.
   */
  read(doc: WopiDocument): Promise<{ body: Readable | ReadableStream<Uint8Array>; size: number }>;
  /** The SHA-256 of the current bytes, computing and storing it when unknown. */
  sha256(doc: WopiDocument): Promise<string>;
  /**
   * PutFile: `lockId` must be the current lock, or null for "unlocked and currently 0 bytes".
   * Throws ObjectTooLargeError past `maxBytes`; on any error nothing changes.
   */
  write(input: {
    doc: WopiDocument;
    body: Body;
    /** The body's declared length (Content-Length), when the request gave one. */
    declaredSize?: number;
    maxBytes: number;
    lockId: string | null;
    userId: string;
    now: Date;
    /** Refuse ('stale') unless the current LastModifiedTime is exactly this ISO string. */
    ifLastModified?: string;
    /** Bytes equal to the current version's change nothing (`isUnchanged`): no version, same Version. */
    isIdenticalSkipped?: boolean;
    details?: Prisma.InputJsonValue;
    /**
     * The audit event of a write that made a new version: committed with it (outcome success,
     * `userId`, the document, details `{ version, size }`); none when refused or unchanged.
     */
    audit?: { action: string };
  }): Promise<WriteResult>;
  /**
   * PutRelativeFile: a new document beside `source`, or over an unlocked existing one when `overwrite`.
   * With `isRenamedWhenTaken` (suggested mode) the document gets the first name like `name` that
   * is free when it commits ("a (1).docx", …: the body is read once and each try commits it
   * again), and `exists` only once a bounded number of tries all found their name taken.
   */
  createRelative(input: {
    source: WopiDocument;
    name: string;
    body: Body;
    /** The body's declared length (Content-Length), when the request gave one. */
    declaredSize?: number;
    maxBytes: number;
    overwrite: boolean;
    isRenamedWhenTaken?: boolean;
    userId: string;
    now: Date;
  }): Promise<{ ok: true; doc: WopiDocument } | { ok: false; reason: 'exists' } | LockMismatch>;
  /** The first free name like `name` in `folder` ("a.docx", "a (1).docx", …). */
  freeName(folder: string, name: string): Promise<string>;
  /**
   * RenameFile within the folder; a taken name gets a " (n)" suffix, one still free when the
   * rename commits. Returns the final name. Throws a DomainError conflict (`name_conflict`) only
   * once a bounded number of tries all found their name taken meanwhile.
   */
  rename(input: {
    doc: WopiDocument;
    name: string;
    lockId: string;
    userId: string;
    now: Date;
  }): Promise<{ ok: true; name: string } | LockMismatch>;
  /** DeleteFile: refused while locked; the bytes move to the trash. */
  delete(input: { doc: WopiDocument; userId: string; now: Date }): Promise<{ ok: true } | LockMismatch>;
}

// ─── Locks ──────────────────────────────────────────────────────────────────────────────

/** Locks expire this long after LOCK or REFRESH_LOCK ([MS-WOPI] 3.3.5.1.3). */
export const LOCK_TTL_MS = 30 * 60 * 1000;
export const LOCK_ID_MAX_LENGTH = 1024;

/** `current` is the lock held now ('' when the document is unlocked), for X-WOPI-Lock. */
export type LockOutcome = { ok: true } | { ok: false; current: string };

/** An audit event the store records in the same statement as the change (success or failure). */
export type LockAudit = { action: string; userId: string | null };

type Base = { documentId: string; now: Date };
type Change = Base & { audit?: LockAudit };

/**
 * Where WOPI locks live. Every method is ONE atomic statement: no read-compare-write. A lock
 * whose expiry is at or before `now` counts as absent. Locks belong to the document, not to
 * a user: any caller presenting the lock id holds it. With `audit`, the change and its audit
 * event commit together (one statement, one commit: lock changes are the hottest writes).
 */
export interface LockStore {
  /** Takes the lock when absent, refreshes it when `lockId` is the current one; else mismatch. */
  lock(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Releases the lock when `lockId` is the current one. */
  unlock(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Extends the lock when `lockId` is the current one. */
  refresh(input: Change & { lockId: string }): Promise<LockOutcome>;
  /** Replaces `oldLockId` by `lockId` (with a fresh expiry) when `oldLockId` is current. */
  unlockAndRelock(input: Change & { oldLockId: string; lockId: string }): Promise<LockOutcome>;
  /** The current lock id, or '' when unlocked. */
  get(input: Base): Promise<string>;
}

/** The audit action of each lock change (the operations and the handler's one-statement path). */
export const LOCK_AUDIT_ACTIONS = {
  lock: 'wopi.lock',
  unlock: 'wopi.unlock',
  refresh: 'wopi.refresh_lock',
  unlockAndRelock: 'wopi.unlock_and_relock',
} as const;

/** One LockStore call as data: the method and what it is called with, `documentId` and `now` aside. */
export type LockCall =
  | { method: 'lock' | 'unlock' | 'refresh'; lockId: string; audit: LockAudit }
  | { method: 'unlockAndRelock'; oldLockId: string; lockId: string; audit: LockAudit }
  | { method: 'get' };

/** What the call answered: its LockOutcome, or for `get` the current lock id ('' when unlocked). */
export type LockCallResult = LockOutcome | string;

export type LockWithContextInput = {
  /** The token's user and document, as `loadContext` takes them. */
  userId: string;
  documentId: string;
  /** A change runs only for a user with one of these roles (those that may write with this token). */
  roles: readonly Role[];
  now: Date;
  call: LockCall;
};

/** `result` is null when the call did not run: unknown user, hidden document, or a role not in `roles`. */
export type LockWithContextResult = {
  user: WopiUser | null;
  document: WopiDocument | null;
  result: LockCallResult | null;
};

// ─── Users, proofs and the whole set ────────────────────────────────────────────────────

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
  /** Audit events of operations; a save's (`wopi.save`) is committed by DocumentStore.write instead. */
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
  /**
   * `loadContext` and one lock call in ONE atomic statement (lock requests are the hottest
   * writes): the user and visible document exactly as `loadContext` finds them, and `call` run
   * as its LockStore method would run it (same atomicity, expiry and audit event), but only when
   * the user exists, has one of `roles` and the document is visible (`get` reads regardless). The
   * handler uses it for lock requests when present; without it they cost `loadContext` plus the call.
   */
  lockWithContext?: (input: LockWithContextInput) => Promise<LockWithContextResult>;
};
