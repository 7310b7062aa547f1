import { describe, expect, it } from 'vitest';
import { makeRuntime } from '../../support/memory-ports';

const DOC_ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BYTES = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);

const arrange = async () => {
  const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'binary.docx', content: BYTES, version: 4 }] });
  const { token } = await rt.token({ documentId: DOC_ID });
  const getFile = (headers?: Record<string, string>) =>
    rt.send({ method: 'GET', path: '/contents', fileId: DOC_ID, token, headers });

  return { rt, token, getFile };
};

describe('GET /wopi/files/:id/contents (GetFile)', () => {
  it('→ 200 with exactly the bytes, Content-Length and X-WOPI-ItemVersion', async () => {
    const { getFile } = await arrange();
    const response = await getFile();
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('4');
    expect(response.headers.get('Content-Length')).toBe('300');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BYTES);
  });

  it('X-WOPI-ItemVersion matches CheckFileInfo Version, before and after a PutFile', async () => {
    const { rt, token, getFile } = await arrange();
    const version = async () => {
      const info = (await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json()) as { Version: string };

      return info.Version;
    };
    expect((await getFile()).headers.get('X-WOPI-ItemVersion')).toBe(await version());
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L', now: rt.clock.now() });
    await rt.send({
      method: 'POST',
      path: '/contents',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L' },
      body: 'changed',
    });
    const after = await getFile();
    expect(after.headers.get('X-WOPI-ItemVersion')).toBe('5');
    expect(after.headers.get('X-WOPI-ItemVersion')).toBe(await version());
    expect(await after.text()).toBe('changed');
  });

  it('X-WOPI-MaxExpectedSize smaller than the file → 412 with an empty body', async () => {
    const { getFile } = await arrange();
    const response = await getFile({ 'X-WOPI-MaxExpectedSize': '299' });
    expect(response.status).toBe(412);
    expect(await response.text()).toBe('');
  });

  it('X-WOPI-MaxExpectedSize equal to the file size → 200', async () => {
    const { getFile } = await arrange();
    const response = await getFile({ 'X-WOPI-MaxExpectedSize': '300' });
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(300);
  });

  it('X-WOPI-MaxExpectedSize 0 on a non-empty file → 412', async () => {
    const { getFile } = await arrange();
    expect((await getFile({ 'X-WOPI-MaxExpectedSize': '0' })).status).toBe(412);
  });

  it('a 0-byte file → 200 with an empty body and Content-Length 0', async () => {
    const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'empty.docx', content: '' }] });
    const { token } = await rt.token({ documentId: DOC_ID });
    const response = await rt.send({ method: 'GET', path: '/contents', fileId: DOC_ID, token });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe('0');
    expect(await response.text()).toBe('');
  });
});
