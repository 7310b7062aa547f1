import { describe, expect, it } from 'vitest';
import { auditCsvFileName, csvCell, csvRecord } from '@/lib/audit/csv';

describe('csvCell (RFC 4180, OWASP CSV injection)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    ['=SUM(A1:A2)', `"'=SUM(A1:A2)"`],
    ['+1', `"'+1"`],
    ['-2+3', `"'-2+3"`],
    ['@cmd', `"'@cmd"`],
    ['\tTab', `"'\tTab"`],
    ['\rReturn', `"'\rReturn"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
  ])('%j → %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('empty for null and undefined; numbers and bigints as they are', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(12345678901234567890n)).toBe('12345678901234567890');
  });

  it('csvRecord joins with commas and ends with CRLF', () => {
    expect(csvRecord(['a', null, 'b,c', 1])).toBe('a,,"b,c",1\r\n');
  });

  it('auditCsvFileName is dated in the time zone', () => {
    const now = new Date('2026-11-30T23:30:00Z');
    expect(auditCsvFileName(now, 'UTC')).toBe('audit-log-2026-11-30.csv');
    expect(auditCsvFileName(now, 'Europe/Berlin')).toBe('audit-log-2026-12-01.csv');
  });
});
