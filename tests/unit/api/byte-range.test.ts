import { describe, expect, it } from 'vitest';
import { parseByteRange } from '@/lib/api/documents/byte-range';

describe('parseByteRange over 100 bytes', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    [' bytes=5-5 ', { start: 5, end: 5 }],
    [null, null],
    ['bytes=100-', null],
    ['bytes=9-0', null],
    ['bytes=-0', null],
    ['bytes=-', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    ['bytes=a-b', null],
  ])('%j → %j', (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });

  it('an empty body has no ranges', () => {
    expect(parseByteRange('bytes=0-0', 0)).toBeNull();
  });
});
