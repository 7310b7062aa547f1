import { describe, expect, it } from 'vitest';
import {
  folderOperationResponse,
  progressResponse,
  wantsProgress,
  type ProgressEvent,
  type ProgressHooks,
} from '@/lib/api/progress-stream';
import { conflictError, invalidInput } from '@/lib/errors';

const request = (accept = 'application/x-ndjson') =>
  new Request('http://127.0.0.1/api/folders/move', { method: 'POST', headers: { accept } });

const eventsOf = async (response: Response) =>
  (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ProgressEvent);

/** An operation over `total` items that reports each; the fake clock moves `stepMs` per item. */
const countingTo =
  (total: number, clock: { t: number }, stepMs: number, result: unknown = { documents: total }) =>
  async ({ onStart, onProgress }: ProgressHooks) => {
    onStart(total);
    for (let done = 1; done <= total; done++) {
      await Promise.resolve();
      clock.t += stepMs;
      onProgress(done);
    }

    return result;
  };

describe('progressResponse', () => {
  it('streams progress 0 of n first, at most one event per interval, the final count, then the result', async () => {
    const clock = { t: 0 };
    const response = await progressResponse(request(), countingTo(1000, clock, 1), { now: () => clock.t });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const events = await eventsOf(response);
    expect(events[0]).toEqual({ type: 'progress', done: 0, total: 1000 });
    expect(events.at(-1)).toEqual({ type: 'result', result: { documents: 1000 } });
    expect(events.at(-2)).toEqual({ type: 'progress', done: 1000, total: 1000 });
    const progress = events.filter((event) => event.type === 'progress');
    // 1000 items, 1 ms each, 100 ms apart: 0, 100, 200, … 1000 → 11 events, never more.
    expect(progress).toHaveLength(11);
    const dones = progress.map((event) => (event.type === 'progress' ? event.done : -1));
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
  });

  it('a throw before onStart is rethrown (the route answers its JSON status); nothing is streamed', async () => {
    await expect(
      progressResponse(request(), () => Promise.reject(conflictError('locked', '"a.docx" is open for editing.'))),
    ).rejects.toMatchObject({ code: 'locked' });
  });

  it('an operation that ends without starting (nothing to do) is answered as plain JSON', async () => {
    const response = await progressResponse(request(), () => Promise.resolve({ path: 'a', documents: 0 }));
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ path: 'a', documents: 0 });
  });

  it('a throw after onStart ends the stream with an error event carrying the code and message', async () => {
    const response = await progressResponse(request(), async ({ onStart, onProgress }) => {
      onStart(3);
      await Promise.resolve();
      onProgress(1);
      throw invalidInput('invalid_name', 'The name is empty.', { rule: 'empty' });
    });
    const events = await eventsOf(response);
    expect(events[0]).toEqual({ type: 'progress', done: 0, total: 3 });
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { code: 'invalid_name', message: 'The name is empty.', rule: 'empty' },
    });
  });

  it('a reader that cancels mid-stream stops the events, not the operation', async () => {
    let finished = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const response = await progressResponse(
      request(),
      async ({ onStart, onProgress }) => {
        onStart(5);
        await gate;
        for (let done = 1; done <= 5; done++) onProgress(done);
        finished = true;

        return { documents: 5 };
      },
      { intervalMs: 0 },
    );
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"type":"progress","done":0,"total":5}\n');
    await reader.cancel();
    release();
    await expect.poll(() => finished).toBe(true);
  });
});

describe('folderOperationResponse', () => {
  it('without Accept: application/x-ndjson → the plain JSON result, no hooks needed', async () => {
    const response = await folderOperationResponse(request('application/json'), () =>
      Promise.resolve({ documents: 2 }),
    );
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ documents: 2 });
  });

  it('wantsProgress reads the Accept header', () => {
    expect(wantsProgress(request('application/x-ndjson, application/json;q=0.5'))).toBe(true);
    expect(wantsProgress(request('*/*'))).toBe(false);
  });
});
