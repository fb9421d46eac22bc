import { ValidationError } from '../errors';

/**
 * Conversions between UTC instants and wall-clock times in an IANA zone, built on Intl only (no tz library).
 *
 * A wall-clock time is handled as a "wall number": the epoch milliseconds it would have if it were UTC. Wall
 * numbers make local calendar arithmetic (add a day, compare times) plain integer math, free of DST; only the
 * step wall → instant needs the zone, and that step is where DST gaps and overlaps are decided.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Wall-clock fields, month 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** How a wall-clock time was placed on the timeline. */
export interface ResolvedWallTime {
  /** Epoch ms of the chosen instant. */
  at: number;
  /**
   * `gap`: the wall time does not exist (spring forward); `at` is the first instant after the gap.
   * `overlap`: it exists twice (fall back); `at` is the first of the two.
   */
  kind: 'exact' | 'gap' | 'overlap';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(timeZone: unknown, field = 'timezone'): string {
  if (!isValidTimeZone(timeZone)) {
    throw new ValidationError(
      `${field}: ${JSON.stringify(timeZone)} is not a known IANA time zone (e.g. "Europe/Amsterdam", "UTC")`,
      [{ field, message: 'unknown time zone' }],
    );
  }
  return timeZone;
}

/**
 * The zone of the machine this process runs on, as Intl sees it (honours the TZ environment variable).
 * Callers pass it as `defaultTimezone` for schedules whose `timezone` is null.
 */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Wall-clock fields of an instant in a zone. */
export function instantToLocal(instantMs: number, timeZone: string): LocalDateTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instantMs)) parts[p.type] = p.value;
  const yearOfEra = Number(parts['year']);
  return {
    // Years BC come back as a positive year of era; astronomical numbering keeps the arithmetic right.
    year: parts['era'] === 'BC' || parts['era'] === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

export function localToWall(l: LocalDateTime): number {
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  d.setUTCFullYear(l.year, l.month - 1, l.day);
  d.setUTCHours(l.hour, l.minute, l.second, 0);
  return d.getTime();
}

export function wallToLocal(wall: number): LocalDateTime {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The wall number of an instant in a zone. Sub-second precision is dropped. */
export function instantToWall(instantMs: number, timeZone: string): number {
  return localToWall(instantToLocal(instantMs, timeZone));
}

/** UTC offset (local − UTC) in ms at an instant. */
export function offsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return instantToWall(wholeSecond, timeZone) - wholeSecond;
}

/**
 * First instant in (lo, hi] whose offset differs from the offset at `lo`. Requires that the offset at `hi`
 * differs. Offsets change on whole seconds, so a binary search on seconds is exact.
 */
export function findOffsetChange(lo: number, hi: number, timeZone: string): number {
  const before = offsetAt(lo, timeZone);
  let a = Math.floor(lo / 1000); // offset here equals `before`
  let b = Math.ceil(hi / 1000); // offset here differs
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetAt(mid * 1000, timeZone) === before) a = mid;
    else b = mid;
  }
  return b * 1000;
}

const bracketOffsets = new Map<string, number>();

/**
 * Offset at a whole-day instant, memoised: the bracket readings of `possibleInstants` fall on the same few days for
 * every slot of a schedule, and an Intl round trip costs more than the rest of the slot math together. A plain
 * bounded memo (cleared when full) keeps the functions pure in effect.
 */
function offsetAtDay(dayIndex: number, timeZone: string): number {
  const key = `${timeZone}|${dayIndex}`;
  let off = bracketOffsets.get(key);
  if (off === undefined) {
    if (bracketOffsets.size >= 50_000) bracketOffsets.clear();
    off = offsetAt(dayIndex * DAY_MS, timeZone);
    bracketOffsets.set(key, off);
  }
  return off;
}

/**
 * Offsets read before and after any transition that can affect `wall`: at least a day (more than the largest UTC
 * offset, 14 h) on either side, rounded out to whole days so the readings are shared and memoised. Zones do not
 * change offset twice within three days.
 */
function bracket(wall: number, timeZone: string): { before: number; after: number } {
  const day = Math.floor(wall / DAY_MS);
  return { before: offsetAtDay(day - 1, timeZone), after: offsetAtDay(day + 2, timeZone) };
}

/**
 * Every instant whose wall-clock time in the zone is `wall`, ascending: none in a spring-forward gap, two in a
 * fall-back overlap, one otherwise.
 */
export function possibleInstants(wall: number, timeZone: string): number[] {
  const { before, after } = bracket(wall, timeZone);
  if (before === after) return [wall - before];
  return [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall).sort((a, b) => a - b);
}

/**
 * Places a wall-clock time on the timeline. A time inside a spring-forward gap resolves to the first instant after
 * the gap (02:30 on the Amsterdam spring-forward day → 03:00 CEST); a time inside a fall-back overlap resolves to
 * its first occurrence. Both rules make a daily "02:30" fire exactly once on those days.
 */
export function wallToInstant(wall: number, timeZone: string): ResolvedWallTime {
  const instants = possibleInstants(wall, timeZone);
  if (instants.length > 0) return { at: instants[0], kind: instants.length === 2 ? 'overlap' : 'exact' };
  // In a gap the clock jumps forward from `before` to the larger `after` offset: the transition lies between the
  // two readings of the wall time.
  const { before, after } = bracket(wall, timeZone);
  return { at: findOffsetChange(wall - after, wall - before, timeZone), kind: 'gap' };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "YYYY-MM-DD" of a wall number. */
export function formatWallDate(wall: number): string {
  const l = wallToLocal(wall);
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

/** "YYYY-MM-DDTHH:MM:SS" of a wall number (ISO 8601 local time, no offset). */
export function formatWall(wall: number): string {
  const l = wallToLocal(wall);
  return `${formatWallDate(wall)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
}

/** Days in a month (month 1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}
