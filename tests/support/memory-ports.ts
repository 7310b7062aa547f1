import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuditInput } from '@/lib/audit/audit';
import { DocumentGoneError, type DocumentStore, type WopiDocument } from '@/lib/wopi/ports';
import { setRuntimeEnv } from '@/lib/env';
import type { Role } from '@/lib/generated/prisma/enums';
import {
  LOCK_TTL_MS,
  type LockAudit,
  type LockOutcome,
  type LockStore,
  type LockWithContextInput,
  type LockWithContextResult,
  type WopiPorts,
} from '@/lib/wopi/ports';
import type { Permission } from '@/lib/tokens/permissions';
import { mintAccessToken } from '@/lib/tokens/tokens';
import { dispatchContentsOverride, dispatchFileOverride } from '@/lib/wopi/dispatch';
import { checkFileInfo } from '@/lib/wopi/operations/check-file-info';
import { getFile } from '@/lib/wopi/operations/get-file';
import type { UserPort, WopiUser } from '@/lib/wopi/ports';
import type { WopiOperation } from '@/lib/wopi/types';

/**
 * In-memory ports for tests of the WOPI layer: no database, no S3, a clock the test moves.
 * The token secret is set here; handler.ts (which pulls in lib/log) is imported only after
 * LOG_LEVEL is silenced, so test files must import this module before anything from
 * lib/wopi/handler or lib/wopi/runtime.
 */
export const TEST_TOKEN_SECRET = 'unit-test-secret-0123456789abcdef0123456789';
setRuntimeEnv({ WOPI_TOKEN_SECRET: TEST_TOKEN_SECRET, LOG_LEVEL: 'silent' });
const { handleWopi } = await import('@/lib/wopi/handler');
const { ObjectTooLargeError } = await import('@/lib/storage/objects');
const { extensionOf } = await import('@/lib/storage/keys');

// ─── Clock ────────────────────────────────────────────────────────────────────────────────

export type Clock = { now: () => Date; advance: (ms: number) => Date; set: (at: Date | string | number) => Date };

/** A fixed clock: time moves only when the test says so. */
export const createClock = (start: Date | string | number = '2031-03-04T05:06:07.089Z'): Clock => {
  let current = new Date(start).getTime();

  return {
    now: () => new Date(current),
    advance: (ms) => new Date((current += ms)),
    set: (at) => new Date((current = new Date(at).getTime())),
  };
};

// ─── Locks ────────────────────────────────────────────────────────────────────────────────

type HeldLock = { lockId: string; expiresAt: number };

export type MemoryLockStore = LockStore & {
  /** The raw rows, expired ones included (for "nothing changed" assertions). */
  readonly rows: ReadonlyMap<string, Readonly<HeldLock>>;
};

/** The LockStore contract in memory (expiry: absent when expiresAt <= now; TTL LOCK_TTL_MS). */
export const createMemoryLockStore = (onAudit?: (event: AuditInput) => void): MemoryLockStore => {
  const rows = new Map<string, HeldLock>();
  /** Records the change's audit event, as the Postgres store does in the same statement. */
  const audited = (input: { documentId: string; audit?: LockAudit }, outcome: LockOutcome) => {
    if (input.audit) {
      onAudit?.({
        action: input.audit.action,
        outcome: outcome.ok ? 'success' : 'failure',
        userId: input.audit.userId,
        documentId: input.documentId,
      });
    }

    return Promise.resolve(outcome);
  };
  const held = (documentId: string, now: Date) => {
    const row = rows.get(documentId);

    return row && row.expiresAt > now.getTime() ? row.lockId : '';
  };
  const mismatch = (documentId: string, now: Date): LockOutcome => ({ ok: false, current: held(documentId, now) });
  const set = (documentId: string, lockId: string, now: Date) =>
    rows.set(documentId, { lockId, expiresAt: now.getTime() + LOCK_TTL_MS });

  // Each method runs synchronously when called (Promise.resolve of the result): its read and
  // write cannot interleave with another call, which is this store's "one atomic statement".
  return {
    rows,
    lock: (input) => {
      const { documentId, lockId, now } = input;
      const current = held(documentId, now);
      if (current !== '' && current !== lockId) return audited(input, mismatch(documentId, now));
      set(documentId, lockId, now);

      return audited(input, { ok: true });
    },
    unlock: (input) => {
      const { documentId, lockId, now } = input;
      if (held(documentId, now) !== lockId) return audited(input, mismatch(documentId, now));
      rows.delete(documentId);

      return audited(input, { ok: true });
    },
    refresh: (input) => {
      const { documentId, lockId, now } = input;
      if (held(documentId, now) !== lockId) return audited(input, mismatch(documentId, now));
      set(documentId, lockId, now);

      return audited(input, { ok: true });
    },
    unlockAndRelock: (input) => {
      const { documentId, oldLockId, lockId, now } = input;
      if (held(documentId, now) !== oldLockId) return audited(input, mismatch(documentId, now));
      set(documentId, lockId, now);

      return audited(input, { ok: true });
    },
    get: ({ documentId, now }) => Promise.resolve(held(documentId, now)),
  };
};

