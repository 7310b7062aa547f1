import { connect } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { db, sql } from '@/lib/db';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { bytesOf, tokenFor, wopi, wopiServer } from '../../support/wopi';

// UNLOCK now expires the lock row ('-infinity') instead of deleting it, and lock requests run as
// one statement with the context lookup: every reader must take an expired row for no lock, and
// no token that may not write may change a lock, whatever the method.

let userId: string;
let documentId: string;
let token: string;

beforeEach(async () => {
  userId = (await makeUser('editor')).id;
  documentId = (await addDocument(uniqueFolder('lock-attack'), 'Report.docx', 'original bytes', userId)).id;
  token = await tokenFor(documentId, userId);
});

const post = (override: string, headers: Record<string, string> = {}, as = token) =>
  wopi.override(documentId, override, { token: as, headers });
const lock = (id: string, as?: string) => post('LOCK', { 'X-WOPI-Lock': id }, as);
const getLock = async (as?: string) => (await post('GET_LOCK', {}, as)).headers.get('X-WOPI-Lock');
const content = async () => (await bytesOf(await wopi.getFile(documentId, { token }))).toString();

/** A request with header bytes exactly as given (fetch refuses non-ASCII header values). */
const rawPost = async (headers: Buffer) => {
  const { origin } = await wopiServer();
  const head = Buffer.concat([
    Buffer.from(`POST /wopi/files/${documentId}?access_token=${token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n`),
    Buffer.from('Content-Length: 0\r\n'),
    headers,
    Buffer.from('\r\n'),
  ]);

  return new Promise<{ status: number; lock: Buffer | null }>((resolve, reject) => {
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const answer = Buffer.concat(chunks);
      const headEnd = answer.indexOf('\r\n\r\n');
      const lines = answer.subarray(0, headEnd).toString('latin1').split('\r\n');
      const lockLine = lines.find((line) => line.toLowerCase().startsWith('x-wopi-lock:'));
      resolve({
        status: Number(lines[0]!.split(' ')[1]),
        lock: lockLine === undefined ? null : Buffer.from(lockLine.slice('x-wopi-lock:'.length).trim(), 'latin1'),
      });
    });
    socket.write(head);
  });
};

describe('UNLOCK leaves an expired row: it is no lock anywhere', () => {
  it('POST UNLOCK then GET_LOCK → 200 + X-WOPI-Lock ""; REFRESH_LOCK, UNLOCK, UnlockAndRelock with the old id → 409 + X-WOPI-Lock ""', async () => {
    expect((await lock('A')).status).toBe(200);
    expect((await post('UNLOCK', { 'X-WOPI-Lock': 'A' })).status).toBe(200);
    expect(await getLock()).toBe('');
    for (const [override, headers] of [
      ['REFRESH_LOCK', { 'X-WOPI-Lock': 'A' }],
      ['UNLOCK', { 'X-WOPI-Lock': 'A' }],
      ['LOCK', { 'X-WOPI-Lock': 'B', 'X-WOPI-OldLock': 'A' }],
    ] as const) {
      const response = await post(override, headers);
      expect([override, response.status, response.headers.get('X-WOPI-Lock')]).toEqual([override, 409, '']);
    }
    expect(await getLock()).toBe('');
  });

  it('POST UNLOCK then LOCK with another id → 200, and the new lock holds (409 for the old id)', async () => {
    await lock('A');
    await post('UNLOCK', { 'X-WOPI-Lock': 'A' });
    expect((await lock('B')).status).toBe(200);
    expect(await getLock()).toBe('B');
    const refused = await lock('A');
    expect([refused.status, refused.headers.get('X-WOPI-Lock')]).toEqual([409, 'B']);
  });

  it('POST UNLOCK then PutFile without a lock on a non-empty file → 409 + X-WOPI-Lock ""; with the old id → 409 ""', async () => {
    await lock('A');
    await post('UNLOCK', { 'X-WOPI-Lock': 'A' });
    for (const headers of [{}, { 'X-WOPI-Lock': 'A' }] as Record<string, string>[]) {
      const response = await wopi.putFile(documentId, { token, headers, body: 'new' });
      expect([response.status, response.headers.get('X-WOPI-Lock')]).toEqual([409, '']);
    }
    expect(await content()).toBe('original bytes');
  });

  it('POST UNLOCK then RENAME_FILE and DELETE without a lock → 200 (an expired row locks nothing)', async () => {
    await lock('A');
    await post('UNLOCK', { 'X-WOPI-Lock': 'A' });
    const renamed = await post('RENAME_FILE', { 'X-WOPI-RequestedName': 'Renamed' });
    expect(renamed.status).toBe(200);
    expect((await post('DELETE')).status).toBe(200);
  });
});

describe('lock changes by a token that may not write: refused, the holder keeps the lock', () => {
  it.each([
    ['UNLOCK', { 'X-WOPI-Lock': 'HELD' }],
    ['REFRESH_LOCK', { 'X-WOPI-Lock': 'HELD' }],
    ['LOCK + X-WOPI-OldLock', { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'MINE', 'X-WOPI-OldLock': 'HELD' }],
  ])(
    'POST %s by a viewer, a read-only token and a disabled editor → 401; the lock stays, no audit row of theirs',
    async (label, headers) => {
      expect((await lock('HELD')).status).toBe(200);
      const override = label.startsWith('LOCK') ? 'LOCK' : label;
      const viewer = await makeUser('viewer');
      const disabled = await makeUser('editor');
      const tokens = [
        await tokenFor(documentId, viewer.id),
        await tokenFor(documentId, userId, ['read']),
        await tokenFor(documentId, disabled.id),
      ];
      await db.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
      for (const as of tokens) expect((await post(override, headers, as)).status).toBe(401);
      expect(await getLock()).toBe('HELD');
      const theirs = await db.auditEvent.count({ where: { documentId, userId: { in: [viewer.id, disabled.id] } } });
      expect(theirs).toBe(0);
      // A viewer may read the lock (GET_LOCK needs read only).
      expect(await getLock(tokens[0])).toBe('HELD');
    },
  );
});

