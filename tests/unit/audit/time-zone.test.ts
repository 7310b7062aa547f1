import { describe, expect, it } from 'vitest';
import {
  dayIn,
  formatDateTimeIn,
  isCalendarDay,
  isTimeZone,
  localTimestampIn,
  nextDay,
  startOfDayIn,
} from '@/lib/audit/time-zone';

describe('startOfDayIn', () => {
  it.each([
    ['2026-11-30', 'UTC', '2026-11-30T00:00:00.000Z'],
    ['2026-11-30', 'Europe/Berlin', '2026-11-29T23:00:00.000Z'],
    ['2026-07-01', 'Europe/Berlin', '2026-06-30T22:00:00.000Z'],
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'], // DST starts at 02:00 that day
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-11-30', 'America/New_York', '2026-11-30T05:00:00.000Z'],
    ['2026-11-30', 'Asia/Kolkata', '2026-11-29T18:30:00.000Z'],
    ['2026-11-30', 'Pacific/Kiritimati', '2026-11-29T10:00:00.000Z'],
    // Midnight is skipped (DST starts at 00:00): the day starts at 01:00 local, the change itself.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
    // Midnight happens twice (DST ends at 00:00 → 23:00 the day before): the first one.
    ['2026-04-05', 'America/Santiago', '2026-04-05T04:00:00.000Z'],
  ])('%s in %s → %s', (day, zone, expected) => {
    expect(startOfDayIn(day, zone).toISOString()).toBe(expected);
  });
});

describe('time-zone helpers', () => {
  it('isTimeZone accepts IANA names and refuses anything else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone("UTC'; DROP TABLE x")).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('isCalendarDay: real days as YYYY-MM-DD only', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-1-01')).toBe(false);
    expect(isCalendarDay('01/02/2026')).toBe(false);
  });

  it('nextDay crosses months and years', () => {
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });

  it('nextDay of 9999-12-31 (a valid "to") is a day startOfDayIn takes, not a 500', () => {
    expect(nextDay('9999-12-31')).toBe('+010000-01-01');
    expect(startOfDayIn(nextDay('9999-12-31'), 'UTC').toISOString()).toBe('+010000-01-01T00:00:00.000Z');
    expect(startOfDayIn(nextDay('9999-12-31'), 'Europe/Berlin').toISOString()).toBe('9999-12-31T23:00:00.000Z');
  });

  it('dayIn, localTimestampIn and formatDateTimeIn show the wall clock of the zone', () => {
    const instant = new Date('2026-11-30T23:30:05.123Z');
    expect(dayIn(instant, 'UTC')).toBe('2026-11-30');
    expect(dayIn(instant, 'Europe/Berlin')).toBe('2026-12-01');
    expect(localTimestampIn(instant, 'Europe/Berlin')).toBe('2026-12-01 00:30:05.123');
    expect(localTimestampIn(instant, 'America/New_York')).toBe('2026-11-30 18:30:05.123');
    expect(formatDateTimeIn(instant, 'Europe/Berlin')).toBe('1 Dec 2026, 00:30:05');
  });

  it('localTimestampIn is exact on both sides of a DST change', () => {
    // Europe/Berlin leaves summer time at 01:00 UTC on 2026-10-25.
    expect(localTimestampIn(new Date('2026-10-25T00:59:59.999Z'), 'Europe/Berlin')).toBe('2026-10-25 02:59:59.999');
    expect(localTimestampIn(new Date('2026-10-25T01:00:00.000Z'), 'Europe/Berlin')).toBe('2026-10-25 02:00:00.000');
    // Lord Howe Island moves by 30 minutes, at 15:30 UTC on 2026-10-03 (02:00 → 02:30 local).
    expect(localTimestampIn(new Date('2026-10-03T15:29:00.000Z'), 'Australia/Lord_Howe')).toBe(
      '2026-10-04 01:59:00.000',
    );
    expect(localTimestampIn(new Date('2026-10-03T15:30:00.000Z'), 'Australia/Lord_Howe')).toBe(
      '2026-10-04 02:30:00.000',
    );
  });
});
