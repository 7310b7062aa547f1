import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { addDocument, putExternalObject, uniqueFolder } from '../../../support/documents';
import { makeUser } from '../../../support/session';
import { bytesOf, tokenFor, wopi } from '../../../support/wopi';
import { ageLock, expireLock, jsonOf, lockOf, openedFrom, THIRTY_MINUTES, versionsOf } from './wire';

// Collabora Online (coolwsd) as a WOPI client, replayed request by request from CollaboraOnline/online:
//  - wsd/wopi/WopiStorage.cpp: what each request carries (initHttpRequest, updateLockState,
//    downloadStorageFileToLocal, uploadLocalFileToStorageAsync, handleUploadToStorageResponse);
//  - wsd/DocumentBroker.cpp: when it sends them (download, lockIfEditing, refreshLock, autoSave,
//    uploadToStorageInternal, handleUploadToStorageFailed, the UNLOCK when the broker stops);
//  - wsd/Storage.cpp LockContext: one lock token per document broker, shared by every view.
// Collabora never sends REFRESH_LOCK, GET_LOCK, UnlockAndRelock (LOCK + X-WOPI-OldLock) or
// X-WOPI-RelativeTarget. Proof keys (X-WOPI-Proof) are covered in ../editors.test.ts.

/** WopiStorage::initHttpRequest, on every request: net/Socket.cpp http::getAgentString() and the server id. */
const COOL = { 'User-Agent': 'COOLWSD HTTP Agent 24.04.13.2', 'X-COOL-WOPI-ServerId': '6bd2e4a1' } as const;
const RESUME = 'Résumé – été €';
/**
 * The name through glibc iconv "UTF-8"→"UTF-7" (common/CharacterConverter.hpp), byte for byte as
 * `printf 'Résumé – été €' | iconv -f UTF-8 -t UTF-7` (glibc 2.36) writes it: spaces direct, a run
 * closed by "-" only before a base64 character or at the end (test/UnitWOPIRenameFile.cpp expects
 * this form: "+HjwBoR2JAOsdhg +AgseVQFhHZkeQQ …").
 */
const RESUME_UTF7 = 'R+AOk-sum+AOk +IBM +AOk-t+AOk +IKw-';
const RESUME_DOCX_UTF7 = 'R+AOk-sum+AOk +IBM +AOk-t+AOk +IKw.docx';
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** LockContext::initSupportsLocks: "cool-lock" + Util::rng::getHexString(8), once per document broker. */
const newLockToken = () => `cool-lock${randomBytes(4).toString('hex')}`;

let folder: string;
let docId: string;
let userId: string;
let token: string;
let lockToken: string;

beforeEach(async () => {
  folder = uniqueFolder('cool');
  userId = (await makeUser('editor')).id;
  docId = (await addDocument(folder, 'Plan.odt', 'plan v1', userId)).id;
  token = await tokenFor(docId, userId, undefined, undefined, 'collabora');
  lockToken = newLockToken();
});

type At = { token?: string; id?: string };

const checkFileInfo = ({ token: t = token, id = docId }: At = {}) =>
  wopi.checkFileInfo(id, { token: t, headers: COOL });
const getFile = ({ token: t = token, id = docId }: At = {}) => wopi.getFile(id, { token: t, headers: COOL });
/** WopiStorage::updateLockState(Async): X-WOPI-Override LOCK or UNLOCK, X-WOPI-Lock, an empty body (Content-Length: 0). */
const lockState = (
  override: 'LOCK' | 'UNLOCK',
  { token: t = token, id = docId, lock = lockToken }: At & { lock?: string } = {},
) => wopi.override(id, override, { token: t, headers: { ...COOL, 'X-WOPI-Lock': lock } });

type Save = {
  body: string;
  modified?: boolean;
  autosave?: boolean;
  exitSave?: boolean;
  timestamp?: string;
  token?: string;
};

/**
 * uploadLocalFileToStorageAsync, a normal save: the lock, the three X-COOL-WOPI-Is* flags and, unless
 * the upload is forced, X-COOL-WOPI-Timestamp = the LastModifiedTime the host last reported.
 */
const putFile = ({ body, modified = true, autosave = false, exitSave = false, timestamp, token: t = token }: Save) =>
  wopi.putFile(docId, {
    token: t,
    body,
    headers: {
      ...COOL,
      'X-WOPI-Lock': lockToken,
      'X-COOL-WOPI-IsModifiedByUser': String(modified),
      'X-COOL-WOPI-IsAutosave': String(autosave),
      'X-COOL-WOPI-IsExitSave': String(exitSave),
      ...(timestamp === undefined ? {} : { 'X-COOL-WOPI-Timestamp': timestamp }),
      'Content-Type': 'application/octet-stream',
    },
  });