type MemoryLockPorts = Pick<WopiPorts, 'users' | 'documents' | 'locks'>;

/**
 * WopiPorts.lockWithContext over memory ports, behaving as the Postgres one: both lookups, then
 * the call only for a user with one of `roles` on a visible document (`get` regardless). Reads
 * the ports on every call, so a test that swaps one sees its swap.
 */
export const createMemoryLockWithContext =
  (ports: () => MemoryLockPorts) =>
  async ({ userId, documentId, roles, now, call }: LockWithContextInput): Promise<LockWithContextResult> => {
    const { users, documents, locks } = ports();
    const [user, document] = await Promise.all([users.get(userId), documents.find(documentId)]);
    if (call.method === 'get') return { user, document, result: await locks.get({ documentId, now }) };
    if (!user || !document || !roles.includes(user.role)) return { user, document, result: null };
    const input = { documentId: document.id, now, lockId: call.lockId, audit: call.audit };
    const result =
      call.method === 'unlockAndRelock'
        ? await locks.unlockAndRelock({ ...input, oldLockId: call.oldLockId })
        : await locks[call.method](input);

    return { user, document, result };
  };

// ─── Documents ────────────────────────────────────────────────────────────────────────────

export type SeedDocument = {
  id?: string;
  name: string;
  folder?: string;
  content?: string | Uint8Array;
  version?: number;
  lastModifiedAt?: Date;
  createdById?: string | null;
  /** Leave the SHA-256 unknown, as for bytes another tool put in the bucket. */
  isHashUnknown?: boolean;
};

type Row = WopiDocument & { deletedAt: Date | null; pendingStorageChange?: Buffer };

export type MemoryDocumentStore = DocumentStore & {
  /** The stored row, deleted ones included. */
  row: (id: string) => Readonly<Row> | undefined;
  /** The current bytes of a document (deleted ones included). */
  bytes: (id: string) => Buffer;
  /** Every visible document. */
  visible: () => WopiDocument[];
  add: (seed: SeedDocument) => WopiDocument;
  /** Another tool replaces the visible object: seen by the next refresh or commit. */
  changeInStorage: (id: string, bytes: string | Uint8Array) => void;
};

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const toBuffer = (content: string | Uint8Array) =>
  typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);

/** Reads a whole body (fine for tests), throwing ObjectTooLargeError past `maxBytes`. */
const readBody = async (body: ReadableStream<Uint8Array> | Readable, maxBytes: number) => {
  const chunks: Buffer[] = [];
  let size = 0;
  const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      source.destroy();
      throw new ObjectTooLargeError(maxBytes);
    }
    chunks.push(Buffer.from(chunk));
  }

  return Buffer.concat(chunks);
};

const withSuffix = (name: string, n: number) => {
  const dot = name.lastIndexOf('.');

  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
};

/** Strictly after the previous time, so LastModifiedTime differs after every write. */
const nextModifiedAt = (previous: Date, now: Date) => new Date(Math.max(now.getTime(), previous.getTime() + 1));

/**
 * The DocumentStore port in memory, following lib/documents/wopi-store.ts: bytes by content
 * key, writes re-check the WOPI lock (through `locks`) at commit, deleted documents vanish.
 */
