import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { setRuntimeEnv } from '@/lib/env';
import { mirrorsSettled } from '@/lib/documents/content';
import { documentKey } from '@/lib/storage/keys';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { downloadContent } from '../../support/files-api';
import { addDocument, putExternalObject, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { bytesOf, tokenFor, wopi } from '../../support/wopi';

// A change another tool makes to the document's object in the bucket is a new version: seen by
// CheckFileInfo, GetFile and Download, kept when an editor saves, and refused (Collabora's 1010)
// when the editor saves over bytes it never loaded.

let folder: string;
let docId: string;
let token: string;
let userId: string;
const lock = { 'X-WOPI-Lock': 'L1' };

beforeEach(async () => {
  folder = uniqueFolder('storage');
  userId = (await makeUser('editor')).id;
  docId = (await addDocument(folder, 'Budget.xlsx', 'portal bytes', userId)).id;
  token = await tokenFor(docId, userId);
});

const info = async () => (await wopi.checkFileInfo(docId, { token })).json() as Promise<Record<string, unknown>>;
const versions = () => db.documentVersion.findMany({ where: { documentId: docId }, orderBy: { version: 'asc' } });

describe('changes made in storage', () => {
  it('GET CheckFileInfo after another tool replaced the object → new Version, LastModifiedTime, Size, SHA256', async () => {
    const before = await info();
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'written by another tool');
    const after = await info();
    expect(after.Version).not.toBe(before.Version);
    expect(Date.parse(after.LastModifiedTime as string)).toBeGreaterThan(Date.parse(before.LastModifiedTime as string));
    expect(after.Size).toBe('written by another tool'.length);
    expect(after.SHA256).not.toBe(before.SHA256);
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('written by another tool');
    const history = await versions();
    expect(history.map((v) => v.details)).toEqual([null, { via: 'storage' }]);
  });

  it('GET GetFile (no CheckFileInfo first) → the other tool’s bytes with their X-WOPI-ItemVersion', async () => {
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'external');
    const got = await wopi.getFile(docId, { token });
    expect((await bytesOf(got)).toString()).toBe('external');
    expect(got.headers.get('X-WOPI-ItemVersion')).toBe('2');
  });

  it('POST PutFile with X-COOL-WOPI-Timestamp T0 after the object changed → 409 {"COOLStatusCode":1010}; the other tool’s bytes stay current', async () => {
    const t0 = (await info()).LastModifiedTime as string;
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'changed in the bucket');
    const save = await wopi.putFile(docId, {
      token,
      headers: { ...lock, 'X-COOL-WOPI-Timestamp': t0 },
      body: 'editor bytes',
    });
    expect(save.status).toBe(409);
    expect(await save.json()).toEqual({ COOLStatusCode: 1010 });
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('changed in the bucket');
    expect((await info()).Version).toBe('2');
  });

  // The save HEADs the visible object while its body streams (lib/server/wopi-document-store.ts
  // write); bytes another tool puts there after that HEAD are judged by the mirror copy instead.
  it('POST PutFile while another tool replaces the object mid-body → 200; after the copy settles the other tool’s bytes are the newest version and the editor’s stay in the history', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sentFirst!: () => void;
    const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        step += 1;
        if (step === 1) return controller.enqueue(Buffer.from('editor '));
        sentFirst();
        await released;
        controller.enqueue(Buffer.from('bytes'));
        controller.close();
      },
    });
    const save = wopi.putFile(docId, { token, headers: lock, body });
    await firstSent;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'changed mid-upload');
    release();
    expect((await save).status).toBe(200);
    await mirrorsSettled();
    const history = await versions();
    expect(history.map((v) => [v.version, Number(v.size), v.details])).toEqual([
      [1, 12, null],
      [2, 12, { via: 'wopi' }],
      [3, 18, { via: 'storage' }],
    ]);
    expect((await bytesOf(await wopi.getFile(docId, { token }))).toString()).toBe('changed mid-upload');
  });

  it('POST PutFile without a timestamp (Microsoft 365) under the held lock → 200; the other tool’s bytes stay in the history', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'changed in the bucket');
    const save = await wopi.putFile(docId, { token, headers: lock, body: 'editor bytes' });
    expect(save.status).toBe(200);
    expect(save.headers.get('X-WOPI-ItemVersion')).toBe('3');
    const history = await versions();
    expect(history.map((v) => [v.version, Number(v.size), v.details])).toEqual([
      [1, 12, null],
      [2, 21, { via: 'storage' }],
      [3, 12, { via: 'wopi' }],
    ]);
  });

  it('portal Download (GET /api/documents/:id/content) serves the committed bytes, after adopting a change in storage', async () => {
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'external again');
    const response = await downloadContent(docId);
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('external again');
    expect((await db.document.findUniqueOrThrow({ where: { id: docId } })).version).toBe(2);
  });

  it('an unchanged object costs nothing: CheckFileInfo twice → same Version, no version added', async () => {
    const first = await info();
    expect(await info()).toEqual(first);
    expect(await versions()).toHaveLength(1);
  });
});

