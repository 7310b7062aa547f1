import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { env } from '@/lib/env';
import { mintAccessToken } from '@/lib/tokens/tokens';
import { startFloor, type Floor } from '../../../scripts/bench/floor';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor } from '../../support/wopi';

// `npm run bench` reports the portal next to floor+Postgres (scripts/bench/floor-server.ts): the
// least a host that keeps its state in Postgres does per request. A floor that skipped the
// token check, answered for a missing document or let two lock holders in would make that bound
// look lower than it is, so its protocol answers are tested here, on the integration database.

const CHECK_FILE_INFO = '{"BaseFileName":"floor.docx","Size":3}';

let floor: Floor;
let userId: string;
let documentId: string;
let token: string;

beforeAll(async () => {
  userId = (await makeUser('editor')).id;
  documentId = (await addDocument(uniqueFolder('floor'), 'floor.docx', 'abc', userId)).id;
  token = await tokenFor(documentId, userId);
  floor = await startFloor({
    checkFileInfo: CHECK_FILE_INFO,
    postgres: { databaseUrl: env.DATABASE_URL!, tokenSecret: env.WOPI_TOKEN_SECRET! },
  });
}, 120_000);

afterAll(async () => {
  await floor?.stop();
});

const urlOf = (fileId: string, accessToken: string) =>
  `${floor.baseUrl}/pg/wopi/files/${fileId}?access_token=${encodeURIComponent(accessToken)}`;
const lockCall = (override: 'LOCK' | 'UNLOCK', lockId: string, fileId = documentId) =>
  fetch(urlOf(fileId, token), { method: 'POST', headers: { 'X-WOPI-Override': override, 'X-WOPI-Lock': lockId } });

describe('floor+Postgres CheckFileInfo (token check, then the portal context query)', () => {
  it('GET /pg/wopi/files/{id} with a valid token → 200 + the configured JSON', async () => {
    const response = await fetch(urlOf(documentId, token));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(CHECK_FILE_INFO);
  });

  it('GET with a tampered, foreign-secret or expired token → 401', async () => {
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'AB' : 'AA'}`;
    const expired = (await mintAccessToken({ documentId, userId, permissions: ['read'], ttlMs: -1000 })).token;
    for (const bad of [`${header}.${payload}.${flipped}`, `${header}.${payload}`, expired, '', '%E0%A4%A'])
      expect((await fetch(urlOf(documentId, bad))).status).toBe(401);
  });

  it('GET for an unknown or deleted document → 404', async () => {
    const otherId = randomUUID();
    expect((await fetch(urlOf(otherId, await tokenFor(otherId, userId)))).status).toBe(404);
    const deleted = await addDocument(uniqueFolder('floor'), 'gone.docx', 'x', userId);
    await db.document.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    expect((await fetch(urlOf(deleted.id, await tokenFor(deleted.id, userId)))).status).toBe(404);
  });
});

describe('floor+Postgres LOCK/UNLOCK (one statement each, durable)', () => {
  it('POST LOCK → 200; LOCK with another id → 409 + X-WOPI-Lock; UNLOCK → 200; UNLOCK again → 409', async () => {
    expect((await lockCall('LOCK', 'one')).status).toBe(200);
    expect((await lockCall('LOCK', 'one')).status).toBe(200);
    const conflict = await lockCall('LOCK', 'two');
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('x-wopi-lock')).toBe('one');
    expect((await lockCall('UNLOCK', 'two')).status).toBe(409);
    expect((await lockCall('UNLOCK', 'one')).status).toBe(200);
    const again = await lockCall('UNLOCK', 'one');
    expect(again.status).toBe(409);
    expect(again.headers.get('x-wopi-lock')).toBe('');
  });

  it('POST LOCK × 12 at once with different ids → exactly one 200, the others 409 naming it', async () => {
    const other = await addDocument(uniqueFolder('floor'), 'race.docx', 'x', userId);
    const answers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const response = await lockCall('LOCK', `racer-${i}`, other.id);

        return { status: response.status, held: response.headers.get('x-wopi-lock'), lockId: `racer-${i}` };
      }),
    );
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((answer) => answer.status !== 200)) {
      expect(loser.status).toBe(409);
      // Named from the statement's snapshot: the winner, or none when it had not committed yet.
      expect(['', winners[0]!.lockId]).toContain(loser.held);
    }
  });

  it("stop() drops that floor's own schema; another floor on the same database keeps working", async () => {
    const floorSchemas = async () =>
      (
        await db.$queryRaw<
          { name: string }[]
        >`SELECT nspname::text AS name FROM pg_namespace WHERE nspname LIKE 'bench_floor_%'`
      ).map((row) => row.name);
    const before = await floorSchemas();
    const extra = await startFloor({
      checkFileInfo: CHECK_FILE_INFO,
      postgres: { databaseUrl: env.DATABASE_URL!, tokenSecret: env.WOPI_TOKEN_SECRET! },
    });
    expect((await floorSchemas()).length).toBe(before.length + 1);
    await extra.stop();
    expect((await floorSchemas()).sort()).toEqual(before.sort());
    expect((await lockCall('LOCK', 'after')).status).toBe(200);
    expect((await lockCall('UNLOCK', 'after')).status).toBe(200);
  });
});
