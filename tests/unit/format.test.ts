import { describe, expect, it } from 'vitest';
import { formatBytes } from '@/lib/format';

const KB = 1024;
const MB = 1024 ** 2;
const GB = 1024 ** 3;
const TB = 1024 ** 4;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [KB, '1.0 KB'],
    [KB + 1, '1.0 KB'],
    [1536, '1.5 KB'],
    [9.5 * KB, '9.5 KB'],
    [10 * KB, '10 KB'],
    [100 * KB, '100 KB'],
    [1023 * KB, '1023 KB'],
    [MB, '1.0 MB'],
    [2.25 * MB, '2.3 MB'],
    [500 * MB, '500 MB'],
    [GB, '1.0 GB'],
    [2 * GB, '2.0 GB'],
    [TB, '1.0 TB'],
    [1.5 * TB, '1.5 TB'],
  ])('formatBytes(%d) → %j', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });

  it('formatBytes: TB is the largest unit (1024 TB stays in TB)', () => {
    expect(formatBytes(1024 * TB)).toBe('1024 TB');
    expect(formatBytes(2048 * TB)).toBe('2048 TB');
  });

  it('formatBytes: whole bytes are never given decimals', () => {
    expect(formatBytes(512)).toBe('512 B');
  });

  // Bug (lib/format.ts:10-11): the unit is chosen before rounding, so 1048575 bytes
  // (1023.999 KB) rounds to "1024 KB" instead of moving up to "1.0 MB".
  it('formatBytes(1048575) → "1.0 MB" (rounding carries into the next unit)', () => {
    expect(formatBytes(MB - 1)).toBe('1.0 MB');
  });

  // Bug (lib/format.ts:11): the precision is chosen before rounding, so 10239 bytes
  // (9.999 KB) shows as "10.0 KB" while 10240 bytes shows as "10 KB".
  it('formatBytes(10239) → "10 KB" (same precision as 10240)', () => {
    expect(formatBytes(10 * KB - 1)).toBe('10 KB');
  });

  it.each([
    ['de', 1536, '1,5 KB'],
    ['de', 10 * KB, '10 KB'],
    ['de', 1023, '1023 B'],
    ['fr', 1536, '1,5 Ko'],
    ['fr', 2 * GB, '2,0 Go'],
    ['fr', 512, '512 o'],
    ['de-DE', 2.25 * MB, '2,3 MB'],
  ])('formatBytes in %s: %d → %j', (locale, bytes, expected) => {
    expect(formatBytes(bytes, locale)).toBe(expected);
  });
});
