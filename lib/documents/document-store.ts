import type { Readable } from 'node:stream';
import type { Prisma } from '@/lib/generated/prisma/client';

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
  /** `isUnchanged`: the bytes equal the current version's; nothing was written. */
  | { ok: true; version: number; lastModifiedAt: Date; size: number; sha256: string; isUnchanged?: boolean }
  | LockMismatch
  /** The document changed since the editor last read it (Collabora's timestamp check). */
  | { ok: false; reason: 'stale'; lastModifiedAt: Date };

type Body = ReadableStream<Uint8Array> | Readable;

/**
 * The document side of WOPI (port; lib/documents/wopi-store.ts is the real one, tests have a
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
  /** Exactly the bytes of `doc.version`. */
  read(doc: WopiDocument): Promise<{ body: ReadableStream<Uint8Array>; size: number }>;
  /** The SHA-256 of the current bytes, computing and storing it when unknown. */
  sha256(doc: WopiDocument): Promise<string>;
  /**
   * PutFile: `lockId` must be the current lock, or null for "unlocked and currently 0 bytes".
   * Throws ObjectTooLargeError past `maxBytes`; on any error nothing changes.
   */
  write(input: {
    doc: WopiDocument;
    body: Body;
    maxBytes: number;
    lockId: string | null;
    userId: string;
    now: Date;
    /** Refuse ('stale') unless the current LastModifiedTime is exactly this ISO string. */
    ifLastModified?: string;
    details?: Prisma.InputJsonValue;
  }): Promise<WriteResult>;
  /** PutRelativeFile: a new document beside `source`, or over an unlocked existing one when `overwrite`. */
  createRelative(input: {
    source: WopiDocument;
    name: string;
    body: Body;
    maxBytes: number;
    overwrite: boolean;
    userId: string;
    now: Date;
  }): Promise<{ ok: true; doc: WopiDocument } | { ok: false; reason: 'exists' } | LockMismatch>;
  /** The first free name like `name` in `folder` ("a.docx", "a (1).docx", …). */
  freeName(folder: string, name: string): Promise<string>;
  /** RenameFile within the folder; a taken name gets a " (n)" suffix. Returns the final name. */
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
