import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db, getLockPool, getPool } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { defaultWopiRuntime } from '@/lib/server/wopi-runtime';
import { documentKey } from '@/lib/storage/keys';
import { getObjectNodeStream, headObject } from '@/lib/storage/objects';
import { dispatchContentsOverride } from '@/lib/wopi/dispatch';
import { runWopi } from '@/lib/wopi/handler';
import { wopiRequestOfFetch } from '@/lib/wopi/request';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

// A save's latency is its S3 PUT plus its Postgres round trips (issue 10: "the commit in one or
// two SQL round trips"): the context lookup reads the WOPI lock too (lib/wopi/handler.ts lookUp),
// the commit statement inserts its audit row (commitSaveStatement), and the copy to the visible
// key starts only once the answer is out (WopiReply.afterSend), so it never competes with it.

let folder: string;
let userId: string;
let documentId: string;
let token: string;
const LOCK = { 'X-WOPI-Lock': 'L1' };

beforeEach(async () => {
  folder = uniqueFolder('put-rt');
  userId = (await makeUser('editor')).id;
  documentId = (await addDocument(folder, 'Report.docx', 'original bytes', userId)).id;
  token = await tokenFor(documentId, userId);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The plain-SQL statements this process sends (pool.query on both pools), by name or first words. */
const recordStatements = () => {
  const seen: string[] = [];
  for (const pool of [getPool(), getLockPool()]) {
    const query = pool.query.bind(pool);
    vi.spyOn(pool, 'query').mockImplementation((config: unknown, ...rest: unknown[]) => {
      const text = typeof config === 'string' ? config : (config as { name?: string; text: string }).text;
      const name = typeof config === 'object' ? (config as { name?: string }).name : undefined;
      seen.push(name ?? text.replace(/\s+/g, ' ').trim().slice(0, 40));

      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    });
  }

  return seen;
};

/**
 * Every statement sent on the shared pool, on its own or on a checked-out connection (Prisma's
 * included: its adapter runs on this pool). Connections stop recording when released.
 */
const recordClientStatements = () => {
  const seen: string[] = [];
  const record = (config: unknown) => {
    const value = config as string | { name?: string; text: string };
    seen.push(typeof value === 'string' ? value : (value.name ?? value.text.replace(/\s+/g, ' ').slice(0, 40)));
  };
  const pool = getPool();
  type Client = { query: (...args: unknown[]) => unknown; release: (...args: unknown[]) => void };
  const recording = (client: Client) => {
    const { query, release } = client;
    client.query = (...args) => {
      record(args[0]);

      return query.apply(client, args);
    };
    client.release = (...args) => {
      client.query = query;
      client.release = release;
      release.apply(client, args);
    };

    return client;
  };
  // pool.query checks a connection out through connect(callback): both forms are wrapped.
  const connect = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => Promise<Client> | undefined;
  vi.spyOn(pool, 'connect').mockImplementation(((
    callback?: (error: unknown, client?: Client, done?: unknown) => void,
  ) => {
    if (!callback) return connect()!.then(recording);
    void connect((error, client, done) => callback(error, client ? recording(client as Client) : undefined, done));
  }) as never);

  return seen;
};

const saveAudits = () =>
  db.auditEvent.findMany({
    where: { documentId, action: 'wopi.save' },
    select: { outcome: true, userId: true, details: true },
  });

const visibleBytes = async () => {
  const { body } = await getObjectNodeStream(documentKey({ folder, name: 'Report.docx' }));
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);

  return Buffer.concat(chunks).toString();
};

describe('PutFile round trips (production listener, real Postgres and S3)', () => {
  it('POST /wopi/files/:id/contents PUT with the lock → 200 after two SQL statements: context with the lock, then the commit with its audit row', async () => {
    expect((await wopi.override(documentId, 'LOCK', { token, headers: LOCK })).status).toBe(200);
    const statements = recordStatements();
    const response = await wopi.putFile(documentId, { token, headers: LOCK, body: 'saved bytes' });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect(statements).toEqual(['lock.get+context', 'commit-save']);
    expect(await saveAudits()).toEqual([{ outcome: 'success', userId, details: { version: 2, size: 11 } }]);
    await mirrorsSettled();
    expect(await visibleBytes()).toBe('saved bytes');
  });

  it('POST /wopi/files/:id/contents PUT with another lock → 409 + X-WOPI-Lock after one statement; nothing stored, no audit row', async () => {
    expect((await wopi.override(documentId, 'LOCK', { token, headers: LOCK })).status).toBe(200);
    const statements = recordStatements();
    const response = await wopi.putFile(documentId, { token, headers: { 'X-WOPI-Lock': 'other' }, body: 'x' });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    expect(statements).toEqual(['lock.get+context']);
    expect(await saveAudits()).toEqual([]);
  });

  it('POST /wopi/files/:id/contents PUT over a change made in storage → 200; the adopted version and the save, one wopi.save audit row', async () => {
    expect((await wopi.override(documentId, 'LOCK', { token, headers: LOCK })).status).toBe(200);
    await putExternalObject(documentKey({ folder, name: 'Report.docx' }), 'written by another tool');
    const response = await wopi.putFile(documentId, { token, headers: LOCK, body: 'editor save' });
    expect(response.status).toBe(200);
    // Version 2 is the other tool's bytes (adopted in the save's transaction), 3 the save.
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('3');
    expect(await saveAudits()).toEqual([{ outcome: 'success', userId, details: { version: 3, size: 11 } }]);
    await mirrorsSettled();
    expect(await visibleBytes()).toBe('editor save');
  });

  it('the PutFile reply starts the copy to the visible key only when afterSend runs (after the answer is written)', async () => {
    expect((await wopi.override(documentId, 'LOCK', { token, headers: LOCK })).status).toBe(200);
    const url = `http://wopi.test/wopi/files/${documentId}/contents?access_token=${encodeURIComponent(token)}`;
    const request = new Request(url, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'PUT', ...LOCK },
      body: 'saved bytes',
    });
    const reply = await runWopi(
      dispatchContentsOverride,
      wopiRequestOfFetch(request),
      documentId,
      defaultWopiRuntime(),
    );
    expect(reply.status).toBe(200);
    expect(reply.afterSend).toBeTypeOf('function');
    const pending = () =>
      db.document.findUniqueOrThrow({ where: { id: documentId }, select: { mirrorPendingSince: true } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await mirrorsSettled();
    expect((await pending()).mirrorPendingSince).not.toBeNull();
    expect(await visibleBytes()).toBe('original bytes');
    const statements = recordClientStatements();
    reply.afterSend!();
    await mirrorsSettled();
    // The common case in plain SQL on one connection, no Prisma query (syncMirrorCommon).
    expect(statements).toEqual(['BEGIN', 'mirror.lock-row', 'mirror.copied', 'COMMIT']);
    expect((await pending()).mirrorPendingSince).toBeNull();
    expect(await visibleBytes()).toBe('saved bytes');
    expect((await headObject(documentKey({ folder, name: 'Report.docx' })))?.size).toBe(11);
  });
});
