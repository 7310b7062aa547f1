import { afterEach, describe, expect, it, vi } from 'vitest';
import { postFolderOperation, readLines } from '@/components/folder-progress';

/** A body that arrives in the given pieces. */
const streamOf = (pieces: (string | Uint8Array)[]) =>
  new ReadableStream<Uint8Array>({
    start: (controller) => {
      for (const piece of pieces)
        controller.enqueue(typeof piece === 'string' ? new TextEncoder().encode(piece) : piece);
      controller.close();
    },
  });

const answer = (pieces: string[], contentType = 'application/x-ndjson; charset=utf-8', status = 200) =>
  vi
    .spyOn(globalThis, 'fetch')
    .mockResolvedValue(new Response(streamOf(pieces), { status, headers: { 'content-type': contentType } }));

afterEach(() => vi.restoreAllMocks());

describe('readLines', () => {
  it('joins lines split across chunks (a multi-byte character too) and skips blank ones', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n');
    const lines: string[] = [];
    await readLines(streamOf(['{"x"', ':1}\n\n', bytes.slice(0, 7), bytes.slice(7), '{"last":true}']), (line) =>
      lines.push(line),
    );
    expect(lines).toEqual(['{"x":1}', '{"a":"é"}', '{"last":true}']);
  });
});

describe('postFolderOperation', () => {
  it('sends Accept: application/x-ndjson, reports each progress event, answers the result', async () => {
    const fetch = answer([
      '{"type":"progress","done":0,"total":4000}\n{"type":"progress","done":120,',
      '"total":4000}\n{"type":"progress","done":4000,"total":4000}\n',
      '{"type":"result","result":{"path":"B/A","documents":4000,"skipped":[]}}\n',
    ]);
    const seen: unknown[] = [];
    const result = await postFolderOperation('/api/folders/move', { path: 'A', to: 'B' }, (progress) =>
      seen.push(progress),
    );
    expect(fetch.mock.calls[0]![1]!.headers).toMatchObject({ accept: 'application/x-ndjson' });
    expect(seen).toEqual([
      { done: 0, total: 4000 },
      { done: 120, total: 4000 },
      { done: 4000, total: 4000 },
    ]);
    expect(result).toEqual({ ok: true, data: { path: 'B/A', documents: 4000, skipped: [] } });
  });

  it('an error event → the refusal with its code and message', async () => {
    answer([
      '{"type":"progress","done":0,"total":2}\n{"type":"error","error":{"code":"internal","message":"Broke."}}\n',
    ]);
    expect(await postFolderOperation('/api/folders/copy', {})).toMatchObject({
      ok: false,
      code: 'internal',
      message: 'Broke.',
    });
  });

  it('a stream that ends without a result → interrupted', async () => {
    answer(['{"type":"progress","done":0,"total":2}\n']);
    expect(await postFolderOperation('/api/folders/delete', {})).toMatchObject({ ok: false, code: 'interrupted' });
  });

  it('a plain JSON refusal (before any work) → its status, code, message and suggestion', async () => {
    answer(['{"error":{"code":"name_conflict","message":"Taken.","suggestion":"A (1)"}}'], 'application/json', 409);
    expect(await postFolderOperation('/api/folders/rename', {})).toEqual({
      ok: false,
      status: 409,
      code: 'name_conflict',
      message: 'Taken.',
      suggestion: 'A (1)',
    });
  });
});