describe('STORAGE_CHECK_INTERVAL_MS: reads trust a recent HEAD, saves never do', () => {
  afterEach(() => setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '0' }));

  it('within the interval CheckFileInfo serves its last look; PutFile under the lock still keeps the other tool’s bytes as a version; after it, CheckFileInfo sees the change', async () => {
    setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '60000' });
    const before = await info();
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'changed in the bucket');
    expect(await info()).toEqual(before);

    await wopi.override(docId, 'LOCK', { token, headers: lock });
    const stale = await wopi.putFile(docId, {
      token,
      headers: { ...lock, 'X-COOL-WOPI-Timestamp': before.LastModifiedTime as string },
      body: 'editor bytes',
    });
    expect(stale.status).toBe(409);
    expect((await versions()).map((v) => v.details)).toEqual([null, { via: 'storage' }]);

    const other = await addDocument(folder, 'Other.xlsx', 'other', userId);
    const otherToken = await tokenFor(other.id, userId);
    const otherBefore = await (await wopi.checkFileInfo(other.id, { token: otherToken })).json();
    await putExternalObject(documentKey({ folder, name: 'Other.xlsx' }), 'other changed');
    setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '0' });
    const otherAfter = await (await wopi.checkFileInfo(other.id, { token: otherToken })).json();
    expect(otherAfter.Version).not.toBe(otherBefore.Version);
  });
});

describe('STORAGE_CHECK_INTERVAL_MS after a save: the visible-object copy counts as a look', () => {
  afterEach(() => setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '0' }));

  it('GET GetFile within the interval after a PutFile’s copy landed → the saved bytes without a new HEAD (a change made after the copy is seen once the interval ends)', async () => {
    setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '60000' });
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    expect((await wopi.putFile(docId, { token, headers: lock, body: 'editor bytes' })).status).toBe(200);
    await mirrorsSettled();
    // Written after the copy: the copy was this instance's last look, so readers trust it.
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'changed after the copy');
    const within = await wopi.getFile(docId, { token });
    expect(within.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect((await bytesOf(within)).toString()).toBe('editor bytes');

    setRuntimeEnv({ STORAGE_CHECK_INTERVAL_MS: '0' });
    const after = await wopi.getFile(docId, { token });
    expect(after.headers.get('X-WOPI-ItemVersion')).toBe('3');
    expect((await bytesOf(after)).toString()).toBe('changed after the copy');
  });
});

describe('saves that mean nothing change nothing', () => {
  it('POST PutFile with an empty X-COOL-WOPI-Timestamp (after a Save As; CollaboraOnline/online test/WopiTestServer.hpp) → treated as absent: 200', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    const save = await wopi.putFile(docId, {
      token,
      headers: { ...lock, 'X-COOL-WOPI-Timestamp': '' },
      body: 'saved after save-as',
    });
    expect(save.status).toBe(200);
  });

  it('POST PutFile with the current bytes (Collabora saves on close) → 200 + current LastModifiedTime and Version; no version added', async () => {
    await wopi.override(docId, 'LOCK', { token, headers: lock });
    const before = await info();
    const save = await wopi.putFile(docId, {
      token,
      headers: {
        ...lock,
        'X-COOL-WOPI-IsExitSave': 'true',
        'X-COOL-WOPI-Timestamp': before.LastModifiedTime as string,
      },
      body: 'portal bytes',
    });
    expect(save.status).toBe(200);
    expect(save.headers.get('X-WOPI-ItemVersion')).toBe(before.Version);
    expect((await save.json()).LastModifiedTime).toBe(before.LastModifiedTime);
    expect(await versions()).toHaveLength(1);
  });

  it('POST PUT_RELATIVE with an editor token → the Url’s token names the same editor (proof keys apply to the new document)', async () => {
    const editorToken = await tokenFor(docId, userId, undefined, 'collabora');
    // No proof port configured for this client in the test runtime: the claim is what matters.
    const response = await wopi.override(docId, 'PUT_RELATIVE', {
      token: editorToken,
      headers: { 'X-WOPI-SuggestedTarget': '.pdf' },
      body: 'pdf bytes',
    });
    if (response.status !== 200) throw new Error(`PUT_RELATIVE → ${response.status}`);
    const { Url } = (await response.json()) as { Url: string };
    const claims = await verifyAccessToken(new URL(Url).searchParams.get('access_token'));
    expect(claims?.client).toBe('collabora');
  });
});