export const createMemoryDocumentStore = (
  initialDocs: SeedDocument[] = [],
  options: { locks: LockStore; audit?: (event: AuditInput) => void },
): MemoryDocumentStore => {
  const { locks } = options;
  const rows = new Map<string, Row>();
  const blobs = new Map<string, Buffer>();

  const putBlob = (bytes: Buffer) => {
    const contentKey = `.wopi/blobs/${randomUUID()}`;
    blobs.set(contentKey, bytes);

    return contentKey;
  };
  const toWopi = ({ deletedAt: _deletedAt, pendingStorageChange: _pending, ...doc }: Row): WopiDocument => ({
    ...doc,
  });
  /** As lib/documents/content.ts adoptStorageChangeLocked: the other tool's bytes become a version. */
  const adopt = (row: Row, now: Date) => {
    if (!row.pendingStorageChange) return;
    replaceContent(row, row.pendingStorageChange, now);
    row.sha256 = null;
    row.pendingStorageChange = undefined;
  };
  const visibleRow = (id: string) => {
    const row = rows.get(id);

    return row && !row.deletedAt ? row : undefined;
  };
  const rowAt = (folder: string, name: string) =>
    [...rows.values()].find((row) => !row.deletedAt && row.folder === folder && row.name === name);
  const replaceContent = (row: Row, bytes: Buffer, now: Date) => {
    row.contentKey = putBlob(bytes);
    row.size = bytes.byteLength;
    row.sha256 = sha256Hex(bytes);
    row.version += 1;
    row.lastModifiedAt = nextModifiedAt(row.lastModifiedAt, now);
  };

  const add = (seed: SeedDocument): WopiDocument => {
    const bytes = toBuffer(seed.content ?? '');
    const row: Row = {
      id: seed.id ?? randomUUID(),
      name: seed.name,
      folder: seed.folder ?? '',
      extension: extensionOf(seed.name),
      size: bytes.byteLength,
      sha256: seed.isHashUnknown ? null : sha256Hex(bytes),
      version: seed.version ?? 1,
      lastModifiedAt: seed.lastModifiedAt ?? new Date('2031-01-01T00:00:00.000Z'),
      createdById: seed.createdById ?? null,
      contentKey: putBlob(bytes),
      key: `${seed.folder ? `${seed.folder}/` : ''}${seed.name}`,
      etag: null,
      mirrorPendingSince: null,
      deletedAt: null,
    };
    rows.set(row.id, row);

    return toWopi(row);
  };
  for (const seed of initialDocs) add(seed);

  const freeNameNow = (folder: string, name: string) => {
    for (let n = 0; n < 1000; n++) {
      const candidate = n === 0 ? name : withSuffix(name, n);
      if (!rowAt(folder, candidate)) return candidate;
    }
    throw new Error(`too many documents named like ${name}`);
  };

  return {
    add,
    row: (id) => rows.get(id),
    bytes: (id) => {
      const row = rows.get(id);
      if (!row) throw new Error(`no document ${id}`);

      return blobs.get(row.contentKey)!;
    },
    visible: () => [...rows.values()].filter((row) => !row.deletedAt).map(toWopi),
    changeInStorage: (id, bytes) => {
      rows.get(id)!.pendingStorageChange = toBuffer(bytes);
    },

    refresh: (doc) => {
      const row = visibleRow(doc.id);
      if (row) adopt(row, row.lastModifiedAt);

      return Promise.resolve(row ? toWopi(row) : null);
    },

    find: (id) => {
      const row = visibleRow(id);

      return Promise.resolve(row ? toWopi(row) : null);
    },

    read: (doc) => {
      const bytes = blobs.get(doc.contentKey);
      if (!bytes) return Promise.reject(new DocumentGoneError());
      const body = Readable.toWeb(Readable.from([bytes])) as ReadableStream<Uint8Array>;

      return Promise.resolve({ body, size: bytes.byteLength });
    },

    sha256: (doc) => {
      if (doc.sha256) return Promise.resolve(doc.sha256);
      const sha256 = sha256Hex(blobs.get(doc.contentKey) ?? Buffer.alloc(0));
      const row = rows.get(doc.id);
      if (row && row.version === doc.version && row.sha256 === null) row.sha256 = sha256;

      return Promise.resolve(sha256);
    },

    write: async ({ doc, body, maxBytes, lockId, userId, now, ifLastModified, isIdenticalSkipped, audit }) => {
      const bytes = await readBody(body, maxBytes);
      const row = visibleRow(doc.id);
      if (!row) throw new DocumentGoneError();
      const current = await locks.get({ documentId: row.id, now });
      const isAllowed = lockId === null ? current === '' && row.size === 0 : current === lockId;
      if (!isAllowed) return { ok: false, reason: 'lock', current };
      adopt(row, now);
      if (ifLastModified !== undefined && row.lastModifiedAt.toISOString() !== ifLastModified) {
        return { ok: false, reason: 'stale', lastModifiedAt: row.lastModifiedAt };
      }
      const sha256 = sha256Hex(bytes);
      if (isIdenticalSkipped && row.sha256 === sha256 && row.size === bytes.byteLength)
        return {
          ok: true,
          version: row.version,
          lastModifiedAt: row.lastModifiedAt,
          size: row.size,
          sha256,
          isUnchanged: true,
        };
      replaceContent(row, bytes, now);
      // Committed with the version, as the Postgres store's one statement does.
      if (audit) {
        const details = { version: row.version, size: row.size };
        options.audit?.({ action: audit.action, outcome: 'success', userId, documentId: row.id, details });
      }

      return {
        ok: true,
        version: row.version,
        lastModifiedAt: row.lastModifiedAt,
        size: row.size,
        sha256: row.sha256!,
      };
    },

    createRelative: async ({ source, name: wanted, body, maxBytes, overwrite, isRenamedWhenTaken, userId, now }) => {
      const bytes = await readBody(body, maxBytes);
      const name = isRenamedWhenTaken ? freeNameNow(source.folder, wanted) : wanted;
      const existing = rowAt(source.folder, name);
      if (existing) {
        if (!overwrite) return { ok: false, reason: 'exists' };
        const current = await locks.get({ documentId: existing.id, now });
        if (current) return { ok: false, reason: 'lock', current };
        replaceContent(existing, bytes, now);

        return { ok: true, doc: toWopi(existing) };
      }
      const created = add({ name, folder: source.folder, content: bytes, lastModifiedAt: now, createdById: userId });

      return { ok: true, doc: created };
    },

    freeName: (folder, name) => Promise.resolve().then(() => freeNameNow(folder, name)),

    rename: async ({ doc, name, lockId, now }) => {
      const row = visibleRow(doc.id);
      if (!row) throw new DocumentGoneError();
      const wanted = row.extension ? `${name}.${row.extension}` : name;
      const current = await locks.get({ documentId: row.id, now });
      if (current && current !== lockId) return { ok: false, reason: 'lock', current };
      if (row.name === wanted) return { ok: true, name: row.name };
      const finalName = freeNameNow(row.folder, wanted);
      row.name = finalName;
      row.extension = extensionOf(finalName);

      return { ok: true, name: finalName };
    },

    delete: async ({ doc, now }) => {
      const row = visibleRow(doc.id);
      if (!row) throw new DocumentGoneError();
      const current = await locks.get({ documentId: row.id, now });
      if (current) return { ok: false, reason: 'lock', current };
      row.deletedAt = now;

      return { ok: true };
    },
  };
};

