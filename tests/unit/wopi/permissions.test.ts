import { describe, expect, it } from 'vitest';
import type { Permission } from '@/lib/tokens/permissions';
import { makeRuntime, makeUser } from '../../support/memory-ports';

const DOC_ID = '66666666-6666-4666-8666-666666666666';
const EMPTY_ID = '77777777-7777-4777-8777-777777777777';

type Wire = { label: string; path: '' | '/contents'; headers: Record<string, string>; body?: string };

const WRITES: Wire[] = [
  { label: 'POST /wopi/files/:id LOCK', path: '', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' } },
  { label: 'POST /wopi/files/:id UNLOCK', path: '', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L0' } },
  {
    label: 'POST /wopi/files/:id REFRESH_LOCK',
    path: '',
    headers: { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L0' },
  },
  {
    label: 'POST /wopi/files/:id LOCK + X-WOPI-OldLock',
    path: '',
    headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1', 'X-WOPI-OldLock': 'L0' },
  },
  {
    label: 'POST /wopi/files/:id/contents PutFile',
    path: '/contents',
    headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L0' },
    body: 'overwritten',
  },
  {
    label: 'POST /wopi/files/:id RENAME_FILE',
    path: '',
    headers: { 'X-WOPI-Override': 'RENAME_FILE', 'X-WOPI-RequestedName': 'renamed', 'X-WOPI-Lock': 'L0' },
  },
  { label: 'POST /wopi/files/:id DELETE', path: '', headers: { 'X-WOPI-Override': 'DELETE' } },
];

/** A document locked with L0 (so UNLOCK/REFRESH/PutFile would succeed with write permission), and an empty one. */
const arrange = async ({ permissions, role = 'editor' }: { permissions: Permission[]; role?: 'editor' | 'viewer' }) => {
  const user = makeUser({ role });
  const rt = makeRuntime({
    docs: [
      { id: DOC_ID, name: 'report.docx', content: 'hello' },
      { id: EMPTY_ID, name: 'empty.docx', content: '' },
    ],
    users: [user],
  });
  await rt.locks.lock({ documentId: DOC_ID, lockId: 'L0', now: rt.clock.now() });
  const { token } = await rt.token({ documentId: DOC_ID, permissions });

  return { rt, token };
};

describe('read-only token (permissions ["read"])', () => {
  it('GET /wopi/files/:id → UserCanWrite false, ReadOnly true, UserCanRename false, UserCanNotWriteRelative true', async () => {
    const { rt, token } = await arrange({ permissions: ['read'] });
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info).toMatchObject({
      UserCanWrite: false,
      ReadOnly: true,
      UserCanRename: false,
      UserCanNotWriteRelative: true,
    });
  });

  it('GET /wopi/files/:id/contents → 200 (reading is allowed)', async () => {
    const { rt, token } = await arrange({ permissions: ['read'] });
    const response = await rt.send({ method: 'GET', path: '/contents', fileId: DOC_ID, token });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello');
  });

  it('POST /wopi/files/:id GET_LOCK → 200 (reading the lock is allowed)', async () => {
    const { rt, token } = await arrange({ permissions: ['read'] });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'GET_LOCK' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-Lock')).toBe('L0');
  });

  it.each(WRITES)('$label → 401, empty body, lock store and document unchanged', async (wire) => {
    const { rt, token } = await arrange({ permissions: ['read'] });
    const before = rt.snapshot();
    const response = await rt.send({
      method: 'POST',
      path: wire.path,
      fileId: DOC_ID,
      token,
      headers: wire.headers,
      body: wire.body,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('');
    expect(rt.snapshot()).toEqual(before);
  });

  it('POST /wopi/files/:id/contents PutFile on an unlocked 0-byte file → 401 and still 0 bytes', async () => {
    const { rt } = await arrange({ permissions: ['read'] });
    const { token } = await rt.token({ documentId: EMPTY_ID, permissions: ['read'] });
    const response = await rt.send({
      method: 'POST',
      path: '/contents',
      fileId: EMPTY_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT' },
      body: 'sneaky',
    });
    expect(response.status).toBe(401);
    expect(rt.documents.bytes(EMPTY_ID).byteLength).toBe(0);
  });

  it('POST /wopi/files/:id PUT_RELATIVE → 501 and no document created', async () => {
    const { rt, token } = await arrange({ permissions: ['read'] });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.pdf' },
      body: 'pdf bytes',
    });
    expect(response.status).toBe(501);
    expect(rt.documents.visible()).toHaveLength(2);
  });
});

describe('a token granting write, for a user whose role is now "viewer"', () => {
  const ALL: Permission[] = ['read', 'write', 'rename', 'delete', 'create'];

  it('GET /wopi/files/:id → UserCanWrite false, ReadOnly true', async () => {
    const { rt, token } = await arrange({ permissions: ALL, role: 'viewer' });
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info.UserCanWrite).toBe(false);
    expect(info.ReadOnly).toBe(true);
  });

  it.each(WRITES)('$label → 401 and nothing changed', async (wire) => {
    const { rt, token } = await arrange({ permissions: ALL, role: 'viewer' });
    const before = rt.snapshot();
    const response = await rt.send({
      method: 'POST',
      path: wire.path,
      fileId: DOC_ID,
      token,
      headers: wire.headers,
      body: wire.body,
    });
    expect(response.status).toBe(401);
    expect(rt.snapshot()).toEqual(before);
  });

  it('demoted after the token was issued: the same token that wrote a moment ago is refused', async () => {
    const { rt, token } = await arrange({ permissions: ALL, role: 'editor' });
    const put = () =>
      rt.send({
        method: 'POST',
        path: '/contents',
        fileId: DOC_ID,
        token,
        headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L0' },
        body: 'v2',
      });
    expect((await put()).status).toBe(200);
    rt.users.setRole(rt.user.id, 'viewer');
    const before = rt.snapshot();
    expect((await put()).status).toBe(401);
    expect(rt.snapshot()).toEqual(before);
  });

  it('POST /wopi/files/:id PUT_RELATIVE → 501 and no document created', async () => {
    const { rt, token } = await arrange({ permissions: ALL, role: 'viewer' });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.pdf' },
      body: 'pdf bytes',
    });
    expect(response.status).toBe(501);
    expect(rt.documents.visible()).toHaveLength(2);
  });
});

