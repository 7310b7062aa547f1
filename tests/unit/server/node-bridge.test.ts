import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendWebResponse } from '@/lib/server/node-bridge';

// Backpressure waits add a 'drain' and a 'close' listener and must remove both, or a large
// GetFile grew listeners per chunk (MaxListenersExceededWarning by the thousand).

describe('sendWebResponse under backpressure', () => {
  it('1,000 backpressured writes to a slow reader → every byte arrives, listener counts stay bounded', async () => {
    const CHUNK = 64 * 1024;
    const CHUNKS = 1000;
    let maxListeners = 0;
    let waits = 0;
    let written = 0;
    const server = createServer((_req, res: ServerResponse) => {
      const original = res.once.bind(res);
      res.once = ((event: string, listener: (...args: unknown[]) => void) => {
        if (event === 'drain') waits++;
        const result = original(event, listener);
        maxListeners = Math.max(maxListeners, res.listenerCount('close'), res.listenerCount('drain'));

        return result;
      }) as typeof res.once;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (sent++ >= CHUNKS) return controller.close();
          controller.enqueue(new Uint8Array(CHUNK));
        },
      });
      void sendWebResponse(res, new Response(body)).then((bytes) => (written = bytes));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const received = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port }, (res) => {
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          // A slow reader: pause now and then so the server's writes back up.
          res.pause();
          setImmediate(() => res.resume());
        });
        res.on('end', () => resolve(total));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    server.close();
    expect(received).toBe(CHUNK * CHUNKS);
    expect(written).toBe(CHUNK * CHUNKS);
    expect(waits).toBeGreaterThan(10);
    // Node's own listeners plus ours for one wait at a time, never one per wait.
    expect(maxListeners).toBeLessThanOrEqual(4);
  }, 60_000);
});