describe('lock ids at the edges', () => {
  it('POST LOCK with a 1024-character id → 200, GET_LOCK returns it exactly; 1025 characters or empty → 400, the lock unchanged', async () => {
    const longest = `${'a'.repeat(1023)}z`;
    expect((await lock(longest)).status).toBe(200);
    expect(await getLock()).toBe(longest);
    expect((await lock(`${longest}!`)).status).toBe(400);
    expect((await post('UNLOCK', { 'X-WOPI-Lock': `${longest}!` })).status).toBe(400);
    expect((await lock('')).status).toBe(400);
    expect(await getLock()).toBe(longest);
    expect((await post('UNLOCK', { 'X-WOPI-Lock': longest })).status).toBe(200);
  });

  it('POST LOCK with a UTF-8 id → GET_LOCK and a refusal give back the same bytes; only those bytes unlock', async () => {
    const utf8 = Buffer.from('Sperre ✓ é 🔒', 'utf8');
    const header = (name: string, value: Buffer) =>
      Buffer.concat([Buffer.from(`${name}: `), value, Buffer.from('\r\n')]);
    expect(
      (await rawPost(Buffer.concat([header('X-WOPI-Override', Buffer.from('LOCK')), header('X-WOPI-Lock', utf8)])))
        .status,
    ).toBe(200);
    const got = await rawPost(header('X-WOPI-Override', Buffer.from('GET_LOCK')));
    expect(got.status).toBe(200);
    expect(got.lock?.equals(utf8)).toBe(true);
    const refused = await rawPost(
      Buffer.concat([header('X-WOPI-Override', Buffer.from('LOCK')), header('X-WOPI-Lock', Buffer.from('other'))]),
    );
    expect(refused.status).toBe(409);
    expect(refused.lock?.equals(utf8)).toBe(true);
    const unlocked = await rawPost(
      Buffer.concat([header('X-WOPI-Override', Buffer.from('UNLOCK')), header('X-WOPI-Lock', utf8)]),
    );
    expect(unlocked.status).toBe(200);
    expect(await getLock()).toBe('');
  });
});

describe('races', () => {
  it('20 LOCKs with different ids sent as the held lock expires → at most one 200; every 409 names the lock then held', async () => {
    await lock('OLD');
    // The lock expires 300 ms from now (as if taken 30 minutes ago).
    await sql(`UPDATE "Lock" SET "expiresAt" = now() + interval '300 milliseconds' WHERE "documentId" = $1::uuid`, [
      documentId,
    ]);
    const ids = Array.from({ length: 20 }, (_, i) => `L${i}`);
    const answers = await Promise.all(
      ids.map(async (id, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 30));
        const response = await lock(id);

        return { id, status: response.status, held: response.headers.get('X-WOPI-Lock') };
      }),
    );
    const winners = answers.filter((answer) => answer.status === 200).map((answer) => answer.id);
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer.status).toBe(409);
      expect(['OLD', ...winners]).toContain(answer.held);
    }
    expect(await getLock()).toBe(winners[0] ?? '');
  });

  it('LOCK/UNLOCK/REFRESH_LOCK/UnlockAndRelock storm with two ids → no 5xx, every 409 carries X-WOPI-Lock, GET_LOCK is one of them or ""', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => {
      const [mine, theirs] = i % 2 ? ['A', 'B'] : ['B', 'A'];
      switch (i % 4) {
        case 0:
          return () => lock(mine);
        case 1:
          return () => post('UNLOCK', { 'X-WOPI-Lock': mine });
        case 2:
          return () => post('REFRESH_LOCK', { 'X-WOPI-Lock': mine });
        default:
          return () => post('LOCK', { 'X-WOPI-Lock': mine, 'X-WOPI-OldLock': theirs });
      }
    });
    const answers = await Promise.all(requests.map((send) => send()));
    for (const answer of answers) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 409) expect(answer.headers.get('X-WOPI-Lock')).not.toBeNull();
    }
    expect(['', 'A', 'B']).toContain(await getLock());
  });

  it('PutFile under lock A while UNLOCK A and LOCK B land mid-body → 409 + X-WOPI-Lock: B; content unchanged, B holds', async () => {
    await lock('A');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sentFirst!: () => void;
    const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        step += 1;
        if (step === 1) return controller.enqueue(Buffer.from('saved '));
        sentFirst();
        await released;
        controller.enqueue(Buffer.from('by A'));
        controller.close();
      },
    });
    const save = wopi.putFile(documentId, { token, headers: { 'X-WOPI-Lock': 'A' }, body });
    await firstSent;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await post('UNLOCK', { 'X-WOPI-Lock': 'A' })).status).toBe(200);
    expect((await lock('B')).status).toBe(200);
    release();
    const response = await save;
    expect([response.status, response.headers.get('X-WOPI-Lock')]).toEqual([409, 'B']);
    expect(await content()).toBe('original bytes');
    expect(await getLock()).toBe('B');
  });
});
