import { describe, expect, it } from 'vitest';
import { makeRuntime } from '../../support/memory-ports';

const DOC_ID = 'f3f3f3f3-f3f3-4f3f-8f3f-f3f3f3f3f3f3';
const MINUTE = 60 * 1000;

const arrange = async () => {
  const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'report.docx', content: 'bytes' }] });
  const { token } = await rt.token({ documentId: DOC_ID });
  const del = () => rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Override': 'DELETE' } });

  return { rt, token, del };
};

describe('POST /wopi/files/:id DELETE (DeleteFile)', () => {
  it('locked → 409 + X-WOPI-Lock, the document stays', async () => {
    const { rt, token, del } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    const response = await del();
    expect(response.status).toBe(409);
    expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    expect(await response.text()).toBe('');
    expect((await rt.send({ method: 'GET', fileId: DOC_ID, token })).status).toBe(200);
    expect(rt.audit).toContainEqual(expect.objectContaining({ action: 'wopi.delete', outcome: 'failure' }));
  });

  it('unlocked → 200, then CheckFileInfo → 404 and GetFile → 404', async () => {
    const { rt, token, del } = await arrange();
    const response = await del();
    expect(response.status).toBe(200);
    expect((await rt.send({ method: 'GET', fileId: DOC_ID, token })).status).toBe(404);
    expect((await rt.send({ method: 'GET', path: '/contents', fileId: DOC_ID, token })).status).toBe(404);
    expect(rt.audit).toContainEqual(expect.objectContaining({ action: 'wopi.delete', outcome: 'success' }));
  });

  it('with an expired lock → 200 (an expired lock is no lock)', async () => {
    const { rt, del } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    rt.clock.advance(31 * MINUTE);
    expect((await del()).status).toBe(200);
  });

  it('twice → the second is 404', async () => {
    const { del } = await arrange();
    expect((await del()).status).toBe(200);
    expect((await del()).status).toBe(404);
  });

  it('after delete, LOCK → 404 and no lock is taken', async () => {
    const { rt, token, del } = await arrange();
    await del();
    const lock = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
    });
    expect(lock.status).toBe(404);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('');
  });
});