const lastModifiedOf = async (response: Response) =>
  (await jsonOf<{ LastModifiedTime: string }>(response)).LastModifiedTime;

/** DocumentBroker::download (CheckFileInfo, then GetFile once per document), onViewLoaded → lockIfEditing (LOCK). */
const open = async () => {
  const info = await checkFileInfo();
  expect(info.status).toBe(200);
  const timestamp = await lastModifiedOf(info);
  const file = await getFile();
  expect(file.status).toBe(200);
  await bytesOf(file);
  expect((await lockState('LOCK')).status).toBe(200);

  return timestamp;
};

describe('Collabora Online: one editing session, request by request', () => {
  // CollaboraOnline/online wsd/DocumentBroker.cpp download, onViewLoaded, lockIfEditing; wsd/wopi/WopiStorage.cpp WOPIFileInfo.
  it('open (DocumentBroker.cpp download → onViewLoaded → lockIfEditing): GET CheckFileInfo → what WopiStorage.cpp WOPIFileInfo reads; GET GetFile → the bytes; POST LOCK cool-lock… → 200, no X-WOPI-Lock', async () => {
    const info = await checkFileInfo();
    expect(info.status).toBe(200);
    const body = await jsonOf(info);
    const stored = await db.document.findUniqueOrThrow({ where: { id: docId } });
    expect(body).toMatchObject({
      BaseFileName: 'Plan.odt',
      Size: 7,
      OwnerId: userId,
      UserId: userId,
      UserCanWrite: true,
      // handleWOPIFileInfo → lockCtx.initSupportsLocks(): without it Collabora never locks.
      SupportsLocks: true,
      SupportsRename: true,
      UserCanRename: true,
      // false: the Save As entry shows.
      UserCanNotWriteRelative: false,
      // The timestamp every later save sends back (isLastModifiedTimeSafe needs it).
      LastModifiedTime: stored.lastModifiedAt.toISOString(),
    });
    expect(body.LastModifiedTime).toMatch(ISO_MS);
    // An empty UserFriendlyName makes Collabora call the author "UnknownUser_<UserId>".
    expect(typeof body.UserFriendlyName === 'string' && body.UserFriendlyName.length > 0).toBe(true);
    expect(body.PostMessageOrigin).toMatch(/^https?:\/\/[^/]+$/);

    const file = await getFile();
    expect(file.status).toBe(200);
    expect(file.headers.get('X-WOPI-ItemVersion')).toBe('1');
    expect((await bytesOf(file)).toString()).toBe('plan v1');

    const locked = await lockState('LOCK');
    expect(locked.status).toBe(200);
    expect(locked.headers.get('X-WOPI-Lock')).toBeNull();
    const row = await lockOf(docId);
    expect(row?.lockId).toBe(lockToken);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);
  });

  // CollaboraOnline/online wsd/wopi/WopiStorage.cpp uploadLocalFileToStorageAsync; wsd/DocumentBroker.cpp autoSave, manualSave.
  it('saves (uploadLocalFileToStorageAsync): POST PutFile IsAutosave true + X-COOL-WOPI-Timestamp T0 → 200 {LastModifiedTime T1}; the Save button (IsAutosave false) with T1 → 200 {T2}; CheckFileInfo then reports T2', async () => {
    const t0 = await open();

    // DocumentBroker::autoSave by timer: sendUnoSave(isAutosave=true).
    const autosave = await putFile({ body: 'plan v2', autosave: true, timestamp: t0 });
    expect(autosave.status).toBe(200);
    expect(autosave.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect(autosave.headers.get('X-WOPI-Lock')).toBeNull();
    const t1 = await lastModifiedOf(autosave);
    expect(t1).toMatch(ISO_MS);
    expect(Date.parse(t1)).toBeGreaterThanOrEqual(Date.parse(t0));

    // DocumentBroker::manualSave: isAutosave=false; the timestamp is the one the last reply gave.
    const save = await putFile({ body: 'plan v3!', timestamp: t1 });
    expect(save.status).toBe(200);
    expect(save.headers.get('X-WOPI-ItemVersion')).toBe('3');
    const t2 = await lastModifiedOf(save);

    expect(await jsonOf(await checkFileInfo())).toMatchObject({ LastModifiedTime: t2, Version: '3', Size: 8 });
    expect((await versionsOf(docId)).map((v) => [v.version, v.details])).toEqual([
      [1, null],
      [2, { via: 'wopi', isModifiedByUser: true, isAutosave: true, isExitSave: false }],
      [3, { via: 'wopi', isModifiedByUser: true, isAutosave: false, isExitSave: false }],
    ]);
  });

  // CollaboraOnline/online wsd/DocumentBroker.cpp refreshLock; wsd/Storage.cpp LockContext::needsRefresh.
  it('refresh (DocumentBroker::refreshLock, every storage.wopi.locking.refresh = 900 s): POST LOCK again with the same cool-lock id → 200 and 30 more minutes; saves keep passing under it', async () => {
    const t0 = await open();
    await ageLock(docId, 60_000);

    const refreshed = await lockState('LOCK');
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('X-WOPI-Lock')).toBeNull();
    const row = await lockOf(docId);
    expect(row?.lockId).toBe(lockToken);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);

    expect((await putFile({ body: 'after refresh', autosave: true, timestamp: t0 })).status).toBe(200);
  });

  // CollaboraOnline/online wsd/DocumentBroker.cpp checkAndUploadToStorage (Rename activity), handleUploadToStorageSuccessful; wsd/wopi/WopiStorage.cpp uploadLocalFileToStorageAsync(isRename).
  it('rename (rename activity → uploadLocalFileToStorageAsync isRename): POST RENAME_FILE with X-WOPI-Lock, glibc UTF-7 X-WOPI-RequestedName (no extension) and the document as body → 200 {Name, Url}; UNLOCK; reload on Url: CheckFileInfo BaseFileName "Résumé – été €.odt", GetFile, LOCK', async () => {
    const t0 = await open();
    // The Rename activity uploads a modified document first (checkAndUploadToStorage), then renames.
    expect((await putFile({ body: 'renamed content', timestamp: t0 })).status).toBe(200);

    // POST to the file itself (not /contents), X-WOPI-Lock as for every non-Save-As upload, and the
    // body is the document (httpRequest.setBodyFile): the host must not take it as new content.
    const renamed = await wopi.override(docId, 'RENAME_FILE', {
      token,
      body: 'renamed content',
      headers: {
        ...COOL,
        'X-WOPI-Lock': lockToken,
        'X-WOPI-RequestedName': RESUME_UTF7,
        'Content-Type': 'application/octet-stream',
      },
    });
    expect(renamed.status).toBe(200);
    const reply = await jsonOf<{ Name: string; Url: string }>(renamed);
    expect(reply.Name).toBe(RESUME);
    // handleUploadToStorageResponse reads Name and Url; DocumentBroker drops the Url's access_token
    // and tells every view "renamefile: filename=… url=…" then "close: reloadafterrename".
    const url = new URL(reply.Url);
    expect(url.pathname).toBe(`/wopi/files/${docId}`);
    expect(url.searchParams.has('access_token')).toBe(false);

    // The broker stops: UNLOCK with its token. Each view reloads on the Url with its own token,
    // in a new broker with a new lock token.
    const unlocked = await lockState('UNLOCK');
    expect(unlocked.status).toBe(200);
    expect(await lockOf(docId)).toBeNull();
    expect(await jsonOf(await checkFileInfo())).toMatchObject({
      BaseFileName: `${RESUME}.odt`,
      Version: '2',
      Size: 15,
    });
    expect((await bytesOf(await getFile())).toString()).toBe('renamed content');
    expect((await lockState('LOCK', { lock: newLockToken() })).status).toBe(200);
    expect(await headObject(documentKey({ folder, name: `${RESUME}.odt` }))).not.toBeNull();
    expect(await headObject(documentKey({ folder, name: 'Plan.odt' }))).toBeNull();
  });

  // CollaboraOnline/online wsd/wopi/WopiStorage.cpp uploadLocalFileToStorageAsync(isSaveAs), handleUploadToStorageResponse.
  it('Save As (uploadLocalFileToStorageAsync isSaveAs): POST PUT_RELATIVE without X-WOPI-Lock, X-WOPI-Size, glibc UTF-7 X-WOPI-SuggestedTarget "Résumé – été €.docx" → 200 {Name, Url}; the Url opens the copy (CheckFileInfo, GetFile, LOCK); the source then saves with an empty X-COOL-WOPI-Timestamp → 200', async () => {
    const t0 = await open();
    const copy = 'docx export bytes';
    const saved = await wopi.override(docId, 'PUT_RELATIVE', {
      token,
      body: copy,
      headers: {
        ...COOL,
        'X-WOPI-Size': String(Buffer.byteLength(copy)),
        'X-WOPI-SuggestedTarget': RESUME_DOCX_UTF7,
        'Content-Type': 'application/octet-stream',
      },
    });
    expect(saved.status).toBe(200);
    const reply = await jsonOf<{ Name: string; Url: string }>(saved);
    expect(reply.Name).toBe(`${RESUME}.docx`);

    // The browser loads the new document from the Url, token included ("saveas: url=…").
    const copyAt = openedFrom(reply.Url);
    expect(copyAt.id).not.toBe(docId);
    expect((await verifyAccessToken(copyAt.token))?.editor).toBe('collabora');
    expect(await jsonOf(await checkFileInfo(copyAt))).toMatchObject({
      BaseFileName: `${RESUME}.docx`,
      Size: Buffer.byteLength(copy),
      Version: '1',
      UserCanWrite: true,
    });
    expect((await bytesOf(await getFile(copyAt))).toString()).toBe(copy);
    expect((await lockState('LOCK', { ...copyAt, lock: newLockToken() })).status).toBe(200);

    // The reply carried no LastModifiedTime: handleUploadToStorageResponse stored "" on the source's
    // storage, so the source's next upload sends the header empty (test/WopiTestServer.hpp: unknown).
    const next = await putFile({ body: 'plan v2', autosave: true, timestamp: '' });
    expect(next.status).toBe(200);
    expect((await bytesOf(await getFile())).toString()).toBe('plan v2');
    expect(Date.parse(await lastModifiedOf(next))).toBeGreaterThanOrEqual(Date.parse(t0));
  });

  // CollaboraOnline/online wsd/DocumentBroker.cpp download, lockIfEditing, autoSave (last editing view).
  it('a second user joins (DocumentBroker::download for another session): GET CheckFileInfo with their token → the same LastModifiedTime, and nothing else (no GetFile, no LOCK); later uploads carry their token with the one cool-lock id → 200', async () => {
    const t0 = await open();
    const other = await makeUser('editor');
    const otherToken = await tokenFor(docId, other.id, undefined, undefined, 'collabora');

    const info = await checkFileInfo({ token: otherToken });
    expect(info.status).toBe(200);
    // download() compares it with the broker's: a different value would raise a false "document
    // changed in storage" (handleDocumentConflict) for everyone.
    expect(await jsonOf(info)).toMatchObject({ UserId: other.id, UserCanWrite: true, LastModifiedTime: t0 });
    // The file is already downloaded (storage->isDownloaded()) and lockIfEditing returns early: locked.

    // autoSave picks the last editing view: the second user's token, the broker's lock.
    const saved = await putFile({ body: 'both edited', autosave: true, timestamp: t0, token: otherToken });
    expect(saved.status).toBe(200);
    // The first user leaves; the second keeps editing under the same lock.
    const timestamp = await lastModifiedOf(saved);
    const later = await putFile({ body: 'second alone', timestamp, token: otherToken });
    // On a failure, say which 409 it was (lock or COOL 1010) and what the row held.
    const why =
      later.status === 200
        ? ''
        : `${await later.text()} lock=${later.headers.get('X-WOPI-Lock')} sent=${timestamp} versions=${JSON.stringify(await versionsOf(docId))}`;
    expect(later.status, why).toBe(200);
    expect((await lockOf(docId))?.lockId).toBe(lockToken);
    expect((await versionsOf(docId)).map((v) => [v.version, v.createdById])).toEqual([
      [1, userId],
      [2, other.id],
      [3, other.id],
    ]);
    expect((await lockState('UNLOCK', { token: otherToken })).status).toBe(200);
  });

  // CollaboraOnline/online wsd/DocumentBroker.cpp autoSaveAndStop, autoSave(force), pollThread (UNLOCK before unloading).
  it('close (autoSaveAndStop, then the broker stops): POST PutFile X-COOL-WOPI-IsExitSave true → 200; POST UNLOCK → 200; reopen: CheckFileInfo has that Version/Size/LastModifiedTime, GetFile those bytes', async () => {
    const t0 = await open();
    // autoSave(force) on unload: isAutosave=false ("as good as user-issued save"); IsExitSave from
    // uploadToStorageInternal's setIsExitSave(isUnloading()).
    const exit = await putFile({ body: 'final words', timestamp: t0, exitSave: true });
    expect(exit.status).toBe(200);
    const t1 = await lastModifiedOf(exit);
    const unlocked = await lockState('UNLOCK');
    expect(unlocked.status).toBe(200);
    expect(unlocked.headers.get('X-WOPI-Lock')).toBeNull();
    expect(await lockOf(docId)).toBeNull();

    expect(await jsonOf(await checkFileInfo())).toMatchObject({ Version: '2', Size: 11, LastModifiedTime: t1 });
    const file = await getFile();
    expect(file.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect((await bytesOf(file)).toString()).toBe('final words');
    expect((await versionsOf(docId)).at(-1)?.details).toEqual({
      via: 'wopi',
      isModifiedByUser: true,
      isAutosave: false,
      isExitSave: true,
    });
  });

  // CollaboraOnline/online wsd/wopi/WopiStorage.cpp handleUploadToStorageResponse (DOC_CHANGED); test/WOPIUploadConflictCommon.hpp.
  it('changed in storage (test/WOPIUploadConflictCommon.hpp SaveOverwrite): POST PutFile with the old X-COOL-WOPI-Timestamp → 409 {"COOLStatusCode":1010}; "savetostorage force=1" → POST PutFile without a timestamp → 200; the other tool’s bytes stay in the history', async () => {
    const t0 = await open();
    await putExternalObject(documentKey({ folder, name: 'Plan.odt' }), 'written by another tool');

    const stale = await putFile({ body: 'editor bytes', timestamp: t0 });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('Content-Type')).toMatch(/^application\/json/);
    // handleUploadToStorageResponse: 409 + COOLStatusCode 1010 = DOC_CHANGED ("documentconflict").
    expect(await jsonOf(stale)).toEqual({ COOLStatusCode: 1010 });
    expect((await bytesOf(await getFile())).toString()).toBe('written by another tool');

    // The user chooses to overwrite: uploadToStorage(force=true) → attribs.isForced() → no timestamp.
    const forced = await putFile({ body: 'editor bytes' });
    expect(forced.status).toBe(200);
    expect(forced.headers.get('X-WOPI-ItemVersion')).toBe('3');
    expect((await bytesOf(await getFile())).toString()).toBe('editor bytes');
    expect((await versionsOf(docId)).map((v) => [v.version, v.size, v.details])).toEqual([
      [1, 7, null],
      [2, 23, { via: 'storage' }],
      [3, 12, { via: 'wopi', isModifiedByUser: true, isAutosave: false, isExitSave: false }],
    ]);
  });

  // CollaboraOnline/online wsd/wopi/WopiStorage.cpp handleUploadToStorageResponse (CONFLICT); wsd/DocumentBroker.cpp handleUploadToStorageFailed, refreshLock.
  it('expired lock: POST PutFile with the old cool-lock id → 409 + X-WOPI-Lock "" (a CONFLICT: "documentconflict"); the refresh timer’s POST LOCK with that id → 200; "savetostorage force=1" → POST PutFile → 200', async () => {
    const t0 = await open();
    const first = await putFile({ body: 'first save', autosave: true, timestamp: t0 });
    expect(first.status).toBe(200);
    const t1 = await lastModifiedOf(first);
    await expireLock(docId);

    const refused = await putFile({ body: 'second save', autosave: true, timestamp: t1 });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('X-WOPI-Lock')).toBe('');
    expect(refused.headers.get('X-WOPI-LockFailureReason')).toEqual(expect.any(String));
    // No COOLStatusCode: Collabora takes it as CONFLICT, handled like DOC_CHANGED (handleDocumentConflict).
    expect(await refused.text()).toBe('');
    expect((await bytesOf(await getFile())).toString()).toBe('first save');

    // Collabora still believes it holds the lock: refreshLock re-LOCKs with the same token.
    const relocked = await lockState('LOCK');
    expect(relocked.status).toBe(200);
    expect((await lockOf(docId))?.lockId).toBe(lockToken);

    // The user overwrites: a forced upload, no timestamp.
    const forced = await putFile({ body: 'second save' });
    expect(forced.status).toBe(200);
    expect(forced.headers.get('X-WOPI-ItemVersion')).toBe('3');
    expect((await bytesOf(await getFile())).toString()).toBe('second save');
  });
});
