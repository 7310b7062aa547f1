import utf7 from 'utf7';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { ticksFromDate } from '@/lib/discovery/proof-keys';
import { documentKey } from '@/lib/storage/keys';
import { headObject } from '@/lib/storage/objects';
import { verifyAccessToken } from '@/lib/tokens/tokens';
import { addDocument, putExternalObject, uniqueFolder } from '../../../support/documents';
import { makeUser } from '../../../support/session';
import { bytesOf, tokenFor, wopi } from '../../../support/wopi';
import { ageLock, expireLock, jsonOf, lockOf, openedFrom, THIRTY_MINUTES, versionsOf } from './wire';

// ONLYOFFICE Docs (DocService) as a WOPI client, replayed request by request from ONLYOFFICE/server:
//  - DocService/sources/wopiClient.js: what each request carries (checkFileInfo, lock, unlock,
//    putFile, renameFile, putRelativeFile) and when the editor page opens one (getEditorHtml →
//    checkAndReplaceEmptyFile → prepareDocumentForEditing → preOpen);
//  - DocService/sources/wopiUtils.js: fillStandardHeaders (every request), getWopiFileUrl (GetFile);
//  - DocService/sources/canvasservice.js commandSfcCallback / processWopiPutFile / processWopiSaveAs:
//    which save sends which X-LOOL-WOPI-* flags, and the UNLOCK after the last editor left;
//  - DocService/sources/DocsCoServer.js refreshWopiLock: REFRESH_LOCK every wopi.refreshLockInterval (10m).
// ONLYOFFICE never sends GET_LOCK, UnlockAndRelock or X-WOPI-RelativeTarget, and never LOCKs
// again within a session: only an editor page opening (getEditorHtml or refreshFile) does.
// X-WOPI-Proof/ProofOld (sent when wopi.privateKey is configured) are covered in ../editors.test.ts.

/**
 * Common/sources/utils.js sends services.CoAuthoring.requestDefaults.headers (User-Agent
 * "Node.js/6.13", Connection: Keep-Alive; fetch manages Connection itself); wopiUtils.js
 * fillStandardHeaders adds X-WOPI-TimeStamp and X-WOPI-ClientVersion (buildVersion.buildNumber).
 */
const standard = () => ({
  'User-Agent': 'Node.js/6.13',
  'X-WOPI-TimeStamp': ticksFromDate(new Date()).toString(),
  'X-WOPI-ClientVersion': '9.0.4.50',
});
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const RESUME = 'Résumé – été €';
/** npm utf7 encode() (wopiClient.js renameFile / putRelativeFile): every run closed, spaces shifted too. */
const RESUME_UTF7 = 'R+AOk-sum+AOkAICATACAA6Q-t+AOkAICCs-';
const RESUME_DOCX_UTF7 = 'R+AOk-sum+AOkAICATACAA6Q-t+AOkAICCs-.docx';

let folder: string;
let docId: string;
let userId: string;
let token: string;
/** preOpen: "Use deterministic (not random) lockId": the docId, i.e. the WOPISrc file id. */
let lockId: string;

beforeEach(async () => {
  folder = uniqueFolder('oo');
  userId = (await makeUser('editor')).id;
  docId = (await addDocument(folder, 'Plan.docx', 'plan v1', userId)).id;
  token = await tokenFor(docId, userId, undefined, undefined, 'onlyoffice');
  lockId = docId;
});

type At = { token?: string; id?: string };

/** wopiClient.js checkFileInfo: `${wopiSrc}?access_token=…`, standard headers (X-WOPI-SessionContext only with ?sc=). */
const checkFileInfo = ({ token: t = token, id = docId }: At = {}) =>
  wopi.checkFileInfo(id, { token: t, headers: standard() });
/** wopiUtils.js getWopiFileUrl (no FileUrl): /contents with X-WOPI-MaxExpectedSize = FileConverter.converter.maxDownloadBytes. */
const getFile = ({ token: t = token, id = docId }: At = {}) =>
  wopi.getFile(id, { token: t, headers: { ...standard(), 'X-WOPI-MaxExpectedSize': '524288000' } });
