import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, makeRuntime } from '../../support/memory-ports';

const DOC_ID = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const MODIFIED = new Date('2031-02-03T04:05:06.007Z');

const arrange = async () => {
  const rt = makeRuntime({
    docs: [{ id: DOC_ID, name: 'report.docx', content: 'original', version: 3, lastModifiedAt: MODIFIED }],
  });
  await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
  const { token } = await rt.token({ documentId: DOC_ID });
  const putFile = (body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    rt.send({
      method: 'POST',
      path: '/contents',
      fileId: DOC_ID,
      token,
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1', ...headers },
      body,
    });
  const checkFileInfo = async () =>
    (await (await rt.send({ method: 'GET', fileId: DOC_ID, token })).json()) as {
      Version: string;
      LastModifiedTime: string;
      Size: number;
    };

  return { rt, token, putFile, checkFileInfo };
};

/** A body of `size` bytes in chunks, with no declared length (as a chunked upload). */
const streamOf = (size: number, chunk = 64 * 1024) => {
  let sent = 0;

  return new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(120));
    },
  });
};

describe('POST /wopi/files/:id/contents PutFile', () => {
  it('with the current lock → 200 JSON { LastModifiedTime } and X-WOPI-ItemVersion of the new version', async () => {
    const { rt, putFile } = await arrange();
    const response = await putFile('new content');
    expect(response.status).toBe(200);
    expect(response.headers.get('X-WOPI-ItemVersion')).toBe('4');
    expect(response.headers.has('X-WOPI-Lock')).toBe(false);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['LastModifiedTime']);
    expect(body.LastModifiedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(rt.documents.bytes(DOC_ID).toString()).toBe('new content');
  });

  it('Version and LastModifiedTime change after every write, even two writes in the same millisecond', async () => {
    const { putFile, checkFileInfo } = await arrange();
    const seen: { Version: string; LastModifiedTime: string }[] = [await checkFileInfo()];
    for (const content of ['one', 'two', 'three']) {
      const response = await putFile(content);
      expect(response.status).toBe(200);
      const info = await checkFileInfo();
      expect(response.headers.get('X-WOPI-ItemVersion')).toBe(info.Version);
      expect((await response.json()).LastModifiedTime).toBe(info.LastModifiedTime);
      seen.push(info);
    }
    expect(new Set(seen.map((info) => info.Version)).size).toBe(4);
    const times = seen.map((info) => Date.parse(info.LastModifiedTime));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
  });

  it('POST PutFile with the current bytes from Collabora (User-Agent COOLWSD HTTP Agent; saves on close unchanged) → 200 + current LastModifiedTime and X-WOPI-ItemVersion, no new version', async () => {
    const { putFile, checkFileInfo } = await arrange();
    const collabora = { 'User-Agent': 'COOLWSD HTTP Agent 24.04.9', 'X-COOL-WOPI-IsExitSave': 'true' };
    await putFile('same', collabora);
    const before = await checkFileInfo();
    const again = await putFile('same', collabora);
    expect(again.status).toBe(200);
    expect(again.headers.get('X-WOPI-ItemVersion')).toBe(before.Version);
    expect((await again.json()).LastModifiedTime).toBe(before.LastModifiedTime);
    expect(await checkFileInfo()).toEqual(before);
  });

  it('POST PutFile with the current bytes from Microsoft (no editor headers) → a new X-WOPI-ItemVersion (validator files.PutFileReturnsDifferentVersion)', async () => {
    const { putFile, checkFileInfo } = await arrange();
    await putFile('same');
    const before = await checkFileInfo();
    const again = await putFile('same', { 'X-WOPI-CorrelationId': 'c1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('X-WOPI-ItemVersion')).not.toBe(before.Version);
  });

  it('an empty body with the lock → 200 and a 0-byte file', async () => {
    const { rt, putFile, checkFileInfo } = await arrange();
    expect((await putFile('')).status).toBe(200);
    expect(rt.documents.bytes(DOC_ID).byteLength).toBe(0);
    expect((await checkFileInfo()).Size).toBe(0);
  });

  it('is audited as wopi.save with the new version', async () => {
    const { rt, putFile } = await arrange();
    await putFile('x');
    expect(rt.audit).toContainEqual(
      expect.objectContaining({
        action: 'wopi.save',
        outcome: 'success',
        documentId: DOC_ID,
        details: { version: 4, size: 1 },
      }),
    );
  });

  describe('Collabora timestamp check', () => {
    it.each([['X-COOL-WOPI-Timestamp'], ['X-LOOL-WOPI-Timestamp']])(
      '%s different from LastModifiedTime → 409 JSON {"COOLStatusCode":1010}, nothing written',
      async (header) => {
        const { rt, putFile } = await arrange();
        const before = rt.snapshot();
        const response = await putFile('stale save', { [header]: '2031-02-03T04:05:06.006Z' });
        expect(response.status).toBe(409);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await response.json()).toEqual({ COOLStatusCode: 1010 });
        expect(rt.snapshot()).toEqual(before);
        expect(rt.audit.filter((event) => event.action === 'wopi.save')).toHaveLength(0);
      },
    );

    it.each([['X-COOL-WOPI-Timestamp'], ['X-LOOL-WOPI-Timestamp']])(
      '%s equal to LastModifiedTime → 200 JSON { LastModifiedTime }',
      async (header) => {
        const { putFile, checkFileInfo } = await arrange();
        const { LastModifiedTime } = await checkFileInfo();
        const response = await putFile('fresh save', { [header]: LastModifiedTime });
        expect(response.status).toBe(200);
        const body = await response.json();
        expect(body.LastModifiedTime).not.toBe(LastModifiedTime);
        expect((await checkFileInfo()).LastModifiedTime).toBe(body.LastModifiedTime);
      },
    );

    it('the timestamp from a save is accepted for the next save; the one before it is not', async () => {
      const { putFile, checkFileInfo } = await arrange();
      const first = (await checkFileInfo()).LastModifiedTime;
      const second = (await (await putFile('a', { 'X-COOL-WOPI-Timestamp': first })).json()).LastModifiedTime;
      expect((await putFile('b', { 'X-COOL-WOPI-Timestamp': second })).status).toBe(200);
      expect((await putFile('c', { 'X-COOL-WOPI-Timestamp': second })).status).toBe(409);
    });

    it('a stale timestamp with a wrong lock → the lock mismatch wins (409 + X-WOPI-Lock)', async () => {
      const { putFile } = await arrange();
      const response = await putFile('x', {
        'X-WOPI-Lock': 'wrong',
        'X-COOL-WOPI-Timestamp': '2000-01-01T00:00:00.000Z',
      });
      expect(response.status).toBe(409);
      expect(response.headers.get('X-WOPI-Lock')).toBe('L1');
    });
  });

  describe('size limit (maxUploadBytes = 1 MiB)', () => {
    it('exactly maxUploadBytes → 200', async () => {
      const { rt, putFile } = await arrange();
      expect((await putFile(streamOf(MAX_UPLOAD_BYTES))).status).toBe(200);
      expect(rt.documents.bytes(DOC_ID).byteLength).toBe(MAX_UPLOAD_BYTES);
    });

    it('a streamed body one byte over maxUploadBytes → 413, nothing written', async () => {
      const { rt, putFile } = await arrange();
      const before = rt.snapshot();
      const response = await putFile(streamOf(MAX_UPLOAD_BYTES + 1));
      expect(response.status).toBe(413);
      expect(await response.text()).toBe('');
      expect(rt.snapshot()).toEqual(before);
    });

    it('a declared Content-Length over maxUploadBytes → 413 before reading the body', async () => {
      const { rt, putFile } = await arrange();
      const before = rt.snapshot();
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          pulled++;
          controller.enqueue(new Uint8Array(1024));
        },
      });
      const response = await putFile(body, { 'Content-Length': String(MAX_UPLOAD_BYTES + 1) });
      expect(response.status).toBe(413);
      expect(pulled).toBeLessThanOrEqual(1);
      expect(rt.snapshot()).toEqual(before);
    });
  });
});
