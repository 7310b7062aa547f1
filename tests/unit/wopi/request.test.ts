import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeRuntime } from '../../support/memory-ports';

// memory-ports sets the token secret and silences the log before handler.ts is imported.
const { runWopi } = await import('@/lib/wopi/handler');
const { checkFileInfo } = await import('@/lib/wopi/operations/check-file-info');
const { wopiRequestOf } = await import('@/lib/wopi/request');

// The WopiRequest the server builds over Node's own request (lib/server/wopi-http.ts): header
// reads straight from req.headers, the body handed out as is, the token read from the raw query.

const DOC_ID = '66666666-6666-4666-8666-666666666666';

const nodeRequest = (url: string, headers: Record<string, string | string[]> = {}, body: Readable | null = null) =>
  wopiRequestOf({ method: body ? 'POST' : 'GET', url, headers, body });

describe('WopiRequest over Node request headers', () => {
  it('a header by any spelling of its name → its value; absent → null; repeats joined by ", " (as fetch does)', () => {
    const request = nodeRequest('/wopi/files/x', { 'x-wopi-lock': 'L1', 'x-repeat': ['a', 'b'], 'x-empty': '' });
    expect(request.header('X-WOPI-Lock')).toBe('L1');
    expect(request.header('x-wopi-lock')).toBe('L1');
    expect(request.header('x-repeat')).toBe('a, b');
    expect(request.header('X-Empty')).toBe('');
    expect(request.header('X-WOPI-OldLock')).toBeNull();
  });

  it('fetchHeaders() → a fetch Headers with the same values, built once', () => {
    const request = nodeRequest('/wopi/files/x', { 'user-agent': 'COOLWSD HTTP Agent 24', 'x-repeat': ['a', 'b'] });
    const headers = request.fetchHeaders();
    expect(headers.get('User-Agent')).toBe('COOLWSD HTTP Agent 24');
    expect(headers.get('x-repeat')).toBe('a, b');
    expect(request.fetchHeaders()).toBe(headers);
  });

  it('POST: body() is the request stream itself; isBodyUsed only once reading began', async () => {
    const source = Readable.from([Buffer.from('abc')]);
    const request = nodeRequest('/wopi/files/x', {}, source);
    expect(request.isBodyUsed).toBe(false);
    const body = request.body();
    expect(body).toBe(source);
    expect(request.isBodyUsed).toBe(false);
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    expect(request.isBodyUsed).toBe(true);
  });

  it('GET: body() is an empty stream, and the request never counts as used', async () => {
    const request = nodeRequest('/wopi/files/x');
    const chunks: unknown[] = [];
    for await (const chunk of request.body()) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(request.isBodyUsed).toBe(false);
  });
});

describe('the access token from the raw query (what new URL(...).searchParams read)', () => {
  const arrange = async () => {
    const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'q.docx', content: 'q' }] });
    const { token } = await rt.token({ documentId: DOC_ID });

    return { rt, token };
  };
  const status = async (rt: Awaited<ReturnType<typeof arrange>>['rt'], url: string, headers = {}) =>
    (await runWopi(checkFileInfo, nodeRequest(url, headers), DOC_ID, rt)).status;

  it.each([
    ['the only parameter', (t: string) => `?access_token=${t}`],
    ['after and before others', (t: string) => `?a=1&access_token=${t}&access_token_ttl=0`],
    ['with its name percent-encoded', (t: string) => `?access%5Ftoken=${t}`],
    ['twice (the first counts)', (t: string) => `?access_token=${t}&access_token=nope`],
    ['before a fragment', (t: string) => `?access_token=${t}#x`],
  ])('GET /wopi/files/:id with the token %s → 200', async (_label, query) => {
    const { rt, token } = await arrange();
    expect(await status(rt, `/wopi/files/${DOC_ID}${query(encodeURIComponent(token))}`)).toBe(200);
  });

  it.each([
    ['empty', '?access_token='],
    ['absent', '?other=1'],
    ['second after a bad first', '?access_token=nope&access_token=T'],
    ['after a fragment', '#?access_token=T'],
  ])('GET /wopi/files/:id with the token %s → 401', async (_label, query) => {
    const { rt, token } = await arrange();
    expect(await status(rt, `/wopi/files/${DOC_ID}${query.replace('T', encodeURIComponent(token))}`)).toBe(401);
  });

  it('an empty query token falls back to Authorization: Bearer (the validator sends both) → 200', async () => {
    const { rt, token } = await arrange();
    expect(await status(rt, `/wopi/files/${DOC_ID}?access_token=`, { authorization: `Bearer ${token}` })).toBe(200);
  });
});
