import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { proofKeyFromPublicKey, signProof, ticksFromDate } from '@/lib/discovery/proof-keys';
import { env, setRuntimeEnv } from '@/lib/env';
import { mintAccessToken } from '@/lib/tokens/tokens';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

let docId: string;
let token: string;
let userId: string;
let folder: string;

beforeEach(async () => {
  folder = uniqueFolder('editors');
  const user = await makeUser('editor');
  userId = user.id;
  docId = (await addDocument(folder, 'Plan.docx', 'plan v1', user.id)).id;
  token = await tokenFor(docId, user.id);
});

describe('Collabora Online', () => {
  it('LOCK repeated with the same id → 200 and the expiry moves forward (Collabora refreshes this way)', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'cool-lock' } });
    const before = await db.lock.findUniqueOrThrow({ where: { documentId: docId } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'cool-lock' } })).status).toBe(200);
    const after = await db.lock.findUniqueOrThrow({ where: { documentId: docId } });
    expect(after.expiresAt.getTime()).toBeGreaterThan(before.expiresAt.getTime());
  });

  it('UserCanNotWriteRelative is false for editors, so Save As shows', async () => {
    const info = (await (await wopi.checkFileInfo(docId, { token })).json()) as { UserCanNotWriteRelative: boolean };
    expect(info.UserCanNotWriteRelative).toBe(false);
  });

  it('PUT_RELATIVE with a UTF-7 name that has a folder part → saved beside the source under the base name', async () => {
    const response = await wopi.override(docId, 'PUT_RELATIVE', {
      token,
      headers: { 'X-WOPI-RelativeTarget': 'Sub/Plan+AF8-copy+AOk-.odt' },
      body: 'odt bytes',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { Name: string }).Name).toBe('Plan_copyé.odt');
    expect(await db.document.count({ where: { folder, name: 'Plan_copyé.odt' } })).toBe(1);
  });
});

describe('ONLYOFFICE Docs', () => {
  it('X-LOOL-WOPI-Timestamp that does not match → 409 {"COOLStatusCode":1010}, nothing written', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'oo' } });
    const response = await wopi.putFile(docId, {
      token,
      headers: { 'X-WOPI-Lock': 'oo', 'X-LOOL-WOPI-Timestamp': '2001-01-01T00:00:00.000Z' },
      body: 'x',
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ COOLStatusCode: 1010 });
    expect((await db.document.findUniqueOrThrow({ where: { id: docId } })).version).toBe(1);
  });

  it('every co-editor presents the same lock id: LOCK from a second user with it → 200', async () => {
    const other = await makeUser('editor');
    const otherToken = await tokenFor(docId, other.id);
    expect((await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'shared' } })).status).toBe(200);
    expect(
      (await wopi.override(docId, 'LOCK', { token: otherToken, headers: { 'X-WOPI-Lock': 'shared' } })).status,
    ).toBe(200);
  });

  it('a template written into a 0-byte file without a lock → 200, X-LOOL save flags kept', async () => {
    const empty = await addDocument(folder, 'New.docx', '', userId);
    const emptyToken = await tokenFor(empty.id, userId);
    const response = await wopi.putFile(empty.id, {
      token: emptyToken,
      headers: { 'X-LOOL-WOPI-IsModifiedByUser': 'false' },
      body: 'template',
    });
    expect(response.status).toBe(200);
    const version = await db.documentVersion.findFirstOrThrow({ where: { documentId: empty.id, version: 2 } });
    expect(version.details).toMatchObject({ isModifiedByUser: false });
  });
});

describe('Microsoft 365 for the web', () => {
  it('locks belong to the document: another user presenting the lock id may UNLOCK', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'msft' } });
    const other = await makeUser('editor');
    const otherToken = await tokenFor(docId, other.id);
    expect(
      (await wopi.override(docId, 'UNLOCK', { token: otherToken, headers: { 'X-WOPI-Lock': 'msft' } })).status,
    ).toBe(200);
  });

  it.each(['UNLOCK', 'REFRESH_LOCK', 'LOCK'])(
    '%s with a mismatching lock → 409 carrying X-WOPI-Lock',
    async (override) => {
      await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'held' } });
      const response = await wopi.override(docId, override, { token, headers: { 'X-WOPI-Lock': 'other' } });
      expect(response.status).toBe(409);
      expect(response.headers.get('X-WOPI-Lock')).toBe('held');
    },
  );

  it('UnlockAndRelock with a wrong old lock → 409 carrying X-WOPI-Lock; UNLOCK when unlocked → 409 with X-WOPI-Lock ""', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'held' } });
    const relock = await wopi.override(docId, 'LOCK', {
      token,
      headers: { 'X-WOPI-Lock': 'new', 'X-WOPI-OldLock': 'wrong' },
    });
    expect(relock.status).toBe(409);
    expect(relock.headers.get('X-WOPI-Lock')).toBe('held');
    await wopi.override(docId, 'UNLOCK', { token, headers: { 'X-WOPI-Lock': 'held' } });
    const unlocked = await wopi.override(docId, 'UNLOCK', { token, headers: { 'X-WOPI-Lock': 'held' } });
    expect(unlocked.status).toBe(409);
    expect(unlocked.headers.get('X-WOPI-Lock')).toBe('');
  });

  it('Version never repeats, even across rename', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'v' } });
    const versions = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const put = await wopi.putFile(docId, { token, headers: { 'X-WOPI-Lock': 'v' }, body: `v${i}` });
      versions.add(put.headers.get('X-WOPI-ItemVersion')!);
    }
    await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { 'X-WOPI-Lock': 'v', 'X-WOPI-RequestedName': 'Renamed' },
    });
    const info = (await (await wopi.checkFileInfo(docId, { token })).json()) as { Version: string };
    versions.add(info.Version);
    expect(versions.size).toBe(5);
    expect(info.Version).toBe('6');
  });
});

