import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyMeter, BodySizeMismatchError, ObjectTooLargeError, putObjectStream } from '@/lib/storage/objects';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Writes `chunks` into a meter one by one, recording what it lets through after each write, and
 * ends it (unless `isEnding` is false). Resolves how the meter ended: its error, or 'finished'.
 */
const drive = async (meter: BodyMeter, chunks: Buffer[], { isEnding = true } = {}) => {
  const passedAfterWrite: number[] = [];
  let passed = 0;
  meter.on('data', (chunk: Buffer) => (passed += chunk.length));
  const ended = new Promise<unknown>((resolve) => {
    meter.once('error', resolve);
    meter.once('end', () => resolve('finished'));
  });
  for (const chunk of chunks) {
    if (meter.destroyed) break;
    meter.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
    passedAfterWrite.push(passed);
  }
  if (!isEnding) return { passedAfterWrite, passed: () => passed, ending: undefined };
  if (!meter.destroyed) meter.end();

  return { passedAfterWrite, passed: () => passed, ending: await ended };
};

describe('BodyMeter (the body on its way to S3)', () => {
  it('declared size, body of exactly that size → every byte through, sha256 and size counted, progress reported', async () => {
    const progress: number[] = [];
    const meter = new BodyMeter({ maxBytes: 100, declared: 10, onProgress: (bytes) => progress.push(bytes) });
    const chunks = [Buffer.from('01234'), Buffer.from('56789')];
    const { passed, ending } = await drive(meter, chunks);
    expect(ending).toBe('finished');
    expect(passed()).toBe(10);
    expect(meter.received).toBe(10);
    expect(meter.hash.digest('hex')).toBe(sha256(Buffer.concat(chunks)));
    expect(progress).toEqual([5, 10]);
  });

  it('declared size: the chunk that completes it is held back until the body ends (a PutObject never has every declared byte before that)', async () => {
    const meter = new BodyMeter({ maxBytes: 100, declared: 10 });
    const { passedAfterWrite, passed } = await drive(meter, [Buffer.from('01234'), Buffer.from('56789')], {
      isEnding: false,
    });
    expect(passedAfterWrite).toEqual([5, 5]);
    meter.end();
    await new Promise((resolve) => meter.once('end', resolve));
    expect(passed()).toBe(10);
  });

  it('declared size, body longer (the extra byte in a later chunk) → BodySizeMismatchError and never more than declared − 1 bytes through', async () => {
    const meter = new BodyMeter({ maxBytes: 100, declared: 10 });
    const { passed, ending } = await drive(meter, [Buffer.from('0123456789'), Buffer.from('!')]);
    expect(ending).toBeInstanceOf(BodySizeMismatchError);
    expect(ending).toMatchObject({ kind: 'invalid', code: 'body_size_mismatch', declared: 10, received: 11 });
    expect(passed()).toBeLessThan(10);
  });

  it('declared size, body shorter → BodySizeMismatchError at its end, never the declared number of bytes through', async () => {
    const meter = new BodyMeter({ maxBytes: 100, declared: 10 });
    const { passed, ending } = await drive(meter, [Buffer.from('01234')]);
    expect(ending).toBeInstanceOf(BodySizeMismatchError);
    expect(ending).toMatchObject({ declared: 10, received: 5 });
    expect(passed()).toBe(5);
  });

  it('empty chunks change nothing (the held chunk stays held)', async () => {
    const meter = new BodyMeter({ maxBytes: 100, declared: 4 });
    const { passed, ending } = await drive(meter, [Buffer.from('abcd'), Buffer.alloc(0)]);
    expect(ending).toBe('finished');
    expect(passed()).toBe(4);
  });

  it('over maxBytes → ObjectTooLargeError (before the declared-size check), the chunk over it not passed', async () => {
    const meter = new BodyMeter({ maxBytes: 8, declared: 8 });
    const { passed, ending } = await drive(meter, [Buffer.from('0123'), Buffer.from('456789')]);
    expect(ending).toBeInstanceOf(ObjectTooLargeError);
    expect(passed()).toBe(4);
  });

  it('no declared size → every chunk passed through at once, any length accepted up to maxBytes', async () => {
    const meter = new BodyMeter({ maxBytes: 8 });
    const { passedAfterWrite, ending } = await drive(meter, [Buffer.from('0123'), Buffer.from('4567')]);
    expect(passedAfterWrite).toEqual([4, 8]);
    expect(ending).toBe('finished');
  });
});

describe('putObjectStream refusals before any request', () => {
  it('declared size over maxBytes → ObjectTooLargeError at once, the body destroyed unread', async () => {
    const body = Readable.from([Buffer.alloc(16)]);
    await expect(putObjectStream({ key: 'never/sent', body, maxBytes: 8, size: 16 })).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    expect(body.destroyed).toBe(true);
  });

  it('AbortSignal already aborted → AbortError at once, the body destroyed unread', async () => {
    const body = Readable.from([Buffer.alloc(16)]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      putObjectStream({ key: 'never/sent', body, maxBytes: 64, size: 16, signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(body.destroyed).toBe(true);
  });
});
