import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db';
import { addDocument, uniqueFolder } from '../../support/documents';
import { makeUser } from '../../support/session';
import { tokenFor, wopi } from '../../support/wopi';

// Node 20 throws "Controller is already closed" outside any handler (nodejs/node#54205) when a
// web stream made by Readable.toWeb is cancelled while the request still sends: record it.
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);
process.on('uncaughtException', record);
afterAll(() => {
  process.off('uncaughtException', record);
});

let token: string;
let userId: string;
let documentId: string;

beforeAll(async () => {
  const user = await makeUser('editor');
  userId = user.id;
  const doc = await addDocument(uniqueFolder('userinfo'), 'a.docx', 'x', user.id);
  documentId = doc.id;
  token = await tokenFor(doc.id, user.id);
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('POST /wopi/files/:id X-WOPI-Override: PUT_USER_INFO', () => {
  it('1024 bytes → 200, stored', async () => {
    const info = 'i'.repeat(1024);
    const response = await wopi.override(documentId, 'PUT_USER_INFO', { token, body: info });
    expect(response.status).toBe(200);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { wopiUserInfo: true } });
    expect(user.wopiUserInfo).toBe(info);
  });

  it.each([
    ['1025 bytes', 1025],
    ['64 KiB', 64 * 1024],
    ['1 MiB', 1024 * 1024],
    ['8 MiB', 8 * 1024 * 1024],
  ])('%s → 400, the connection still answers, nothing thrown outside a handler', async (_label, size) => {
    for (let i = 0; i < 3; i++) {
      const response = await wopi.override(documentId, 'PUT_USER_INFO', { token, body: Buffer.alloc(size, 97) });
      expect(response.status).toBe(400);
      await response.arrayBuffer();
    }
    await settle();
    expect(uncaught).toEqual([]);
    const check = await wopi.checkFileInfo(documentId, { token });
    expect(check.status).toBe(200);
  });

  it('a 2 MiB streamed (chunked) body → 400, nothing thrown outside a handler', async () => {
    const chunk = Buffer.alloc(64 * 1024, 98);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
      },
    });
    const response = await wopi.override(documentId, 'PUT_USER_INFO', { token, body });
    expect(response.status).toBe(400);
    await settle();
    expect(uncaught).toEqual([]);
  });

  it.each([
    ['a NUL byte', Buffer.from('a\u0000b')],
    ['invalid UTF-8 (a lone continuation byte)', Buffer.from([0x61, 0x80, 0x62])],
    ['invalid UTF-8 (a truncated sequence at the end)', Buffer.from([0x61, 0xe2, 0x82])],
  ])('a body with %s → 400; the stored UserInfo is unchanged', async (_label, body) => {
    const kept = '{"kept":true}';
    expect((await wopi.override(documentId, 'PUT_USER_INFO', { token, body: kept })).status).toBe(200);
    const response = await wopi.override(documentId, 'PUT_USER_INFO', { token, body });
    expect(response.status).toBe(400);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { wopiUserInfo: true } });
    expect(user.wopiUserInfo).toBe(kept);
  });

  it('multi-byte UTF-8 (é, 日本, 🙂, a leading byte-order mark) → 200, stored as sent', async () => {
    const info = '\uFEFFé 日本 🙂';
    expect((await wopi.override(documentId, 'PUT_USER_INFO', { token, body: info })).status).toBe(200);
    const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { wopiUserInfo: true } });
    expect(user.wopiUserInfo).toBe(info);
  });
});
