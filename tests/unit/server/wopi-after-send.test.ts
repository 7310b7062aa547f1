import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWopiListener } from '@/lib/server/wopi-http';
import { makeRuntime } from '../../support/memory-ports';

// WopiReply.afterSend (PutFile's copy to the visible key) runs once the answer is written, on the
// production listener (lib/server/wopi-http.ts): started earlier, it competed with the answer.

const DOC_ID = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** The listener over memory ports whose PutFile leaves a follow-up that records when it ran (and throws, with `isThrowing`). */
const arrange = async ({ isThrowing = false } = {}) => {
  const rt = makeRuntime({ docs: [{ id: DOC_ID, name: 'report.docx', content: 'original' }] });
  await rt.locks.lock({ documentId: DOC_ID, lockId: 'L1', now: rt.clock.now() });
  const { token } = await rt.token({ documentId: DOC_ID });
  let response: ServerResponse | undefined;
  const followUps: { isAnswerWritten: boolean }[] = [];
  const write = rt.ports.documents.write.bind(rt.ports.documents);
  rt.ports.documents.write = async (input) => {
    const result = await write(input);

    return result.ok
      ? {
          ...result,
          followUp: () => {
            followUps.push({ isAnswerWritten: !!response?.writableFinished });
            if (isThrowing) throw new Error('follow-up failed');
          },
        }
      : result;
  };
  const logged: { level: string; msg: string }[] = [];
  const record = (level: string) => (_obj: object, msg: string) => logged.push({ level, msg });
  const log = { info: record('info'), warn: record('warn'), error: record('error') };
  const listener = createWopiListener({ runtime: () => ({ ...rt, log }) });
  server = createServer((req, res) => {
    response = res;
    listener(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const putFile = (lock: string) =>
    fetch(`${origin}/wopi/files/${DOC_ID}/contents?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': lock },
      body: 'new bytes',
    });

  return { putFile, followUps, logged };
};

describe('WopiReply.afterSend on the production listener', () => {
  it('POST PutFile with the lock → 200, and its follow-up runs once, after the answer was written', async () => {
    const { putFile, followUps } = await arrange();
    const response = await putFile('L1');
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(followUps).toEqual([{ isAnswerWritten: true }]);
  });

  it('POST PutFile whose follow-up throws → the 200 stands (not logged as aborted); the throw is logged as an error', async () => {
    const { putFile, followUps, logged } = await arrange({ isThrowing: true });
    const response = await putFile('L1');
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('LastModifiedTime');
    await new Promise((resolve) => setImmediate(resolve));
    expect(followUps).toEqual([{ isAnswerWritten: true }]);
    expect(logged).toContainEqual({ level: 'error', msg: 'work after a WOPI answer did not start' });
    expect(logged.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('POST PutFile with another lock → 409, and no follow-up', async () => {
    const { putFile, followUps } = await arrange();
    const response = await putFile('other');
    expect(response.status).toBe(409);
    await response.arrayBuffer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(followUps).toEqual([]);
  });
});