describe('partial permissions', () => {
  it('a token with write but not rename → CheckFileInfo UserCanRename false; RENAME_FILE → 401', async () => {
    const { rt, token } = await arrange({ permissions: ['read', 'write'] });
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info.UserCanWrite).toBe(true);
    expect(info.UserCanRename).toBe(false);
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'RENAME_FILE', 'X-WOPI-RequestedName': 'x', 'X-WOPI-Lock': 'L0' },
    });
    expect(response.status).toBe(401);
    expect(rt.documents.row(DOC_ID)!.name).toBe('report.docx');
  });

  it('a token without delete → DELETE → 401 and the document stays', async () => {
    const { rt, token } = await arrange({ permissions: ['read', 'write'] });
    await rt.locks.unlock({ documentId: DOC_ID, lockId: 'L0', now: rt.clock.now() });
    const response = await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': 'DELETE' } });
    expect(response.status).toBe(401);
    expect(await rt.documents.find(DOC_ID)).not.toBeNull();
  });

  // Bug (lib/wopi/operations/check-file-info.ts line 42): UserCanNotWriteRelative is
  // !has('create'), but put-relative-file.ts line 33 also requires 'write'. A token with create
  // but not write (cli.ts token --permissions read,create) is told it may Save As, then gets 501.
  // Fix: UserCanNotWriteRelative: !(permissions.has('create') && canWrite).
  it('a token with create but not write → CheckFileInfo UserCanNotWriteRelative true (PUT_RELATIVE is 501)', async () => {
    const { rt, token } = await arrange({ permissions: ['read', 'create'] });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.pdf' },
      body: 'pdf bytes',
    });
    expect(response.status).toBe(501);
    const info = await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json();
    expect(info.UserCanNotWriteRelative).toBe(true);
  });
});
