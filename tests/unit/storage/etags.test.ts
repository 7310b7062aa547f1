import { beforeEach, describe, expect, it, vi } from 'vitest';

const send = vi.fn();
vi.mock('@/lib/storage/client', () => ({ getS3: () => ({ send }) }));

const { copyObject, etagOf, headObject } = await import('@/lib/storage/objects');

const answer = (command: { constructor: { name: string } }) => command.constructor.name;

beforeEach(() => {
  send.mockReset();
});

describe('ETags the store answers', () => {
  it('etagOf: an empty ETag ("" or none) names no bytes → undefined; a real one is kept as sent', () => {
    expect(etagOf('""')).toBeUndefined();
    expect(etagOf('')).toBeUndefined();
    expect(etagOf(undefined)).toBeUndefined();
    expect(etagOf('"0cc175b9c0f1b6a831c399e269772661"')).toBe('"0cc175b9c0f1b6a831c399e269772661"');
  });

  it('HEAD answering ETag "" → etag undefined (never compared with the row’s as a change)', async () => {
    send.mockResolvedValue({ ETag: '""', ContentLength: 3 });
    expect(await headObject('k')).toMatchObject({ size: 3, etag: undefined });
  });

  it('CopyObject answering ETag "" → the ETag a HEAD of the destination reports (what the mirror records)', async () => {
    const sent: string[] = [];
    send.mockImplementation((command: { constructor: { name: string } }) => {
      sent.push(answer(command));

      return Promise.resolve(
        sent.length === 1 ? { CopyObjectResult: { ETag: '""' } } : { ETag: '"abc"', ContentLength: 3 },
      );
    });
    expect(await copyObject('a', 'b')).toEqual({ etag: '"abc"' });
    expect(sent).toEqual(['CopyObjectCommand', 'HeadObjectCommand']);
  });

  it('CopyObject answering a real ETag → that ETag, no HEAD', async () => {
    send.mockResolvedValue({ CopyObjectResult: { ETag: '"abc"' } });
    expect(await copyObject('a', 'b')).toEqual({ etag: '"abc"' });
    expect(send).toHaveBeenCalledTimes(1);
  });
});
