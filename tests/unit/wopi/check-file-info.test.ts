import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeRuntime, makeUser } from '../../support/memory-ports';

const DOC_ID = '88888888-8888-4888-8888-888888888888';
const OWNER_ID = '99999999-9999-4999-8999-999999999999';
const CONTENT = 'The quick brown fox – ünïcödé bytes';
const MODIFIED = new Date('2031-02-03T04:05:06.007Z');
const ISO_WITH_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const arrange = async ({
  isHashUnknown = false,
  createdById = OWNER_ID,
}: { isHashUnknown?: boolean; createdById?: string | null } = {}) => {
  const user = makeUser({ name: 'Edith Editor', email: 'edith@test.example' });
  const rt = makeRuntime({
    docs: [
      {
        id: DOC_ID,
        name: 'Quarterly report.docx',
        folder: 'finance/2031',
        content: CONTENT,
        version: 7,
        lastModifiedAt: MODIFIED,
        createdById,
        isHashUnknown,
      },
    ],
    users: [user],
  });
  const { token } = await rt.token({ documentId: DOC_ID });
  const checkFileInfo = async (withToken = token) => {
    const response = await rt.send({ method: 'GET', fileId: DOC_ID, token: withToken });
    expect(response.status).toBe(200);

    return response;
  };

  return { rt, token, user, checkFileInfo };
};

const sha256Base64 = (text: string) => createHash('sha256').update(Buffer.from(text)).digest('base64');

describe('GET /wopi/files/:id (CheckFileInfo)', () => {
  it('→ 200 JSON with the required properties describing the document and the user', async () => {
    const { checkFileInfo, user } = await arrange();
    const response = await checkFileInfo();
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const info = await response.json();
    expect(info).toMatchObject({
      BaseFileName: 'Quarterly report.docx',
      OwnerId: OWNER_ID,
      Size: Buffer.byteLength(CONTENT),
      UserId: user.id,
      Version: '7',
      SHA256: sha256Base64(CONTENT),
      LastModifiedTime: MODIFIED.toISOString(),
      FileExtension: '.docx',
      UserFriendlyName: 'Edith Editor',
      UserPrincipalName: 'edith@test.example',
    });
  });

  it('Version is a string, Size a number, LastModifiedTime ISO 8601 with milliseconds', async () => {
    const { checkFileInfo } = await arrange();
    const info = await (await checkFileInfo()).json();
    expect(typeof info.Version).toBe('string');
    expect(typeof info.Size).toBe('number');
    expect(info.LastModifiedTime).toMatch(ISO_WITH_MS);
  });

  it('SHA256 is the base64 (not hex) SHA-256 of the bytes, 44 characters', async () => {
    const { checkFileInfo } = await arrange();
    const info = await (await checkFileInfo()).json();
    expect(info.SHA256).toHaveLength(44);
    expect(Buffer.from(info.SHA256, 'base64').toString('hex')).toBe(createHash('sha256').update(CONTENT).digest('hex'));
  });

  it('SHA256 of a document whose hash was unknown → computed from the bytes', async () => {
    const { checkFileInfo } = await arrange({ isHashUnknown: true });
    const info = await (await checkFileInfo()).json();
    expect(info.SHA256).toBe(sha256Base64(CONTENT));
  });

  it('every boolean property is a JSON boolean (never "true"/"false" strings)', async () => {
    const { checkFileInfo } = await arrange();
    const info = await (await checkFileInfo()).json();
    const booleans = [
      'IsAnonymousUser',
      'UserCanWrite',
      'ReadOnly',
      'UserCanRename',
      'UserCanNotWriteRelative',
      'SupportsUserInfo',
      'SupportsLocks',
      'SupportsGetLock',
      'SupportsExtendedLockLength',
      'SupportsUpdate',
      'SupportsRename',
      'SupportsDeleteFile',
      'DisableBrowserCachingOfUserContent',
    ];
    for (const key of booleans) expect(typeof info[key], key).toBe('boolean');
    for (const [key, value] of Object.entries(info)) expect(['true', 'false'], key).not.toContain(value);
    expect(info).toMatchObject({
      SupportsLocks: true,
      SupportsGetLock: true,
      SupportsExtendedLockLength: true,
      SupportsUpdate: true,
      UserCanWrite: true,
      ReadOnly: false,
      UserCanNotWriteRelative: false,
    });
  });

  it('host URLs are absolute under the public URL; PostMessageOrigin is its origin', async () => {
    const { checkFileInfo } = await arrange();
    const info = await (await checkFileInfo()).json();
    expect(info.HostEditUrl).toBe(`http://host.test/documents/${DOC_ID}/edit`);
    expect(info.HostViewUrl).toBe(`http://host.test/documents/${DOC_ID}/view`);
    expect(info.PostMessageOrigin).toBe('http://host.test');
    expect(info.BreadcrumbFolderName).toBe('2031');
  });

  it('a document without a creator → OwnerId is still a non-empty string', async () => {
    const { checkFileInfo } = await arrange({ createdById: null });
    const info = await (await checkFileInfo()).json();
    expect(typeof info.OwnerId).toBe('string');
    expect(info.OwnerId).not.toBe('');
  });

  it('Size, Version, SHA256 and LastModifiedTime follow a PutFile', async () => {
    const { rt, token, checkFileInfo } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    const put = await rt.send({
      method: 'POST',
      path: '/contents',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1' },
      body: 'v8',
    });
    expect(put.status).toBe(200);
    const info = await (await checkFileInfo()).json();
    expect(info).toMatchObject({ Size: 2, Version: '8', SHA256: sha256Base64('v8') });
    expect(info.LastModifiedTime).toBe((await put.json()).LastModifiedTime);
  });

  describe('wopi.open audit', () => {
    it('two CheckFileInfo calls with the same token → one wopi.open event', async () => {
      const { rt, checkFileInfo, user } = await arrange();
      await checkFileInfo();
      await checkFileInfo();
      const opens = rt.audit.filter((event) => event.action === 'wopi.open');
      expect(opens).toHaveLength(1);
      expect(opens[0]).toMatchObject({ outcome: 'success', userId: user.id, documentId: DOC_ID });
    });

    it('a new token → another wopi.open event', async () => {
      const { rt, checkFileInfo } = await arrange();
      await checkFileInfo();
      const { token: second } = await rt.token({ documentId: DOC_ID });
      await checkFileInfo(second);
      await checkFileInfo(second);
      expect(rt.audit.filter((event) => event.action === 'wopi.open')).toHaveLength(2);
    });

    it('the event records the effective permissions, not the token secret', async () => {
      const { rt, token, checkFileInfo } = await arrange();
      await checkFileInfo();
      const open = rt.audit.find((event) => event.action === 'wopi.open')!;
      expect(JSON.stringify(open)).not.toContain(token);
      expect(open.details).toMatchObject({ permissions: expect.arrayContaining(['read', 'write']) });
    });
  });
});

