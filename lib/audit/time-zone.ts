/**
 * Calendar days in a user's IANA time zone, with Intl only (Node ships full ICU): the audit
 * filter's dates mean the user's days, and its times are shown in the user's zone.
 */
export const DEFAULT_TIME_ZONE = 'UTC';

/** The cookie the audit page's script sets to the browser's time zone (components/time-zone-field.tsx). */
export const TIME_ZONE_COOKIE = 'tz';

const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const partsFormatter = (timeZone: string) => {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }

  return formatter;
};

/** Whether Intl knows `value` as a time zone ("Europe/Berlin", "UTC"); anything else is refused. */
export const isTimeZone = (value: string) => {
  if (!TIME_ZONE_SHAPE.test(value)) return false;
  try {
    partsFormatter(value);

    return true;
  } catch {
    return false;
  }
};

/** The wall-clock fields of `instant` in `timeZone`, as if they were UTC (ms). */
const wallClockOf = (instant: number, timeZone: string) => {
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }

  return Date.UTC(fields.year!, fields.month! - 1, fields.day, fields.hour, fields.minute, fields.second);
};

const offsetAt = (instant: number, timeZone: string) =>
  wallClockOf(instant, timeZone) - Math.floor(instant / 1000) * 1000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** DAY, or the expanded year ISO 8601 writes past 9999 ("+010000-01-01": the day after 9999-12-31). */
const ANY_DAY = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar day written YYYY-MM-DD. */
export const isCalendarDay = (value: string) => {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));

  return date.toISOString().slice(0, 10) === value;
};

/**
 * The first instant of calendar day `day` (YYYY-MM-DD) in `timeZone`: local midnight, or the
 * first local time after it when a DST change skips midnight (America/Santiago, Asia/Beirut…).
 */
export const startOfDayIn = (day: string, timeZone: string): Date => {
  const match = ANY_DAY.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  const midnight = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Local midnight under the offset in force the day before or the day after (DST changes are
  // months apart); the earliest of those instants that is already on `day` locally. In a gap
  // (midnight skipped), the instant under the earlier offset is exactly the change.
  const candidates = [offsetAt(midnight - 86_400_000, timeZone), offsetAt(midnight + 86_400_000, timeZone)]
    .map((offset) => midnight - offset)
    .filter((instant) => wallClockOf(instant, timeZone) >= midnight);

  return new Date(Math.min(...candidates));
};

/**
 * The calendar day after `day` (YYYY-MM-DD), as startOfDayIn takes it: after 9999-12-31 that is
 * "+010000-01-01" (a date field's last day is a valid "to"; cutting the ISO string at 10
 * characters gave "+010000-01", which startOfDayIn refused: a 500).
 */
export const nextDay = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);

  return date.toISOString().slice(0, -'T00:00:00.000Z'.length);
};

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export const dayIn = (instant: Date, timeZone: string) =>
  new Date(wallClockOf(instant.getTime(), timeZone)).toISOString().slice(0, 10);

const QUARTER_HOUR = 900_000;
const quarterOffsets = new Map<string, number | null>();

/**
 * The offset of `timeZone` at `instant`, from a cache per UTC quarter hour (offset changes fall on
 * quarter hours; a quarter with a change in it is computed per instant): an export formats
 * hundreds of thousands of times, and formatToParts costs microseconds each.
 */
const cachedOffsetAt = (instant: number, timeZone: string) => {
  const start = Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone} ${start}`;
  let offset = quarterOffsets.get(key);
  if (offset === undefined) {
    const first = offsetAt(start, timeZone);
    offset = first === offsetAt(start + QUARTER_HOUR - 1000, timeZone) ? first : null;
    if (quarterOffsets.size > 10_000) quarterOffsets.clear();
    quarterOffsets.set(key, offset);
  }

  return offset ?? offsetAt(instant, timeZone);
};

/** "2026-11-30 13:10:05.123": the wall-clock time of `instant` in `timeZone` (for CSV cells). */
export const localTimestampIn = (instant: Date, timeZone: string) =>
  new Date(instant.getTime() + cachedOffsetAt(instant.getTime(), timeZone))
    .toISOString()
    .replace('T', ' ')
    .slice(0, 23);

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

/** "30 Nov 2026, 13:10:05" in `timeZone` (en-GB until the i18n pass brings the user's locale). */
export const formatDateTimeIn = (instant: Date, timeZone: string) => {
  let formatter = displayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' });
    displayFormatters.set(timeZone, formatter);
  }

  return formatter.format(instant);
};
