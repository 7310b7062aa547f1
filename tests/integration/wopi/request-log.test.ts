import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWopiListener } from '@/lib/server/wopi-http';
import { defaultWopiRuntime } from '@/lib/server/wopi-runtime';
import { addDocument, uniqueFolder } from '../../support/documents';
import { capturedLog } from '../../support/captured-log';
import { makeUser } from '../../support/session';
import { tokenFor } from '../../support/wopi';

// Every WOPI request leaves one info line (lib/server/wopi-http.ts): operation, status, duration,
// bytes, document, user, request id — never the token or the query.

const { lines, log } = capturedLog();

let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((req, res) =>
    createWopiListener({ runtime: () => ({ ...defaultWopiRuntime(), log }) })(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const requestLines = () => lines.filter((line) => line.level === 'info' && line.msg === 'WOPI request');

describe('one log line per WOPI request', () => {
  it('CheckFileInfo, GetFile, LOCK (409), PutFile, a malformed URL → one info line each with operation, status, ms, bytes, document, user and request id; no token anywhere', async () => {
    const user = await makeUser('editor');
    const doc = await addDocument(uniqueFolder('log'), 'Log.docx', 'logged bytes', user.id);
    const token = await tokenFor(doc.id, user.id);
    const url = (path: string) => `${origin}/wopi/files/${doc.id}${path}?access_token=${encodeURIComponent(token)}`;
    lines.length = 0;

    expect((await fetch(url(''))).status).toBe(200);
    expect((await fetch(url('/contents'))).status).toBe(200);
    await fetch(url(''), { method: 'POST', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'A' } });
    const clash = await fetch(url(''), { method: 'POST', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'B' } });
    expect(clash.status).toBe(409);
    const put = await fetch(url('/contents'), {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'A', 'X-WOPI-CorrelationId': 'corr-1' },
      body: 'new bytes',
    });
    expect(put.status).toBe(200);
    expect((await fetch(`${origin}/wopi/files/%E0%A4%A?access_token=${token}`)).status).toBe(400);

    const logged = requestLines().map((line) => line.fields);
    expect(logged.map((f) => [f.operation, f.status])).toEqual([
      ['CheckFileInfo', 200],
      ['GetFile', 200],
      ['LOCK', 200],
      ['LOCK', 409],
      ['PutFile', 200],
      ['bad-request', 400],
    ]);
    for (const fields of logged.slice(0, 5)) {
      expect(fields).toMatchObject({ documentId: doc.id, userId: user.id });
      expect(fields.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof fields.ms).toBe('number');
    }
    expect(logged[1]!.bytesOut).toBe('logged bytes'.length);
    expect(logged[4]).toMatchObject({ bytesIn: 'new bytes'.length, correlationId: 'corr-1' });
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(JSON.stringify(lines)).not.toContain('access_token');
  });
});