describe('proof keys (X-WOPI-Proof) for tokens minted for an editor', () => {
  const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const old = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let server: Server;
  let discoveryKeys = proofKeyFromPublicKey(current.publicKey, old.publicKey);
  const originalClients = env.WOPI_CLIENTS;

  beforeAll(async () => {
    server = createServer((_, response) => {
      response.writeHead(200, { 'Content-Type': 'text/xml' })
        .end(`<wopi-discovery><net-zone name="external-http"><app name="Word">
<action name="edit" ext="docx" urlsrc="http://127.0.0.1/edit?"/></app></net-zone>
<proof-key value="${discoveryKeys.value}" modulus="${discoveryKeys.modulus}" exponent="${discoveryKeys.exponent}" oldvalue="${discoveryKeys.oldValue}" oldmodulus="${discoveryKeys.oldModulus}" oldexponent="${discoveryKeys.oldExponent}"/></wopi-discovery>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    setRuntimeEnv({ WOPI_CLIENTS: `proofed=http://127.0.0.1:${address.port}/hosting/discovery` });
  });
  afterAll(async () => {
    setRuntimeEnv({ WOPI_CLIENTS: originalClients });
    await new Promise((resolve) => server.close(resolve));
  });

  const signedCheckFileInfo = async (
    editorToken: string,
    options: { key?: 'current' | 'old' | 'none'; url?: string; age?: number } = {},
  ) => {
    const url =
      options.url ??
      `${env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`}/wopi/files/${docId}?access_token=${encodeURIComponent(editorToken)}`;
    const timestamp = ticksFromDate(new Date(Date.now() - (options.age ?? 0)));
    const key = options.key ?? 'current';
    const headers: Record<string, string> =
      key === 'none'
        ? {}
        : {
            'X-WOPI-TimeStamp': timestamp.toString(),
            'X-WOPI-Proof': signProof(key === 'current' ? current.privateKey : old.privateKey, {
              accessToken: editorToken,
              url,
              timestamp,
            }),
          };

    return wopi.checkFileInfo(docId, { token: editorToken, headers });
  };
  const editorToken = () =>
    mintAccessToken({ documentId: docId, userId, permissions: ['read', 'write'], client: 'proofed' }).then(
      (t) => t.token,
    );

  it('signed with the current key → 200', async () => {
    expect((await signedCheckFileInfo(await editorToken())).status).toBe(200);
  });

  it('signed with the old key → 200 (the editor is rotating)', async () => {
    expect((await signedCheckFileInfo(await editorToken(), { key: 'old' })).status).toBe(200);
  });

  it('no proof headers → 500, empty body', async () => {
    const response = await signedCheckFileInfo(await editorToken(), { key: 'none' });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
  });

  it('signed for another URL → 500', async () => {
    const response = await signedCheckFileInfo(await editorToken(), {
      url: 'http://evil.example/wopi/files/x?access_token=y',
    });
    expect(response.status).toBe(500);
  });

  it('timestamp older than 20 minutes → 500', async () => {
    expect((await signedCheckFileInfo(await editorToken(), { age: 21 * 60 * 1000 })).status).toBe(500);
  });

  it('keys rotated after discovery was cached → one refetch, then 200', async () => {
    expect((await signedCheckFileInfo(await editorToken())).status).toBe(200); // caches discovery
    const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
    discoveryKeys = proofKeyFromPublicKey(rotated.publicKey, current.publicKey);
    // Refetches are rate-limited (10 s): age the last attempt as if the rotation came later.
    await db.wopiClientDiscovery.update({
      where: { client: 'proofed' },
      data: { lastAttemptAt: new Date(Date.now() - 60_000) },
    });
    const t = await editorToken();
    const url = `${env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`}/wopi/files/${docId}?access_token=${encodeURIComponent(t)}`;
    const timestamp = ticksFromDate(new Date());
    const response = await wopi.checkFileInfo(docId, {
      token: t,
      headers: {
        'X-WOPI-TimeStamp': timestamp.toString(),
        'X-WOPI-Proof': signProof(rotated.privateKey, { accessToken: t, url, timestamp }),
      },
    });
    expect(response.status).toBe(200);
  });

  it('a token minted without an editor (CLI) is not proof-checked', async () => {
    expect((await wopi.checkFileInfo(docId, { token })).status).toBe(200);
  });
});