describe('POST /wopi/files/:id PUT_USER_INFO', () => {
  const putUserInfo = (rt: Awaited<ReturnType<typeof arrange>>['rt'], token: string, body: string) =>
    rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': 'PUT_USER_INFO' }, body });

  it('→ 200, and CheckFileInfo UserInfo returns it', async () => {
    const { rt, token, checkFileInfo } = await arrange();
    expect((await (await checkFileInfo()).json()).UserInfo).toBe('');
    const info = JSON.stringify({ theme: 'dark', recent: ['a', 'b'], note: 'ünïcödé ✓' });
    const response = await putUserInfo(rt, token, info);
    expect(response.status).toBe(200);
    expect((await (await checkFileInfo()).json()).UserInfo).toBe(info);
  });

  it('is per user: another user on the same document sees their own (empty) UserInfo', async () => {
    const alice = makeUser({ name: 'Alice' });
    const bob = makeUser({ name: 'Bob' });
    const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'a.docx', content: 'x' }], users: [alice, bob] });
    const { token: aliceToken } = await rt.token({ documentId: DOC_ID, userId: alice.id });
    const { token: bobToken } = await rt.token({ documentId: DOC_ID, userId: bob.id });
    await putUserInfo(rt, aliceToken, 'alice-settings');
    const bobInfo = await (await rt.send({ method: 'GET', fileId: DOC_ID, token: bobToken })).json();
    expect(bobInfo.UserInfo).toBe('');
  });

  it('exactly 1024 bytes → 200', async () => {
    const { rt, token, checkFileInfo } = await arrange();
    const info = 'x'.repeat(1024);
    expect((await putUserInfo(rt, token, info)).status).toBe(200);
    expect((await (await checkFileInfo()).json()).UserInfo).toBe(info);
  });

  it('1025 bytes → 400 and the stored UserInfo is unchanged', async () => {
    const { rt, token, checkFileInfo } = await arrange();
    await putUserInfo(rt, token, 'before');
    const response = await putUserInfo(rt, token, 'x'.repeat(1025));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('');
    expect((await (await checkFileInfo()).json()).UserInfo).toBe('before');
  });

  it('513 two-byte characters (1026 bytes, 513 characters) → 400: the limit counts bytes', async () => {
    const { rt, token } = await arrange();
    expect((await putUserInfo(rt, token, 'é'.repeat(513))).status).toBe(400);
  });
});
