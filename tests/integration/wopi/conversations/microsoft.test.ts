import { createHash, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { decodeUtf7Name } from '@/lib/wopi/utf7';
import { addDocument, putExternalObject, uniqueFolder } from '../../../support/documents';
import { makeUser } from '../../../support/session';
import { bytesOf, tokenFor, wopi } from '../../../support/wopi';
import { ageLock, expireLock, jsonOf, lockOf, openedFrom, THIRTY_MINUTES, versionsOf } from './wire';

// Microsoft 365 for the web (Office for the web) as a WOPI client. Its code is not public: this
// follows Microsoft's own descriptions and tools —
//  - learn.microsoft.com …/cloud-storage-partner-program/rest/: common-headers ("Standard WOPI
//    request and response headers"), files/lock, refreshlock, unlock, unlockandrelock, getlock,
//    putfile (X-WOPI-Editors), renamefile, putrelativefile (specific and suggested modes);
//  - microsoft/Office-Online-Test-Tools-and-Documentation docs/docs_source/concepts.rst (Lock: Office
//    keeps data in the lock id, relies on X-WOPI-Lock in every 409, locks expire after 30 minutes);
//  - microsoft/wopi-validator-core src/WopiValidator.Core/Requests/*.cs: the exact header values
//    (RenameFileRequest.cs: .NET Encoding.UTF7; PutRelativeFileWopiRequest.cs: X-WOPI-Size and
//    UrlHelper.GetUTF7EncodedUnescapedDataString, i.e. UTF-7 whose spaces became "+";
//    WopiRequest.cs: the token in Authorization: Bearer as well as ?access_token=).
// Office for the web sends no save timestamp: a change made in storage meanwhile is never refused
// (the host keeps it as a version). It never sends X-COOL-WOPI-* / X-LOOL-WOPI-* flags.

const RESUME = 'Résumé – été €';
/** .NET Encoding.UTF7 (RenameFileRequest.cs): set D and space direct, every shift closed with "-". */
const RESUME_NET_UTF7 = 'R+AOk-sum+AOk- +IBM- +AOk-t+AOk- +IKw-';
/** UrlHelper.GetUTF7EncodedUnescapedDataString (PutRelativeFileWopiRequest.cs): the same, spaces as "+". */
const RESUME_XLSX_URL_UTF7 = 'R+AOk-sum+AOk-++IBM-++AOk-t+AOk-++IKw-.xlsx';

let folder: string;
let docId: string;
let userId: string;
let token: string;
/** Opaque to the host (concepts.rst: Office keeps its own data in it); this shape is illustrative. */
let lockId: string;

beforeEach(async () => {
  folder = uniqueFolder('msft');
  userId = (await makeUser('editor')).id;
  docId = (await addDocument(folder, 'Budget.xlsx', 'budget v1', userId)).id;
  token = await tokenFor(docId, userId, undefined, undefined, 'microsoft');
  lockId = `{"S":"${randomUUID()}","F":4}`;
});

/**
 * "Standard WOPI request and response headers" / [MS-WOPI] 2.2.1: the token also in Authorization,
 * and the logging headers (X-WOPI-CorrelationId per request, client version, machine name).
 */
const office = (t: string) => ({
  Authorization: `Bearer ${t}`,
  'X-WOPI-CorrelationId': randomUUID(),
  'X-WOPI-ClientVersion': '16.0.18025.41002',
  'X-WOPI-MachineName': 'AM4PEPF00027A5C',
});

type At = { token?: string; id?: string };
const checkFileInfo = ({ token: t = token, id = docId }: At = {}) =>
  wopi.checkFileInfo(id, { token: t, headers: office(t) });
const getFile = ({ token: t = token, id = docId }: At = {}) => wopi.getFile(id, { token: t, headers: office(t) });
const lockCall = (
  override: 'LOCK' | 'REFRESH_LOCK' | 'UNLOCK' | 'GET_LOCK',
  { token: t = token, id = docId, lock = lockId, oldLock }: At & { lock?: string; oldLock?: string } = {},
) =>
  wopi.override(id, override, {
    token: t,
    headers: {
      ...office(t),
      ...(override === 'GET_LOCK' ? {} : { 'X-WOPI-Lock': lock }),
      ...(oldLock === undefined ? {} : { 'X-WOPI-OldLock': oldLock }),
    },
  });
/** PutFile: X-WOPI-Lock and X-WOPI-Editors (the UserIds of everyone whose changes are in this save). */
const putFile = ({
  body,
  editors = userId,
  token: t = token,
  lock = lockId,
}: {
  body: string;
  editors?: string;
  token?: string;
  lock?: string;
}) =>
  wopi.putFile(docId, { token: t, body, headers: { ...office(t), 'X-WOPI-Lock': lock, 'X-WOPI-Editors': editors } });

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** Office locks a file before editing it (concepts.rst, Lock); CheckFileInfo, LOCK, GetFile. */
const open = async () => {
  expect((await checkFileInfo()).status).toBe(200);
  expect((await lockCall('LOCK')).status).toBe(200);
  const file = await getFile();
  expect(file.status).toBe(200);
  await bytesOf(file);
};

describe('Microsoft 365 for the web: one editing session, request by request', () => {
  // learn.microsoft.com …/rest/files/checkfileinfo, …/rest/files/lock, …/rest/files/getfile; concepts.rst (Lock).
  it('open (CheckFileInfo docs: required and editing properties): GET CheckFileInfo → BaseFileName/OwnerId/Size/UserId/Version, SupportsUpdate/Locks/GetLock/ExtendedLockLength, SHA256; POST LOCK → 200 without X-WOPI-Lock; GET GetFile → X-WOPI-ItemVersion = Version', async () => {
    const info = await checkFileInfo();
    expect(info.status).toBe(200);
    const body = await jsonOf(info);
    expect(body).toMatchObject({
      BaseFileName: 'Budget.xlsx',
      OwnerId: userId,
      Size: 9,
      UserId: userId,
      // A string that changes whenever the file does; PutFile's X-WOPI-ItemVersion should match it.
      Version: '1',
      SHA256: sha256('budget v1'),
      UserCanWrite: true,
      ReadOnly: false,
      // Editing needs "update" and "locks" (discovery's requires="locks,update").
      SupportsUpdate: true,
      SupportsLocks: true,
      SupportsGetLock: true,
      SupportsExtendedLockLength: true,
      SupportsRename: true,
      UserCanRename: true,
      UserCanNotWriteRelative: false,
      IsAnonymousUser: false,
      FileExtension: '.xlsx',
    });
    expect(body.FileNameMaxLength).toEqual(expect.any(Number));
    expect(body.HostEditUrl).toMatch(new RegExp(`/documents/${docId}/edit$`));
    expect(body.LastModifiedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const locked = await lockCall('LOCK');
    expect(locked.status).toBe(200);
    expect(locked.headers.get('X-WOPI-Lock')).toBeNull();
    const row = await lockOf(docId);
    expect(row?.lockId).toBe(lockId);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);

    const file = await getFile();
    expect(file.status).toBe(200);
    expect(file.headers.get('X-WOPI-ItemVersion')).toBe(body.Version);
    expect((await bytesOf(file)).toString()).toBe('budget v1');
  });

  // learn.microsoft.com …/rest/files/putfile (X-WOPI-Lock, X-WOPI-Editors, X-WOPI-ItemVersion).
  it('saves (PutFile docs): POST PutFile with X-WOPI-Lock + X-WOPI-Editors → 200, X-WOPI-ItemVersion 2, no X-WOPI-Lock; again → 3; CheckFileInfo Version 3 and the SHA256 of those bytes', async () => {
    await open();
    const first = await putFile({ body: 'budget v2' });
    expect(first.status).toBe(200);
    expect(first.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect(first.headers.get('X-WOPI-Lock')).toBeNull();
    const second = await putFile({ body: 'budget v3!' });
    expect(second.status).toBe(200);
    expect(second.headers.get('X-WOPI-ItemVersion')).toBe('3');

    expect(await jsonOf(await checkFileInfo())).toMatchObject({ Version: '3', Size: 10, SHA256: sha256('budget v3!') });
    expect((await versionsOf(docId)).map((v) => [v.version, v.details])).toEqual([
      [1, null],
      [2, { via: 'wopi' }],
      [3, { via: 'wopi' }],
    ]);
  });

  // learn.microsoft.com …/rest/files/refreshlock, getlock, unlockandrelock; concepts.rst (Lock).
  it('refresh (RefreshLock, GetLock, UnlockAndRelock docs): POST REFRESH_LOCK → 200 and 30 more minutes; with a stale id → 409 + X-WOPI-Lock = the current id; GET_LOCK → 200 + X-WOPI-Lock; LOCK + X-WOPI-OldLock (new lock data) → 200, the old id is refused with 409 + X-WOPI-Lock = the new one', async () => {
    await open();
    await ageLock(docId, 60_000);

    const refreshed = await lockCall('REFRESH_LOCK');
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('X-WOPI-Lock')).toBeNull();
    expect((await lockOf(docId))!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);

    // concepts.rst: Office "will often execute lock-related operations … with known incorrect lock
    // IDs and expects the host to provide the current lock ID".
    const probe = await lockCall('REFRESH_LOCK', { lock: '{"S":"stale","F":4}' });
    expect(probe.status).toBe(409);
    expect(probe.headers.get('X-WOPI-Lock')).toBe(lockId);
    const got = await lockCall('GET_LOCK');
    expect(got.status).toBe(200);
    expect(got.headers.get('X-WOPI-Lock')).toBe(lockId);

    const newLock = `{"S":"${randomUUID()}","F":6}`;
    const relocked = await lockCall('LOCK', { lock: newLock, oldLock: lockId });
    expect(relocked.status).toBe(200);
    expect(relocked.headers.get('X-WOPI-Lock')).toBeNull();
    const withOld = await putFile({ body: 'old lock' });
    expect(withOld.status).toBe(409);
    expect(withOld.headers.get('X-WOPI-Lock')).toBe(newLock);
    expect((await putFile({ body: 'new lock', lock: newLock })).status).toBe(200);
  });

  // learn.microsoft.com …/rest/files/renamefile; microsoft/wopi-validator-core Requests/RenameFileRequest.cs.
  it('rename (RenameFile docs; wopi-validator-core RenameFileRequest.cs): POST RENAME_FILE with X-WOPI-Lock and .NET UTF-7 X-WOPI-RequestedName, no extension → 200 {Name}; CheckFileInfo BaseFileName "Résumé – été €.xlsx", same Version; an illegal name → 400 + X-WOPI-InvalidFileNameError', async () => {
    await open();
    const renamed = await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { ...office(token), 'X-WOPI-Lock': lockId, 'X-WOPI-RequestedName': RESUME_NET_UTF7 },
    });
    expect(renamed.status).toBe(200);
    expect((await jsonOf<{ Name: string }>(renamed)).Name).toBe(RESUME);
    expect(await jsonOf(await checkFileInfo())).toMatchObject({ BaseFileName: `${RESUME}.xlsx`, Version: '1' });
    expect(await headObject(documentKey({ folder, name: `${RESUME}.xlsx` }))).not.toBeNull();
    expect(await headObject(documentKey({ folder, name: 'Budget.xlsx' }))).toBeNull();

    // Office shows the host's X-WOPI-InvalidFileNameError to the user.
    const illegal = await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { ...office(token), 'X-WOPI-Lock': lockId, 'X-WOPI-RequestedName': 'Q1/Q2' },
    });
    expect(illegal.status).toBe(400);
    expect(illegal.headers.get('X-WOPI-InvalidFileNameError')).toEqual(expect.any(String));
    expect((await jsonOf(await checkFileInfo())).BaseFileName).toBe(`${RESUME}.xlsx`);
  });

  // learn.microsoft.com …/rest/files/putrelativefile; microsoft/wopi-validator-core Requests/PutRelativeFileWopiRequest.cs.
  it('Save As, specific mode (PutRelativeFile docs; PutRelativeFileWopiRequest.cs): POST PUT_RELATIVE without X-WOPI-Lock, X-WOPI-Size, X-WOPI-RelativeTarget of a taken name, X-WOPI-OverwriteRelativeTarget False → 409 + X-WOPI-ValidRelativeTarget; that name → 200 {Name, Url}; the Url token opens the copy', async () => {
    await addDocument(folder, `${RESUME}.xlsx`, 'someone else', null);
    await open();
    const copy = 'budget copy';
    const saveAs = (relativeTarget: string) =>
      wopi.override(docId, 'PUT_RELATIVE', {
        token,
        body: copy,
        headers: {
          ...office(token),
          'X-WOPI-Size': String(Buffer.byteLength(copy)),
          'X-WOPI-RelativeTarget': relativeTarget,
          // .NET bool.ToString()
          'X-WOPI-OverwriteRelativeTarget': 'False',
        },
      });

    const taken = await saveAs(RESUME_XLSX_URL_UTF7);
    expect(taken.status).toBe(409);
    const valid = taken.headers.get('X-WOPI-ValidRelativeTarget');
    expect(valid).not.toBeNull();
    expect(decodeUtf7Name(valid!, 'microsoft')).toBe(`${RESUME} (1).xlsx`);
    expect(await db.document.count({ where: { folder } })).toBe(2);

    const saved = await saveAs(valid!);
    expect(saved.status).toBe(200);
    const reply = await jsonOf<{ Name: string; Url: string; HostEditUrl: string; HostViewUrl: string }>(saved);
    expect(reply.Name).toBe(`${RESUME} (1).xlsx`);
    const copyAt = openedFrom(reply.Url);
    expect(reply.HostEditUrl).toMatch(new RegExp(`/documents/${copyAt.id}/edit$`));
    expect((await verifyAccessToken(copyAt.token))?.editor).toBe('microsoft');
    expect(await jsonOf(await checkFileInfo(copyAt))).toMatchObject({
      BaseFileName: `${RESUME} (1).xlsx`,
      Size: Buffer.byteLength(copy),
      SHA256: sha256(copy),
    });
    expect((await bytesOf(await getFile(copyAt))).toString()).toBe(copy);
    // The source keeps its bytes and its lock.
    expect((await lockOf(docId))?.lockId).toBe(lockId);
    expect((await bytesOf(await getFile())).toString()).toBe('budget v1');
  });

  // learn.microsoft.com …/rest/files/putrelativefile (specific mode, X-WOPI-OverwriteRelativeTarget); Requests/PutRelativeFileWopiRequest.cs.
  it('Save As over an existing file (X-WOPI-OverwriteRelativeTarget True): the target locked by an editor → 409 + X-WOPI-Lock = its lock; once unlocked → 200, the same document gets a new version', async () => {
    const target = await addDocument(folder, `${RESUME}.xlsx`, 'old target', userId);
    const targetToken = await tokenFor(target.id, userId, undefined, undefined, 'microsoft');
    expect((await lockCall('LOCK', { token: targetToken, id: target.id, lock: 'their-lock' })).status).toBe(200);
    await open();
    const overwrite = () =>
      wopi.override(docId, 'PUT_RELATIVE', {
        token,
        body: 'replacement',
        headers: {
          ...office(token),
          'X-WOPI-Size': '11',
          'X-WOPI-RelativeTarget': RESUME_XLSX_URL_UTF7,
          'X-WOPI-OverwriteRelativeTarget': 'True',
        },
      });

    const locked = await overwrite();
    expect(locked.status).toBe(409);
    expect(locked.headers.get('X-WOPI-Lock')).toBe('their-lock');
    expect((await bytesOf(await getFile({ token: targetToken, id: target.id }))).toString()).toBe('old target');

    expect((await lockCall('UNLOCK', { token: targetToken, id: target.id, lock: 'their-lock' })).status).toBe(200);
    const replaced = await overwrite();
    expect(replaced.status).toBe(200);
    const reply = await jsonOf<{ Name: string; Url: string }>(replaced);
    expect(reply.Name).toBe(`${RESUME}.xlsx`);
    expect(openedFrom(reply.Url).id).toBe(target.id);
    expect(await jsonOf(await checkFileInfo({ token: targetToken, id: target.id }))).toMatchObject({
      Version: '2',
      Size: 11,
    });
  });

  // learn.microsoft.com …/rest/files/putfile (X-WOPI-Editors), refreshlock; concepts.rst (one lock per file).
  it('a second user joins: GET CheckFileInfo with their token → their UserId; the shared session then sends REFRESH_LOCK and PutFile with their token, the same lock id and X-WOPI-Editors naming both → 200', async () => {
    await open();
    const other = await makeUser('editor');
    const otherToken = await tokenFor(docId, other.id, undefined, undefined, 'microsoft');

    expect(await jsonOf(await checkFileInfo({ token: otherToken }))).toMatchObject({
      UserId: other.id,
      UserCanWrite: true,
    });
    // The lock belongs to the document, not to whoever took it.
    expect((await lockCall('REFRESH_LOCK', { token: otherToken })).status).toBe(200);
    const saved = await putFile({ body: 'both edited', editors: `${userId},${other.id}`, token: otherToken });
    expect(saved.status).toBe(200);
    expect((await versionsOf(docId)).at(-1)?.createdById).toBe(other.id);
    expect((await lockOf(docId))?.lockId).toBe(lockId);
  });

  // learn.microsoft.com …/rest/files/unlock.
  it('close (Unlock docs): POST UNLOCK → 200, no X-WOPI-Lock; a second UNLOCK → 409 + X-WOPI-Lock ""; reopen: CheckFileInfo Version/Size/SHA256 of the last save, GetFile those bytes', async () => {
    await open();
    expect((await putFile({ body: 'final figures' })).status).toBe(200);
    const unlocked = await lockCall('UNLOCK');
    expect(unlocked.status).toBe(200);
    expect(unlocked.headers.get('X-WOPI-Lock')).toBeNull();
    const again = await lockCall('UNLOCK');
    expect(again.status).toBe(409);
    expect(again.headers.get('X-WOPI-Lock')).toBe('');

    expect(await jsonOf(await checkFileInfo())).toMatchObject({
      Version: '2',
      Size: 13,
      SHA256: sha256('final figures'),
    });
    const file = await getFile();
    expect(file.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect((await bytesOf(file)).toString()).toBe('final figures');
  });

  // learn.microsoft.com …/rest/files/checkfileinfo (Version, SHA256), putfile (no timestamp header).
  it('changed in storage: CheckFileInfo shows a new Version and SHA256; POST PutFile under the lock (no timestamp exists in this protocol) → 200, X-WOPI-ItemVersion 3; the other tool’s bytes are kept as version 2', async () => {
    await open();
    await putExternalObject(documentKey({ folder, name: 'Budget.xlsx' }), 'written by another tool');
    expect(await jsonOf(await checkFileInfo())).toMatchObject({
      Version: '2',
      SHA256: sha256('written by another tool'),
    });

    const saved = await putFile({ body: 'editor bytes' });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('X-WOPI-ItemVersion')).toBe('3');
    expect((await bytesOf(await getFile())).toString()).toBe('editor bytes');
    expect((await versionsOf(docId)).map((v) => [v.version, v.size, v.details])).toEqual([
      [1, 9, null],
      [2, 23, { via: 'storage' }],
      [3, 12, { via: 'wopi' }],
    ]);
  });

  // concepts.rst (Lock: Office reads X-WOPI-Lock of every 409 to decide its next call); …/rest/files/putfile, lock.
  it('expired lock: POST PutFile with its lock id → 409 + X-WOPI-Lock "" (unlocked); Office re-LOCKs with the same id → 200 and the save → 200', async () => {
    await open();
    expect((await putFile({ body: 'first save' })).status).toBe(200);
    await expireLock(docId);

    const refused = await putFile({ body: 'second save' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('X-WOPI-Lock')).toBe('');
    expect((await bytesOf(await getFile())).toString()).toBe('first save');

    const relocked = await lockCall('LOCK');
    expect(relocked.status).toBe(200);
    const retried = await putFile({ body: 'second save' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('X-WOPI-ItemVersion')).toBe('3');
  });

  // concepts.rst (Lock); learn.microsoft.com …/rest/files/putfile, lock (409 carries the current lock).
  it('expired lock taken by another client meanwhile: POST PutFile → 409 + X-WOPI-Lock = the other lock; LOCK with its own id → 409 + the same; nothing written', async () => {
    await open();
    await expireLock(docId);
    expect((await lockCall('LOCK', { lock: 'another-client' })).status).toBe(200);

    const refused = await putFile({ body: 'lost save' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('X-WOPI-Lock')).toBe('another-client');
    const relock = await lockCall('LOCK');
    expect(relock.status).toBe(409);
    expect(relock.headers.get('X-WOPI-Lock')).toBe('another-client');
    expect((await bytesOf(await getFile())).toString()).toBe('budget v1');
    expect(await versionsOf(docId)).toHaveLength(1);
  });
});
