import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { mirrorsSettled } from '@/lib/documents/content';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { bytesOf, tokenFor, wopi, wopiServer } from '../../support/wopi';

let docId: string;
let folder: string;
let token: string;
let userId: string;

beforeEach(async () => {
  folder = uniqueFolder('wopi');
  const user = await makeUser('editor');
  userId = user.id;
  docId = (await addDocument(folder, 'Report.docx', 'original bytes', user.id)).id;
  token = await tokenFor(docId, user.id);
});

const info = async (id = docId, t = token) =>
  (await wopi.checkFileInfo(id, { token: t })).json() as Promise<Record<string, unknown>>;

describe('WOPI against Postgres and S3', () => {
  it('GET /wopi/files/:id → CheckFileInfo describing exactly the stored bytes', async () => {
    const body = await info();
    expect(body).toMatchObject({
      BaseFileName: 'Report.docx',
      Size: 14,
      Version: '1',
      UserId: userId,
      UserCanWrite: true,
      SupportsLocks: true,
    });
    expect(body.SHA256).toBe(createHash('sha256').update('original bytes').digest('base64'));
    expect(body.LastModifiedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('token in Authorization: Bearer works like ?access_token=', async () => {
    expect((await wopi.checkFileInfo(docId, { token, bearer: true })).status).toBe(200);
  });

  it('Authorization: bearer / BEARER (the scheme is case-insensitive, RFC 9110 §11.1) → 200', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr'])
      expect(
        (await wopi.checkFileInfo(docId, { token: '', headers: { authorization: `${scheme} ${token}` }, bearer: true }))
          .status,
      ).toBe(200);
  });

  it('GET /wopi/files/:id and POST LOCK → one Cache-Control: no-store and one X-Content-Type-Options each (not repeated)', async () => {
    const answers = [
      await wopi.checkFileInfo(docId, { token }),
      await wopi.override(docId, 'GET_LOCK', { token }),
      await wopi.getFile(docId, { token }),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      await answer.arrayBuffer();
    }
  });

  it('LOCK → PutFile → GetFile → UNLOCK: new bytes, new version, previous kept as a version', async () => {
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } })).status).toBe(200);
    const put = await wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'L1' }, body: 'edited bytes!' });
    expect(put.status).toBe(200);
    expect(put.headers.get('X-WOPI-ItemVersion')).toBe('2');
    const get = await wopi.getFile(docId, { token });
    expect(get.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect((await bytesOf(get)).toString()).toBe('edited bytes!');
    expect((await wopi.override(docId, 'UNLOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } })).status).toBe(200);
    const versions = await db.documentVersion.findMany({ where: { documentId: docId }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => [v.version, Number(v.size)])).toEqual([
      [1, 14],
      [2, 13],
    ]);
  });

  it('POST LOCK with another lock → 409 + X-WOPI-Lock; GET_LOCK reports it; locks survive a new database client', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'first' } });
    const clash = await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'second' } });
    expect(clash.status).toBe(409);
    expect(clash.headers.get('X-WOPI-Lock')).toBe('first');
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();
    const got = await wopi.override(docId, 'GET_LOCK', { token });
    expect(got.headers.get('X-WOPI-Lock')).toBe('first');
  });

  it('50 parallel LOCKs with different ids → exactly one 200; every 409 names the winner', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': `lock-${i}` } }),
      ),
    );
    const winners = responses.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    const current = (await wopi.override(docId, 'GET_LOCK', { token })).headers.get('X-WOPI-Lock');
    for (const r of responses.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.headers.get('X-WOPI-Lock')).toBe(current);
    }
  });

  it('20 parallel PutFiles under one lock → content is exactly one upload; Size/SHA256/Version match GetFile', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L' } });
    const bodies = Array.from({ length: 20 }, (_, i) =>
      Buffer.concat([Buffer.from(`upload-${i}-`), randomBytes(256 * 1024 + i)]),
    );
    const results = await Promise.all(
      bodies.map((body) => wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'L' }, body })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const versions = results.map((r) => Number(r.headers.get('X-WOPI-ItemVersion'))).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));

    const body = await info();
    const got = await bytesOf(await wopi.getFile(docId, { token }));
    expect(bodies.some((b) => b.equals(got))).toBe(true);
    expect(body.Size).toBe(got.length);
    expect(body.SHA256).toBe(createHash('sha256').update(got).digest('base64'));
    expect(body.Version).toBe('21');
    await mirrorsSettled(); // the visible object follows the last commit in the background
    const mirror = await headObject(documentKey({ folder, name: 'Report.docx' }));
    expect(mirror?.size).toBe(got.length);
  });

  it('PutFile whose connection drops mid-body → previous bytes and version intact, no version added', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L' } });
    const { origin } = await wopiServer();
    const url = new URL(`/wopi/files/${docId}/contents?access_token=${encodeURIComponent(token)}`, origin);
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L', 'Content-Length': String(8 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(3 * 1024 * 1024, 1), () => setTimeout(() => req.destroy(), 200));
    });
    // The server notices the reset and discards the staged bytes; the document never changes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('original bytes');
    expect((await info()).Version).toBe('1');
    expect(await db.documentVersion.count({ where: { documentId: docId } })).toBe(1);
  });

  it('PutFile unlocked on a non-empty file → 409 with X-WOPI-Lock ""; on a 0-byte file → 200', async () => {
    const refused = await wopi.putFile(docId, { token, body: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('X-WOPI-Lock')).toBe('');
    const empty = await addDocument(folder, 'Empty.docx', '', userId);
    const emptyToken = await tokenFor(empty.id, userId);
    expect((await wopi.putFile(empty.id, { token: emptyToken, body: 'template' })).status).toBe(200);
  });

  it('Collabora: X-COOL-WOPI-Timestamp older than LastModifiedTime → 409 {"COOLStatusCode":1010}, nothing written', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L' } });
    const stale = await wopi.putFile(docId, {
      token,
      headers: { 'X-WOPI-Lock': 'L', 'X-COOL-WOPI-Timestamp': '2020-01-01T00:00:00.000Z' },
      body: 'overwrite',
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ COOLStatusCode: 1010 });
    const current = (await info()).LastModifiedTime as string;
    const fresh = await wopi.putFile(docId, {
      token,
      headers: { 'X-WOPI-Lock': 'L', 'X-COOL-WOPI-Timestamp': current, 'X-COOL-WOPI-IsAutosave': 'true' },
      body: 'saved',
    });
    expect(fresh.status).toBe(200);
    const { LastModifiedTime } = (await fresh.json()) as { LastModifiedTime: string };
    expect(LastModifiedTime > current).toBe(true);
    const version = await db.documentVersion.findFirstOrThrow({ where: { documentId: docId, version: 2 } });
    expect(version.details).toMatchObject({ isAutosave: true, via: 'wopi' });
  });

  it('RENAME_FILE → same id, object moved to the new key, {"Name"} without extension', async () => {
    const response = await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { 'X-WOPI-RequestedName': 'Renamed+AF8-report', 'X-WOPI-Lock': '' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ Name: 'Renamed_report' });
    expect((await info()).BaseFileName).toBe('Renamed_report.docx');
    expect(await headObject(documentKey({ folder, name: 'Renamed_report.docx' }))).not.toBeNull();
    expect(await headObject(documentKey({ folder, name: 'Report.docx' }))).toBeNull();
  });

  it('PUT_RELATIVE (suggested ".pdf") → new document beside it; its Url token works and expires no later than ours', async () => {
    const response = await wopi.override(docId, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-SuggestedTarget': '.pdf', 'X-WOPI-Size': '3' },
      body: 'pdf',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { Name: string; Url: string; HostEditUrl: string };
    expect(body.Name).toBe('Report.pdf');
    const url = new URL(body.Url);
    const newToken = url.searchParams.get('access_token')!;
    const newId = url.pathname.split('/').at(-1)!;
    const claims = await verifyAccessToken(newToken);
    const ours = await verifyAccessToken(token);
    expect(claims!.expiresAt).toBeLessThanOrEqual(ours!.expiresAt);
    expect(await info(newId, newToken)).toMatchObject({ BaseFileName: 'Report.pdf', Size: 3 });
  });

  it('DELETE → 200; afterwards every call → 404; bytes restorable from the trash', async () => {
    expect((await wopi.override(docId, 'DELETE', { token })).status).toBe(200);
    expect((await wopi.checkFileInfo(docId, { token })).status).toBe(404);
    expect((await wopi.getFile(docId, { token })).status).toBe(404);
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'x' } })).status).toBe(404);
    expect(await headObject(documentKey({ folder, name: 'Report.docx' }))).toBeNull();
    const { restoreDocument } = await import('@/lib/documents/trash');
    await restoreDocument(docId);
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('original bytes');
  });

  it('DELETE while locked → 409 + X-WOPI-Lock; nothing deleted', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'held' } });
    const response = await wopi.override(docId, 'DELETE', { token });
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('held');
    expect((await wopi.checkFileInfo(docId, { token })).status).toBe(200);
  });

  it('read-only, expired, tampered or other-document token → no state change possible', async () => {
    const readOnly = await tokenFor(docId, userId, ['read']);
    const other = await addDocument(folder, 'Other.docx', 'o', userId);
    const otherToken = await tokenFor(other.id, userId);
    const { mintAccessToken } = await import('@/lib/tokens/tokens');
    const expired = (
      await mintAccessToken({
        documentId: docId,
        userId,
        permissions: ['read', 'write', 'delete', 'rename'],
        now: Date.now() - 60_000,
        ttlMs: 1000,
      })
    ).token;
    for (const t of [readOnly, expired, otherToken, `${token.slice(0, -2)}xx`]) {
      expect((await wopi.override(docId, 'LOCK', { token: t, headers: { 'X-WOPI-Lock': 'evil' } })).status).toBe(401);
      expect((await wopi.putFile(docId, { token: t, headers: { 'X-WOPI-Lock': 'evil' }, body: 'evil' })).status).toBe(
        401,
      );
      expect((await wopi.override(docId, 'DELETE', { token: t })).status).toBe(401);
      expect(
        (await wopi.override(docId, 'RENAME_FILE', { token: t, headers: { 'X-WOPI-RequestedName': 'evil' } })).status,
      ).toBe(401);
    }
    expect((await info()).Version).toBe('1');
    expect((await wopi.override(docId, 'GET_LOCK', { token })).headers.get('X-WOPI-Lock')).toBe('');
  });

  it('a token never grants more than the user role allows now: demoted to viewer → read only', async () => {
    await db.user.update({ where: { id: userId }, data: { role: 'viewer' } });
    expect((await info()).UserCanWrite).toBe(false);
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'x' } })).status).toBe(401);
  });

  it('state changes and the first open of each token are audited', async () => {
    await info();
    await info();
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'a' } });
    await wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'a' }, body: 'v2' });
    await wopi.override(docId, 'UNLOCK', { token, headers: { 'X-WOPI-Lock': 'a' } });
    const events = await db.auditEvent.findMany({
      where: { documentId: docId },
      orderBy: { id: 'asc' },
      select: { action: true, outcome: true, userId: true },
    });
    expect(events.filter((e) => e.action.startsWith('wopi.')).map((e) => e.action)).toEqual([
      'wopi.open',
      'wopi.lock',
      'wopi.save',
      'wopi.unlock',
    ]);
    expect(events.every((e) => e.userId === userId || e.action === 'document.upload')).toBe(true);
  });
});

describe('versions', () => {
  it('restore an earlier version → a new version with the old bytes; history keeps all of them', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L' } });
    await wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'L' }, body: 'second' });
    const { restoreVersion, listVersions } = await import('@/lib/documents/versions');
    await expect(restoreVersion({ documentId: docId, version: 1, userId })).rejects.toThrow('open for editing');
    await wopi.override(docId, 'UNLOCK', { token, headers: { 'X-WOPI-Lock': 'L' } });
    expect(await restoreVersion({ documentId: docId, version: 1, userId })).toMatchObject({
      version: 3,
      restoredFrom: 1,
    });
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('original bytes');
    const info = (await (await wopi.checkFileInfo(docId, { token })).json()) as { Version: string; SHA256: string };
    expect(info.Version).toBe('3');
    expect(info.SHA256).toBe(createHash('sha256').update('original bytes').digest('base64'));
    expect((await listVersions(docId)).map((v) => v.version)).toEqual([3, 2, 1]);
  });
});
