import { describe, expect, it } from 'vitest';
import { parseByteRange } from '@/lib/api/documents/byte-range';

const part = (start: number, end: number) => ({ kind: 'part', start, end });
const WHOLE = { kind: 'whole' };
const UNSATISFIABLE = { kind: 'unsatisfiable' };

describe('parseByteRange over 100 bytes', () => {
  it.each([
    ['bytes=0-9', part(0, 9)],
    ['bytes=90-', part(90, 99)],
    ['bytes=90-500', part(90, 99)],
    ['bytes=99-99', part(99, 99)],
    ['bytes=-10', part(90, 99)],
    ['bytes=-500', part(0, 99)],
    [' bytes=5-5 ', part(5, 5)],
    ['BYTES=1-2', part(1, 2)],
    ['bytes=0-99999999999999999999999', part(0, 99)],
    // Unsatisfiable (RFC 9110 §14.1.1): the first byte past the end, or a suffix of 0 bytes.
    ['bytes=100-', UNSATISFIABLE],
    ['bytes=100-200', UNSATISFIABLE],
    ['bytes=999999999-', UNSATISFIABLE],
    ['bytes=-0', UNSATISFIABLE],
    // Ignored: no header, malformed, another unit, several ranges.
    [null, WHOLE],
    ['', WHOLE],
    ['bytes=9-0', WHOLE],
    ['bytes=-', WHOLE],
    ['bytes=0-1,5-6', WHOLE],
    ['bytes=200-,300-', WHOLE],
    ['items=0-1', WHOLE],
    ['bytes=a-b', WHOLE],
    ['bytes=1.5-2', WHOLE],
    ['bytes 0-1', WHOLE],
  ])('%j → %j', (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });

  it('an empty body: every first-last range is unsatisfiable; a suffix of N > 0 is satisfiable but empty, so the whole (empty) body', () => {
    for (const header of ['bytes=0-', 'bytes=0-0', 'bytes=5-9', 'bytes=-0'])
      expect(parseByteRange(header, 0), header).toEqual(UNSATISFIABLE);
    expect(parseByteRange('bytes=-5', 0)).toEqual(WHOLE);
    expect(parseByteRange('bytes=9-0', 0)).toEqual(WHOLE);
  });
});
