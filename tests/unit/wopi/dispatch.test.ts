import { describe, expect, it } from 'vitest';
import { makeRuntime } from '../../support/memory-ports';

const DOC_ID = '22222222-2222-4222-8222-222222222222';

const arrange = async () => {
  const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'report.docx', content: 'hello' }] });
  const { token } = await rt.token({ documentId: DOC_ID });

  return { rt, token };
};

describe('X-WOPI-Override dispatch', () => {
  it.each([['FOO'], ['PUT'], ['GET'], ['COBALT'], ['LOCKS'], ['GET_LOCKS']])(
    'POST /wopi/files/:id with X-WOPI-Override %j → 501 with an empty body, nothing changed',
    async (override) => {
      const { rt, token } = await arrange();
      const before = rt.snapshot();
      const response = await rt.send({
        method: 'POST',
        fileId: DOC_ID,
        token,
        headers: { 'X-WOPI-Override': override, 'X-WOPI-Lock': 'L1' },
      });
      expect(response.status).toBe(501);
      expect(await response.text()).toBe('');
      expect(rt.snapshot()).toEqual(before);
    },
  );

  it('POST /wopi/files/:id without X-WOPI-Override → 501', async () => {
    const { rt, token } = await arrange();
    const response = await rt.send({ method: 'POST', fileId: DOC_ID, token, headers: { 'X-WOPI-Lock': 'L1' } });
    expect(response.status).toBe(501);
    expect(await response.text()).toBe('');
  });

  it('POST /wopi/files/:id/contents with X-WOPI-Override LOCK → 501 and no lock taken', async () => {
    const { rt, token } = await arrange();
    const response = await rt.send({
      method: 'POST',
      path: '/contents',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' },
    });
    expect(response.status).toBe(501);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('');
  });

  it('POST /wopi/files/:id/contents without X-WOPI-Override → 501 and nothing written', async () => {
    const { rt, token } = await arrange();
    const response = await rt.send({ method: 'POST', path: '/contents', fileId: DOC_ID, token, body: 'x' });
    expect(response.status).toBe(501);
    expect(rt.documents.bytes(DOC_ID).toString()).toBe('hello');
  });

  it('POST /wopi/files/:id with X-WOPI-Override lock (lower case) → 200: override values are case-insensitive', async () => {
    const { rt, token } = await arrange();
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'lock', 'X-WOPI-Lock': 'L1' },
    });
    expect(response.status).toBe(200);
    expect(await rt.locks.get({ documentId: DOC_ID, now: rt.clock.now() })).toBe('L1');
  });

  it('POST /wopi/files/:id LOCK + X-WOPI-OldLock is UnlockAndRelock (audited as such)', async () => {
    const { rt, token } = await arrange();
    await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
    const response = await rt.send({
      method: 'POST',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2', 'X-WOPI-OldLock': 'L1' },
    });
    expect(response.status).toBe(200);
    expect(rt.audit.map((event) => event.action)).toEqual(['wopi.unlock_and_relock']);
  });

  it('an operation that throws something other than a WopiError → bare 500 with X-WOPI-ServerError, no internals', async () => {
    const { rt, token } = await arrange();
    const response = await rt.call(
      () => {
        throw new Error('relation "Lock" does not exist at /srv/app/secret.ts:12');
      },
      { fileId: DOC_ID, token },
    );
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('');
    const serverError = response.headers.get('X-WOPI-ServerError') ?? '';
    expect(serverError).toMatch(/^request [0-9a-f-]{36}$/);
    expect(serverError).not.toContain('Lock');
  });
});