/** wopiClient.js lock(command) and unlock: X-WOPI-Override + X-WOPI-Lock, no body. */
const lockCall = (
  command: 'LOCK' | 'REFRESH_LOCK' | 'UNLOCK',
  { token: t = token, id = docId, lock = lockId }: At & { lock?: string } = {},
) => wopi.override(id, command, { token: t, headers: { ...standard(), 'X-WOPI-Lock': lock } });

type Save = {
  body: string;
  modified?: boolean;
  autosave: boolean;
  exitSave: boolean;
  timestamp?: string | null;
  editors?: string;
  token?: string;
  lock?: string | null;
};

/**
 * wopiClient.js putFile: X-WOPI-Lock = commonInfo.lockId, X-WOPI-Editors = the user of the last
 * change, the three X-LOOL-WOPI-Is* flags (booleans, so "true"/"false"), X-LOOL-WOPI-Timestamp =
 * the last LastModifiedTime (CheckFileInfo's, then each PutFile reply's "modified marker"), when known.
 */
const putFile = ({
  body,
  modified = true,
  autosave,
  exitSave,
  timestamp,
  editors = userId,
  token: t = token,
  lock = lockId,
}: Save) =>
  wopi.putFile(docId, {
    token: t,
    body,
    headers: {
      ...(lock === null ? {} : { 'X-WOPI-Lock': lock }),
      'X-WOPI-Editors': editors,
      ...standard(),
      'X-LOOL-WOPI-IsModifiedByUser': String(modified),
      'X-LOOL-WOPI-IsAutosave': String(autosave),
      'X-LOOL-WOPI-IsExitSave': String(exitSave),
      ...(timestamp ? { 'X-LOOL-WOPI-Timestamp': timestamp } : {}),
      'Content-Type': DOCX,
    },
  });

const lastModifiedOf = async (response: Response) =>
  (await jsonOf<{ LastModifiedTime: string }>(response)).LastModifiedTime;

/** getEditorHtml (CheckFileInfo, preOpen → LOCK), then the converter's GetFile. Returns the LastModifiedTime kept in commonInfo. */
const open = async () => {
  const info = await checkFileInfo();
  expect(info.status).toBe(200);
  const timestamp = await lastModifiedOf(info);
  expect((await lockCall('LOCK')).status).toBe(200);
  const file = await getFile();
  expect(file.status).toBe(200);
  await bytesOf(file);

  return timestamp;
};