// ─── Users, audit, token use ──────────────────────────────────────────────────────────────

export type MemoryUserPort = UserPort & {
  setRole: (id: string, role: Role) => void;
  remove: (id: string) => void;
};

export const createMemoryUserPort = (initial: WopiUser[] = []): MemoryUserPort => {
  const users = new Map(initial.map((user) => [user.id, { ...user }]));
  const mustGet = (id: string) => {
    const user = users.get(id);
    if (!user) throw new Error(`no user ${id}`);

    return user;
  };

  return {
    get: (id) => {
      const user = users.get(id);

      return Promise.resolve(user ? { ...user } : null);
    },
    setUserInfo: (id, info) => {
      mustGet(id).wopiUserInfo = info;

      return Promise.resolve();
    },
    setRole: (id, role) => {
      mustGet(id).role = role;
    },
    remove: (id) => {
      users.delete(id);
    },
  };
};

export const makeUser = (overrides: Partial<WopiUser> = {}): WopiUser => ({
  id: randomUUID(),
  email: 'editor@test.example',
  name: 'Edith Editor',
  role: 'editor',
  wopiUserInfo: null,
  ...overrides,
});

/** Records the first use of each token id, like the WopiTokenUse table's primary key. */
export const createTokenUseSet = () => {
  const used = new Set<string>();

  return {
    used,
    markTokenUsed: ({ tokenId }: { tokenId: string }) => {
      if (used.has(tokenId)) return Promise.resolve(false);
      used.add(tokenId);

      return Promise.resolve(true);
    },
  };
};

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

// ─── Runtime + wire helper ────────────────────────────────────────────────────────────────

