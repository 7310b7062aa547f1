import { connect } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi, wopiServer } from '../../support/wopi';

// HTTP/1.1 pipelining on one connection (lib/server/front-server.ts): requests are answered one
// after the other, in order, each started once the previous answer is finished (RFC 9112
// §9.3.2: only safe methods may be processed in parallel); bytes node:http cannot parse after a
// complete request are answered 400 after that request's own answer, never ahead of it.

type Answer = { status: number; headers: Record<string, string>; body: string };

/** The answer's body from `rest` (Content-Length or chunked), with the bytes it took; undefined until all arrived. */
const bodyOf = (rest: Buffer, headers: Record<string, string>) => {
  if (headers['transfer-encoding'] !== 'chunked') {
    const length = Number(headers['content-length'] ?? 0);

    return rest.length < length ? undefined : { text: rest.subarray(0, length).toString('utf8'), consumed: length };
  }
  const parts: Buffer[] = [];
  for (let at = 0; ;) {
    const lineEnd = rest.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
    if (rest.length < lineEnd + 2 + size + 2) return undefined;
    if (size === 0) return { text: Buffer.concat(parts).toString('utf8'), consumed: lineEnd + 4 };
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
};

/** Sends `bytes` in ONE write on a fresh connection; resolves with every answer the server sent until it closed. */
const exchange = async (bytes: Buffer, closeAfter: number, { isLast = false } = {}) => {
  const { origin } = await wopiServer();
  const { hostname, port } = new URL(origin);

  return new Promise<Answer[]>((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let raw: Buffer = Buffer.alloc(0);
    const answers: Answer[] = [];
    const parse = () => {
      for (;;) {
        const end = raw.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
        );
        const body = bodyOf(raw.subarray(end + 4), headers);
        if (!body) return;
        answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body: body.text });
        raw = raw.subarray(end + 4 + body.consumed);
        if (answers.length === closeAfter) socket.end();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      raw = Buffer.concat([raw, chunk]);
      parse();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answers));
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    // isLast: FIN right after the bytes (the client sends nothing more).
    if (isLast) socket.end(bytes);
    else socket.write(bytes);
  });
};

let documentId: string;
let token: string;

beforeEach(async () => {
  const user = await makeUser('editor');
  documentId = (await addDocument(uniqueFolder('pipe'), 'Pipelined.docx', 'original', user.id)).id;
  token = await tokenFor(documentId, user.id);
});

const request = (method: string, path: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([
    Buffer.from(
      `${method} ${path}?access_token=${encodeURIComponent(token)} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        Object.entries({ ...headers, 'Content-Length': String(body.length) })
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('') +
        '\r\n',
    ),
    body,
  ]);
const override = (name: string, headers: Record<string, string> = {}) =>
  request('POST', `/wopi/files/${documentId}`, { 'X-WOPI-Override': name, ...headers });
const putFile = (lockId: string, body: Buffer) =>
  request('POST', `/wopi/files/${documentId}/contents`, { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': lockId }, body);

describe('pipelined requests on one connection', () => {
  it('POST PUT then POST UNLOCK pipelined → 200, 200 in that order, and the save committed', async () => {
    await wopi.override(documentId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } });
    const body = Buffer.alloc(300_000, 7);
    const answers = await exchange(
      Buffer.concat([putFile('L1', body), override('UNLOCK', { 'X-WOPI-Lock': 'L1' })]),
      2,
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const doc = await db.document.findUniqueOrThrow({ where: { id: documentId } });
    expect(Number(doc.size)).toBe(body.length);
  });

  it('POST UNLOCK, GET_LOCK, LOCK A, GET_LOCK pipelined → each GET_LOCK reports the lock as of its turn', async () => {
    await wopi.override(documentId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L1' } });
    const answers = await exchange(
      Buffer.concat([
        override('UNLOCK', { 'X-WOPI-Lock': 'L1' }),
        override('GET_LOCK'),
        override('LOCK', { 'X-WOPI-Lock': 'A' }),
        override('GET_LOCK'),
      ]),
      4,
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers[1]!.headers['x-wopi-lock']).toBe('');
    expect(answers[3]!.headers['x-wopi-lock']).toBe('A');
  });

  it('POST LOCK followed by bytes that are not HTTP, in one write → the LOCK’s 200 first, then 400 malformed_request, then close', async () => {
    const answers = await exchange(
      Buffer.concat([override('LOCK', { 'X-WOPI-Lock': 'L2' }), Buffer.from('\u0016\u0003\u0001garbage\r\n\r\n')]),
      99,
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 400]);
    expect(answers[1]!.headers.connection).toBe('close');
    expect((JSON.parse(answers[1]!.body) as { error: { code: string } }).error.code).toBe('malformed_request');
    const lock = await wopi.override(documentId, 'GET_LOCK', { token });
    expect(lock.headers.get('x-wopi-lock')).toBe('L2');
  });

  it('POST PUT with more bytes than its Content-Length, in one write → 200 for the declared bytes (the document holds exactly those), then 400 for the rest', async () => {
    await wopi.override(documentId, 'LOCK', { token, headers: { 'X-WOPI-Lock': 'L3' } });
    const declared = Buffer.alloc(1000, 1);
    const sent = putFile('L3', declared);
    const answers = await exchange(Buffer.concat([sent, Buffer.alloc(2000, 2)]), 99);
    expect(answers.map((answer) => answer.status)).toEqual([200, 400]);
    const contents = await wopi.getFile(documentId, { token });
    expect(Buffer.from(await contents.arrayBuffer()).equals(declared)).toBe(true);
  });

  it('POST LOCK, then a PutFile declaring 100 bytes that sends 10 and FIN, in one write → the LOCK’s 200, then 400; the PutFile never runs', async () => {
    const cut = Buffer.concat([putFile('L4', Buffer.alloc(100, 5))]).subarray(0, -90);
    const answers = await exchange(Buffer.concat([override('LOCK', { 'X-WOPI-Lock': 'L4' }), cut]), 99, {
      isLast: true,
    });
    expect(answers.map((answer) => answer.status)).toEqual([200, 400]);
    const contents = await wopi.getFile(documentId, { token });
    expect(Buffer.from(await contents.arrayBuffer()).toString()).toBe('original');
  });

  it('GET CheckFileInfo, then 1,000 more pipelined in one write → 1,001 × 200 (reading pauses while 32 wait, then resumes)', async () => {
    const one = request('GET', `/wopi/files/${documentId}`, {});
    const answers = await exchange(Buffer.concat(Array.from({ length: 1001 }, () => one)), 1001);
    expect(answers).toHaveLength(1001);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  }, 60_000);
});
