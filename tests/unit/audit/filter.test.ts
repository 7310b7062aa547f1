import { describe, expect, it } from 'vitest';
import {
  auditCsvHref,
  auditPageHref,
  decodeCursor,
  encodeCursor,
  parseAuditPageQuery,
  parseAuditQuery,
} from '@/lib/audit/filter';
import { DomainError } from '@/lib/errors';

describe('parseAuditQuery', () => {
  it('keeps the non-empty fields, trims them, and takes the free-text action over the select', () => {
    const { filter, position } = parseAuditQuery(
      new URLSearchParams(
        'user=+ann@x.org+&document=&action=wopi.save&actionText=wopi.*&outcome=failure&tz=Europe/Berlin',
      ),
    );
    expect(filter).toEqual({ user: 'ann@x.org', action: 'wopi.*', outcome: 'failure', timeZone: 'Europe/Berlin' });
    expect(position).toEqual({});
  });

  it('time zone: the query, else the cookie, else UTC; an unknown cookie zone is ignored', () => {
    expect(parseAuditQuery({ tz: 'Asia/Tokyo' }, { timeZone: 'Europe/Paris' }).filter.timeZone).toBe('Asia/Tokyo');
    expect(parseAuditQuery({}, { timeZone: 'Europe/Paris' }).filter.timeZone).toBe('Europe/Paris');
    expect(parseAuditQuery({}, { timeZone: 'bogus' }).filter.timeZone).toBe('UTC');
  });

  it('?tz=Mars/X (given, unknown) → invalid_filter, rule time_zone on field tz', () => {
    let thrown: unknown;
    try {
      parseAuditQuery({ tz: 'Mars/X', from: '2026-11-30' }, { timeZone: 'Europe/Paris' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: 'invalid_filter',
      message: expect.stringContaining('Time zone: not a known time zone'),
      details: { field: 'tz', rule: 'time_zone' },
    });
    expect(parseAuditPageQuery({ tz: 'Mars/X' }, { timeZone: 'Europe/Paris' })).toMatchObject({
      filter: { timeZone: 'Europe/Paris' },
      problem: expect.stringContaining('Time zone'),
    });
  });

  it('cursors: before wins over after; both round-trip', () => {
    const cursor = { at: new Date('2026-11-30T12:00:00.123Z'), id: 42n };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    const { position } = parseAuditQuery({ before: encodeCursor(cursor), after: '1_1' });
    expect(position).toEqual({ before: cursor });
  });

  it.each([
    [{ from: '2026-02-30' }, /From: use a date/],
    [{ to: 'yesterday' }, /To: use a date/],
    [{ from: '2026-11-30', to: '2026-11-01' }, /start date is after the end date/],
    [{ outcome: 'maybe' }, /Outcome: one of success, failure, denied/],
    [{ before: '12345' }, /page position is not valid/],
    [{ user: 'x'.repeat(321) }, /At most 320 characters/],
  ])('%j → DomainError invalid', (raw, message) => {
    let caught: unknown;
    try {
      parseAuditQuery(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ kind: 'invalid', code: 'invalid_filter', message: expect.stringMatching(message) });
  });

  it('hrefs carry the filter, the time zone and one cursor', () => {
    const filter = { user: 'a b', action: 'wopi.save', timeZone: 'UTC' };
    expect(auditPageHref(filter)).toBe('/admin/audit?user=a+b&action=wopi.save&tz=UTC');
    expect(auditPageHref(filter, { after: { at: new Date(5), id: 7n } })).toBe(
      '/admin/audit?user=a+b&action=wopi.save&tz=UTC&after=5_7',
    );
    expect(auditCsvHref(filter)).toBe('/api/admin/audit.csv?user=a+b&action=wopi.save&tz=UTC');
  });
});

describe('parseAuditPageQuery (what GET /admin/audit renders)', () => {
  it('GET /admin/audit?user=a&tz=<65 characters> → the problem shown with the cookie zone, not a throw (a 500)', () => {
    expect(parseAuditPageQuery({ user: 'a', tz: 'x'.repeat(65) }, { timeZone: 'Europe/Paris' })).toEqual({
      filter: { timeZone: 'Europe/Paris' },
      position: {},
      problem: 'At most 64 characters.',
    });
  });

  it('GET /admin/audit?from=x&tz=Asia/Tokyo → the problem, the address zone kept; good input → no problem', () => {
    expect(parseAuditPageQuery({ from: 'x', tz: 'Asia/Tokyo' })).toMatchObject({
      filter: { timeZone: 'Asia/Tokyo' },
      problem: 'From: use a date as YYYY-MM-DD.',
    });
    expect(parseAuditPageQuery({ user: 'a' })).toEqual(parseAuditQuery({ user: 'a' }));
  });
});