export const PUBLIC_URL = 'http://host.test';
export const MAX_UPLOAD_BYTES = 1024 * 1024;

export type CallInput = {
  fileId: string;
  /** The access token; null sends none. */
  token: string | null;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** '' for /wopi/files/:id, '/contents' for its contents. */
  path?: '' | '/contents';
};

export type TokenInput = {
  documentId: string;
  userId?: string;
  permissions?: readonly Permission[];
  ttlMs?: number;
  notAfter?: number;
};

const FILE_ROUTE = { GET: checkFileInfo, POST: dispatchFileOverride };
const CONTENTS_ROUTE = { GET: getFile, POST: dispatchContentsOverride };

export const ALL_PERMISSIONS: readonly Permission[] = ['read', 'write', 'rename', 'delete', 'create'];

/**
 * A WopiRuntime over memory ports with a fixed clock, plus `call` (a real Request through
 * handleWopi) and `token` (a real signed token minted at the clock's time).
 */
export const makeRuntime = ({
  docs = [],
  users,
  now = '2031-03-04T05:06:07.089Z',
  hasLockWithContext = true,
}: {
  docs?: SeedDocument[];
  users?: WopiUser[];
  now?: Date | string | number;
  /** As production: lock requests look up their context and lock in one port call. False: two calls, as before it. */
  hasLockWithContext?: boolean;
} = {}) => {
  const clock = createClock(now);
  const audit: AuditInput[] = [];
  const locks = createMemoryLockStore((event) => audit.push(event));
  const documents = createMemoryDocumentStore(docs, { locks, audit: (event) => audit.push(event) });
  const defaultUser = users?.[0] ?? makeUser();
  const userPort = createMemoryUserPort(users ?? [defaultUser]);
  const tokenUses = createTokenUseSet();

  const runtime = {
    ports: {
      locks,
      documents,
      users: userPort,
      audit: (event: AuditInput) => {
        audit.push(event);

        return Promise.resolve();
      },
      markTokenUsed: tokenUses.markTokenUsed,
      now: clock.now,
      ...(hasLockWithContext
        ? { lockWithContext: createMemoryLockWithContext((): MemoryLockPorts => runtime.ports) }
        : {}),
    },
    config: { publicUrl: PUBLIC_URL, maxUploadBytes: MAX_UPLOAD_BYTES },
    log: silentLog,
  };

  const call = async (operation: WopiOperation, input: CallInput) => {
    const url = new URL(`${PUBLIC_URL}/wopi/files/${encodeURIComponent(input.fileId)}${input.path ?? ''}`);
    if (input.token !== null) url.searchParams.set('access_token', input.token);
    const method = input.method ?? (input.headers?.['X-WOPI-Override'] || input.body !== undefined ? 'POST' : 'GET');
    const request = new Request(url, {
      method,
      headers: input.headers,
      body: input.body as BodyInit | undefined,
      // Node needs duplex for a streamed request body.
      ...(input.body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });

    return handleWopi(operation, request, input.fileId, runtime);
  };

  /** Every lock row, visible document and its bytes: compare two snapshots for "nothing changed". */
  const snapshot = () => {
    const docs = documents.visible();

    return {
      locks: [...locks.rows.entries()].map(([id, row]) => ({ id, ...row })),
      docs: docs.map((doc) => ({ ...doc, lastModifiedAt: doc.lastModifiedAt.toISOString() })),
      bytes: docs.map((doc) => documents.bytes(doc.id).toString('base64')),
    };
  };

  /** Like the route files: GET/POST /wopi/files/:id and GET/POST /wopi/files/:id/contents. */
  const send = (input: CallInput & { method: 'GET' | 'POST' }) => {
    const route = input.path === '/contents' ? CONTENTS_ROUTE : FILE_ROUTE;

    return call(route[input.method], input);
  };

  const token = async ({
    documentId,
    userId = defaultUser.id,
    permissions = ALL_PERMISSIONS,
    ttlMs,
    notAfter,
  }: TokenInput) => mintAccessToken({ documentId, userId, permissions, ttlMs, notAfter, now: clock.now().getTime() });

  return {
    ...runtime,
    clock,
    locks,
    documents,
    users: userPort,
    user: defaultUser,
    audit,
    usedTokens: tokenUses.used,
    call,
    send,
    snapshot,
    token,
  };
};

export type TestRuntime = ReturnType<typeof makeRuntime>;