describe('ONLYOFFICE Docs: one editing session, request by request', () => {
  // ONLYOFFICE/server DocService/sources/wopiClient.js getEditorHtml, preOpen; DocService/sources/wopiUtils.js getWopiFileUrl.
  it('open (wopiClient.js getEditorHtml → preOpen; wopiUtils.js getWopiFileUrl): GET CheckFileInfo → what DocService reads; POST LOCK with lockId = docId → 200, no X-WOPI-Lock; GET GetFile with X-WOPI-MaxExpectedSize → the bytes', async () => {
    const info = await checkFileInfo();
    expect(info.status).toBe(200);
    const body = await jsonOf(info);
    const stored = await db.document.findUniqueOrThrow({ where: { id: docId } });
    expect(body).toMatchObject({
      BaseFileName: 'Plan.docx',
      // getFileTypeByInfo prefers FileExtension over BaseFileName.
      FileExtension: '.docx',
      Size: 7,
      // checkAndInvalidateCache compares Version and LastModifiedTime with the cached ones.
      Version: '1',
      LastModifiedTime: stored.lastModifiedAt.toISOString(),
      UserId: userId,
      // canEdit = UserCanOnlyComment || UserCanWrite || UserCanReview; else view mode, no LOCK.
      UserCanWrite: true,
      SupportsLocks: true,
      SupportsUpdate: true,
      // renameFile runs only with SupportsRename; it cuts the name to FileNameMaxLength.
      SupportsRename: true,
      UserCanRename: true,
    });
    expect(body.FileNameMaxLength).toEqual(expect.any(Number));
    expect(body.FileNameMaxLength as number).toBeGreaterThan(RESUME.length);

    const locked = await lockCall('LOCK');
    expect(locked.status).toBe(200);
    expect(locked.headers.get('X-WOPI-Lock')).toBeNull();
    const row = await lockOf(docId);
    expect(row?.lockId).toBe(docId);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);

    const file = await getFile();
    expect(file.status).toBe(200);
    expect(file.headers.get('Content-Length')).toBe('7');
    expect((await bytesOf(file)).toString()).toBe('plan v1');
  });

  // ONLYOFFICE/server DocService/sources/wopiClient.js checkAndReplaceEmptyFile, putFile.
  it('a new, empty document (wopiClient.js checkAndReplaceEmptyFile): CheckFileInfo Size 0 → POST PutFile of the template without X-WOPI-Lock, flags false/false/false, no timestamp → 200 {LastModifiedTime}; LOCK; the first forcesave sends that time → 200', async () => {
    const empty = await addDocument(folder, 'New.docx', '', userId);
    const emptyToken = await tokenFor(empty.id, userId, undefined, undefined, 'onlyoffice');
    const info = await jsonOf(await checkFileInfo({ token: emptyToken, id: empty.id }));
    expect(info.Size).toBe(0);

    // getWopiParams(undefined, …): no lock id yet (the header is left out), no LastModifiedTime.
    const template = await wopi.putFile(empty.id, {
      token: emptyToken,
      body: 'new.docx template',
      headers: {
        'X-WOPI-Editors': userId,
        ...standard(),
        'X-LOOL-WOPI-IsModifiedByUser': 'false',
        'X-LOOL-WOPI-IsAutosave': 'false',
        'X-LOOL-WOPI-IsExitSave': 'false',
        'Content-Type': DOCX,
      },
    });
    expect(template.status).toBe(200);
    // "update LastModifiedTime" in fileInfo: commonInfo keeps this one for the next saves.
    const t1 = await lastModifiedOf(template);

    expect((await lockCall('LOCK', { token: emptyToken, id: empty.id, lock: empty.id })).status).toBe(200);
    expect((await bytesOf(await getFile({ token: emptyToken, id: empty.id }))).toString()).toBe('new.docx template');
    const forcesave = await wopi.putFile(empty.id, {
      token: emptyToken,
      body: 'first words',
      headers: {
        'X-WOPI-Lock': empty.id,
        'X-WOPI-Editors': userId,
        ...standard(),
        'X-LOOL-WOPI-IsModifiedByUser': 'true',
        'X-LOOL-WOPI-IsAutosave': 'true',
        'X-LOOL-WOPI-IsExitSave': 'false',
        'X-LOOL-WOPI-Timestamp': t1,
        'Content-Type': DOCX,
      },
    });
    expect(forcesave.status).toBe(200);
    expect((await versionsOf(empty.id)).map((v) => [v.version, v.details])).toEqual([
      [1, null],
      [2, { via: 'wopi', isModifiedByUser: false, isAutosave: false, isExitSave: false }],
      [3, { via: 'wopi', isModifiedByUser: true, isAutosave: true, isExitSave: false }],
    ]);
  });

  // ONLYOFFICE/server DocService/sources/canvasservice.js commandSfcCallback, processWopiPutFile; wopiClient.js putFile.
  it('saves (canvasservice.js commandSfcCallback → processWopiPutFile): timer forcesave IsAutosave true + X-LOOL-WOPI-Timestamp T0 → 200 {T1}; the Save button (IsAutosave false) with T1 → 200 {T2}; CheckFileInfo then reports T2', async () => {
    const t0 = await open();

    // isSfcm with forceSaveType Timeout: isAutoSave = not Button and not Form.
    const timer = await putFile({ body: 'plan v2', autosave: true, exitSave: false, timestamp: t0 });
    expect(timer.status).toBe(200);
    expect(timer.headers.get('X-WOPI-ItemVersion')).toBe('2');
    expect(timer.headers.get('X-WOPI-Lock')).toBeNull();
    // processWopiPutFile stores the reply's LastModifiedTime as the "modified marker".
    const t1 = await lastModifiedOf(timer);
    expect(Date.parse(t1)).toBeGreaterThanOrEqual(Date.parse(t0));

    const button = await putFile({ body: 'plan v3!', autosave: false, exitSave: false, timestamp: t1 });
    expect(button.status).toBe(200);
    expect(button.headers.get('X-WOPI-ItemVersion')).toBe('3');
    const t2 = await lastModifiedOf(button);

    expect(await jsonOf(await checkFileInfo())).toMatchObject({ LastModifiedTime: t2, Version: '3', Size: 8 });
    expect((await versionsOf(docId)).map((v) => [v.version, v.details])).toEqual([
      [1, null],
      [2, { via: 'wopi', isModifiedByUser: true, isAutosave: true, isExitSave: false }],
      [3, { via: 'wopi', isModifiedByUser: true, isAutosave: false, isExitSave: false }],
    ]);
  });

  // ONLYOFFICE/server DocService/sources/DocsCoServer.js refreshWopiLock; wopiClient.js lock.
  it('refresh (DocsCoServer.js refreshWopiLock, every wopi.refreshLockInterval = 10m): POST REFRESH_LOCK with the lockId → 200 and 30 more minutes; saves keep passing', async () => {
    const t0 = await open();
    await ageLock(docId, 60_000);

    const refreshed = await lockCall('REFRESH_LOCK');
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('X-WOPI-Lock')).toBeNull();
    const row = await lockOf(docId);
    expect(row?.lockId).toBe(lockId);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(THIRTY_MINUTES - 60_000);

    expect((await putFile({ body: 'after refresh', autosave: true, exitSave: false, timestamp: t0 })).status).toBe(200);
  });

  // ONLYOFFICE/server DocService/sources/wopiClient.js renameFile (web-apps header: cutDocName before asc_wopi_renameFile).
  it('rename (wopiClient.js renameFile, name without extension from the editor header): POST RENAME_FILE with X-WOPI-Lock and npm-utf7 X-WOPI-RequestedName, no body → 200 {Name}; CheckFileInfo BaseFileName "Résumé – été €.docx"', async () => {
    const t0 = await open();
    expect(utf7.encode(RESUME)).toBe(RESUME_UTF7);

    const renamed = await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { 'X-WOPI-Lock': lockId, 'X-WOPI-RequestedName': RESUME_UTF7, ...standard() },
    });
    expect(renamed.status).toBe(200);
    // The editor shows Name + its own extension ("sharepoint sends an empty body": then the sent name).
    expect((await jsonOf<{ Name: string }>(renamed)).Name).toBe(RESUME);

    expect(await jsonOf(await checkFileInfo())).toMatchObject({ BaseFileName: `${RESUME}.docx`, Version: '1' });
    expect(await headObject(documentKey({ folder, name: `${RESUME}.docx` }))).not.toBeNull();
    expect(await headObject(documentKey({ folder, name: 'Plan.docx' }))).toBeNull();
    // The session goes on under the same lock and timestamp.
    expect((await putFile({ body: 'after rename', autosave: true, exitSave: false, timestamp: t0 })).status).toBe(200);
  });

  // wopiClient.js renameFile trusts FileNameMaxLength as a length in UTF-16 units:
  // name.substring(0, FileNameMaxLength). The host advertises characters that always fit its
  // byte rule (found by this test: it once advertised 228 bytes and refused 228 × "é").
  it('rename to a long accented name, cut to FileNameMaxLength characters by wopiClient.js renameFile → 200 {Name}', async () => {
    await open();
    const { FileNameMaxLength } = await jsonOf<{ FileNameMaxLength: number }>(await checkFileInfo());
    const name = 'é'.repeat(300).substring(0, FileNameMaxLength);
    const renamed = await wopi.override(docId, 'RENAME_FILE', {
      token,
      headers: { 'X-WOPI-Lock': lockId, 'X-WOPI-RequestedName': utf7.encode(name), ...standard() },
    });
    expect(renamed.headers.get('X-WOPI-InvalidFileNameError')).toBeNull();
    expect(renamed.status).toBe(200);
    expect((await jsonOf<{ Name: string }>(renamed)).Name).toBe(name);
  });

  // ONLYOFFICE/server DocService/sources/canvasservice.js processWopiSaveAs; wopiClient.js putRelativeFile.
  it('Save Copy As (canvasservice.js processWopiSaveAs → wopiClient.js putRelativeFile): POST PUT_RELATIVE, no X-WOPI-Lock, npm-utf7 X-WOPI-SuggestedTarget "Résumé – été €.docx", Content-Type of the format → 200 {Name, Url}; the Url token opens the copy (CheckFileInfo, LOCK, GetFile)', async () => {
    await open();
    expect(utf7.encode(`${RESUME}.docx`)).toBe(RESUME_DOCX_UTF7);
    const copy = 'copy bytes';

    const saved = await wopi.override(docId, 'PUT_RELATIVE', {
      token,
      body: copy,
      headers: { 'X-WOPI-SuggestedTarget': RESUME_DOCX_UTF7, ...standard(), 'Content-Type': DOCX },
    });
    expect(saved.status).toBe(200);
    const reply = await jsonOf<{ Name: string; Url: string; HostEditUrl: string }>(saved);
    expect(reply.Name).toBe(`${RESUME}.docx`);

    const copyAt = openedFrom(reply.Url);
    expect(copyAt.id).not.toBe(docId);
    // HostEditUrl is where ONLYOFFICE sends the user after a conversion (convert-and-edit-handler).
    expect(reply.HostEditUrl).toContain(copyAt.id);
    expect((await verifyAccessToken(copyAt.token))?.editor).toBe('onlyoffice');
    expect(await jsonOf(await checkFileInfo(copyAt))).toMatchObject({
      BaseFileName: `${RESUME}.docx`,
      Size: Buffer.byteLength(copy),
      UserCanWrite: true,
    });
    // The copy's own editor: its lockId is its own docId.
    expect((await lockCall('LOCK', { ...copyAt, lock: copyAt.id })).status).toBe(200);
    expect((await bytesOf(await getFile(copyAt))).toString()).toBe(copy);
    // The source is untouched and still locked by its session.
    expect((await lockOf(docId))?.lockId).toBe(lockId);
    expect((await bytesOf(await getFile())).toString()).toBe('plan v1');
  });

  // ONLYOFFICE/server DocService/sources/wopiClient.js getEditorHtml, checkAndInvalidateCache, preOpen; DocsCoServer.js refreshWopiLock.
  it('a second user joins (getEditorHtml → checkAndInvalidateCache → preOpen): GET CheckFileInfo with their token, POST LOCK with the same lockId → 200 (no GetFile: DocService has the file); REFRESH_LOCK and the final PutFile then go with the last user’s token', async () => {
    const t0 = await open();
    const other = await makeUser('editor');
    const otherToken = await tokenFor(docId, other.id, undefined, undefined, 'onlyoffice');

    const info = await checkFileInfo({ token: otherToken });
    expect(info.status).toBe(200);
    // Unchanged Version and LastModifiedTime: the cached document (and its lockId) is reused.
    expect(await jsonOf(info)).toMatchObject({
      UserId: other.id,
      UserCanWrite: true,
      Version: '1',
      LastModifiedTime: t0,
    });
    const joined = await lockCall('LOCK', { token: otherToken });
    expect(joined.status).toBe(200);
    expect((await lockOf(docId))?.lockId).toBe(lockId);

    // refreshWopiLock: getCallbackByUserIndex(callback) without an index = the last user's userAuth.
    expect((await lockCall('REFRESH_LOCK', { token: otherToken })).status).toBe(200);
    const saved = await putFile({
      body: 'both edited',
      autosave: true,
      exitSave: false,
      timestamp: t0,
      editors: other.id,
      token: otherToken,
    });
    expect(saved.status).toBe(200);
    expect((await versionsOf(docId)).at(-1)?.createdById).toBe(other.id);
    expect((await lockCall('UNLOCK', { token: otherToken })).status).toBe(200);
  });

  // ONLYOFFICE/server DocService/sources/canvasservice.js commandSfcCallback, processWopiPutFile; wopiClient.js unlock.
  it('close (commandSfcCallback once no editor is left, then cleanDocumentOnExit → unlockWopiDoc): POST PutFile IsExitSave true → 200; POST UNLOCK → 200; reopen: CheckFileInfo has that Version/Size/LastModifiedTime, GetFile those bytes', async () => {
    const t0 = await open();
    // processWopiPutFile(…, isModifiedByUser = !notModified, isAutosave = false, isExitSave = true).
    const exit = await putFile({ body: 'final words', autosave: false, exitSave: true, timestamp: t0 });
    expect(exit.status).toBe(200);
    const t1 = await lastModifiedOf(exit);
    const unlocked = await lockCall('UNLOCK');
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

  // ONLYOFFICE/server DocService/sources/canvasservice.js commandSfcCallback (storeForgotten → unlockWopiDoc); wopiClient.js putFile.
  it('changed in storage: the exit PutFile with the old X-LOOL-WOPI-Timestamp → 409 {"COOLStatusCode":1010}; commandSfcCallback stores the copy as "forgotten" and still UNLOCKs → 200; the other tool’s bytes stay current', async () => {
    const t0 = await open();
    await putExternalObject(documentKey({ folder, name: 'Plan.docx' }), 'written by another tool');

    const stale = await putFile({ body: 'editor bytes', autosave: false, exitSave: true, timestamp: t0 });
    expect(stale.status).toBe(409);
    expect(await jsonOf(stale)).toEqual({ COOLStatusCode: 1010 });

    // requestRes false → storeForgotten → unlockWopiDoc.
    const unlocked = await lockCall('UNLOCK');
    expect(unlocked.status).toBe(200);
    expect(await jsonOf(await checkFileInfo())).toMatchObject({ Version: '2', Size: 23 });
    expect((await bytesOf(await getFile())).toString()).toBe('written by another tool');
    expect((await versionsOf(docId)).map((v) => [v.version, v.details])).toEqual([
      [1, null],
      [2, { via: 'storage' }],
    ]);
  });

  // ONLYOFFICE/server DocService/sources/wopiClient.js putFile, lock, refreshFile; DocsCoServer.js refreshWopiLock.
  it('expired lock: POST PutFile (forcesave) with the old lockId → 409 + X-WOPI-Lock ""; the 10-minute REFRESH_LOCK → 409 + X-WOPI-Lock "" (only logged); an editor page opening → CheckFileInfo + LOCK with the same lockId → 200; the next forcesave → 200', async () => {
    const t0 = await open();
    const first = await putFile({ body: 'first save', autosave: true, exitSave: false, timestamp: t0 });
    expect(first.status).toBe(200);
    const t1 = await lastModifiedOf(first);
    await expireLock(docId);

    const refused = await putFile({ body: 'second save', autosave: true, exitSave: false, timestamp: t1 });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('X-WOPI-Lock')).toBe('');
    const refresh = await lockCall('REFRESH_LOCK');
    expect(refresh.status).toBe(409);
    expect(refresh.headers.get('X-WOPI-Lock')).toBe('');
    expect((await bytesOf(await getFile())).toString()).toBe('first save');

    // A user opening the editor (or refreshFile on token renewal): prepareDocumentForEditing → preOpen → LOCK.
    const info = await checkFileInfo();
    expect(await jsonOf(info)).toMatchObject({ LastModifiedTime: t1, Version: '2' });
    expect((await lockCall('LOCK')).status).toBe(200);
    const retried = await putFile({ body: 'second save', autosave: true, exitSave: false, timestamp: t1 });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('X-WOPI-ItemVersion')).toBe('3');
  });
});
