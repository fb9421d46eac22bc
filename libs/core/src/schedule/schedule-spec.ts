import { ValidationError } from '../errors';
import {
  CALENDAR_FREQUENCIES,
  CATCHUP_POLICIES,
  CalendarFrequency,
  INTERVAL_TYPES,
  INTERVAL_UNITS,
  IntervalUnit,
  OVERLAP_POLICIES,
  SCHEDULE_TYPES,
  ScheduleType,
} from '../model/enums';
import { ScheduleConfig } from '../model/task';
import { ParsedCron, parseCron } from './cron-expression';
import {
  FixedInterval,
  INTERVAL_PRESET_NAMES,
  MAX_INTERVAL_MS,
  intervalMs,
  parseIntervalPreset,
} from './fixed-interval';
import { ScheduleProblem } from './schedule.types';
import { isValidTimeZone } from './zoned-time';

/**
 * A schedule as stored or as sent to the API. Missing fields take the defaults of DEFAULT_SCHEDULE; values are
 * checked here rather than trusted, because API bodies reach this before normalisation.
 */
export type ScheduleInput = Partial<ScheduleConfig>;

export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

export interface CalendarSpec {
  frequency: CalendarFrequency;
  time: TimeOfDay;
  /** 0 = Monday … 6 = Sunday, sorted, unique, never empty. */
  daysOfWeek: number[];
  /** 1–31. */
  dayOfMonth: number;
}

/** A schedule reduced to what the math needs. `timezone` null = the caller's default zone. */
export type ScheduleSpec =
  | { kind: 'none'; scheduleType: Exclude<ScheduleType, 'interval' | 'calendar'> }
  | { kind: 'interval'; interval: FixedInterval; timezone: string | null }
  | { kind: 'cron'; cron: ParsedCron; timezone: string | null }
  | { kind: 'calendar'; calendar: CalendarSpec; timezone: string | null };

type Problems = ScheduleProblem[];

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

function oneOfOrNull<T extends string>(
  s: ScheduleInput,
  field: string,
  allowed: readonly T[],
  problems: Problems,
): T | null | undefined {
  const v = s[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push({ field, message: `${show(v)} is not one of ${allowed.join(', ')}` });
  return undefined;
}

function readTimezone(s: ScheduleInput, problems: Problems): string | null {
  const v = s.timezone;
  if (v === undefined || v === null) return null;
  if (isValidTimeZone(v)) return v;
  problems.push({
    field: 'timezone',
    message: `${show(v)} is not a known IANA time zone (e.g. "Europe/Amsterdam", "America/New_York", "UTC"); use null for the machine's zone`,
  });
  return null;
}

function readPreset(s: ScheduleInput, problems: Problems): FixedInterval | undefined {
  const v = s.interval_preset;
  const parsed = typeof v === 'string' ? parseIntervalPreset(v) : null;
  if (parsed) return parsed;
  problems.push({
    field: 'interval_preset',
    message:
      v === undefined || v === null
        ? `a preset is required for interval_type "simple": one of ${INTERVAL_PRESET_NAMES.join(', ')}`
        : `${show(v)} is not a preset; use one of ${INTERVAL_PRESET_NAMES.join(', ')} (or 5min, 1hour, …)`,
  });
  return undefined;
}

function readCustomInterval(s: ScheduleInput, problems: Problems): FixedInterval | undefined {
  const value = s.interval_value;
  // The original GUI always stored a unit; minutes was its default, so a missing unit keeps meaning minutes.
  const unit: IntervalUnit | null | undefined = oneOfOrNull(s, 'interval_unit', INTERVAL_UNITS, problems);
  if (!isInt(value) || value < 1) {
    problems.push({
      field: 'interval_value',
      message:
        value === undefined || value === null
          ? 'a whole number ≥ 1 is required for a custom interval'
          : `${show(value)} is not a whole number ≥ 1`,
    });
    return undefined;
  }
  if (unit === undefined) return undefined;
  const u = unit ?? 'minutes';
  if (intervalMs(value, u) > MAX_INTERVAL_MS) {
    problems.push({ field: 'interval_value', message: `${value} ${u} is longer than the maximum of 366 days` });
    return undefined;
  }
  return { value, unit: u, ms: intervalMs(value, u) };
}

function readCron(s: ScheduleInput, problems: Problems): ParsedCron | undefined {
  try {
    return parseCron(s.interval_cron);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    problems.push(...(e.details as Problems));
    return undefined;
  }
}

function readInterval(s: ScheduleInput, timezone: string | null, problems: Problems): ScheduleSpec | undefined {
  const type = oneOfOrNull(s, 'interval_type', INTERVAL_TYPES, problems);
  if (type === 'cron') {
    const cron = readCron(s, problems);
    return cron && { kind: 'cron', cron, timezone };
  }
  if (type === undefined) return undefined;
  // The original treats a missing interval_type as custom.
  const interval = type === 'simple' ? readPreset(s, problems) : readCustomInterval(s, problems);
  return interval && { kind: 'interval', interval, timezone };
}

export function parseTimeOfDay(v: unknown): TimeOfDay | null {
  if (v === undefined || v === null) return { hour: 0, minute: 0, second: 0 };
  if (typeof v !== 'string') return null;
  // "H:MM", "HH:MM" or "HH:MM:SS"
  const parts = v.trim().split(':');
  const wellFormed =
    (parts.length === 2 || parts.length === 3) &&
    /^\d{1,2}$/.test(parts[0]) &&
    parts.slice(1).every((p) => /^\d{2}$/.test(p));
  if (!wellFormed) return null;
  const [hour, minute, second = 0] = parts.map(Number);
  return hour < 24 && minute < 60 && second < 60 ? { hour, minute, second } : null;
}

function readTime(s: ScheduleInput, problems: Problems): TimeOfDay | undefined {
  const t = parseTimeOfDay(s.calendar_time);
  if (t) return t;
  problems.push({
    field: 'calendar_time',
    message: `${show(s.calendar_time)} is not a time of day; use "HH:MM" or "HH:MM:SS" from 00:00 to 23:59:59`,
  });
  return undefined;
}

function readDaysOfWeek(s: ScheduleInput, problems: Problems): number[] | undefined {
  const v = s.calendar_days_of_week;
  if (v === undefined || v === null) return [0];
  const bad = Array.isArray(v) ? v.filter((d) => !isInt(d) || d < 0 || d > 6) : [v];
  if (bad.length > 0) {
    problems.push({
      field: 'calendar_days_of_week',
      message: `${bad.map(show).join(', ')} ${bad.length === 1 ? 'is not a day' : 'are not days'}; use a list of 0 = Monday … 6 = Sunday`,
    });
    return undefined;
  }
  const days = [...new Set(v)].sort((a, b) => a - b);
  // The original GUI: no day ticked means Monday.
  return days.length > 0 ? days : [0];
}

function readDayOfMonth(s: ScheduleInput, problems: Problems): number | undefined {
  const v = s.calendar_day_of_month;
  // The original scheduler's default.
  if (v === undefined || v === null) return 1;
  if (isInt(v) && v >= 1 && v <= 31) return v;
  problems.push({ field: 'calendar_day_of_month', message: `${show(v)} is not a day of the month; use 1–31` });
  return undefined;
}

function readCalendar(s: ScheduleInput, timezone: string | null, problems: Problems): ScheduleSpec | undefined {
  const frequency = oneOfOrNull(s, 'calendar_frequency', CALENDAR_FREQUENCIES, problems);
  if (frequency === null) {
    problems.push({ field: 'calendar_frequency', message: `required: one of ${CALENDAR_FREQUENCIES.join(', ')}` });
  }
  const time = readTime(s, problems);
  const daysOfWeek = frequency === 'weekly' ? readDaysOfWeek(s, problems) : [0];
  const dayOfMonth = frequency === 'monthly' ? readDayOfMonth(s, problems) : 1;
  if (!frequency || !time || !daysOfWeek || !dayOfMonth) return undefined;
  return { kind: 'calendar', calendar: { frequency, time, daysOfWeek, dayOfMonth }, timezone };
}

function checkFileWatch(s: ScheduleInput, problems: Problems): void {
  const dir = s.watch_directory;
  if (typeof dir !== 'string' || dir.trim() === '') {
    problems.push({
      field: 'watch_directory',
      message: 'a directory to watch is required for schedule_type "file_watch"',
    });
  }
  const debounce = s.watch_debounce_seconds;
  if (
    debounce !== undefined &&
    debounce !== null &&
    !(typeof debounce === 'number' && debounce >= 0 && debounce <= 86_400)
  ) {
    problems.push({
      field: 'watch_debounce_seconds',
      message: `${show(debounce)} is not a number of seconds from 0 to 86400`,
    });
  }
}

function checkPolicies(s: ScheduleInput, problems: Problems): void {
  oneOfOrNull(s, 'overlap_policy', OVERLAP_POLICIES, problems);
  oneOfOrNull(s, 'catchup_policy', CATCHUP_POLICIES, problems);
  const w = s.catchup_window_hours;
  if (w !== undefined && w !== null && !(typeof w === 'number' && Number.isFinite(w) && w >= 0)) {
    problems.push({ field: 'catchup_window_hours', message: `${show(w)} is not a number of hours ≥ 0` });
  }
}

function readByType(s: ScheduleInput, problems: Problems): ScheduleSpec | undefined {
  const type = s.schedule_type ?? 'manual';
  if (!(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    problems.push({ field: 'schedule_type', message: `${show(type)} is not one of ${SCHEDULE_TYPES.join(', ')}` });
    return undefined;
  }
  const timezone = readTimezone(s, problems);
  switch (type) {
    case 'interval':
      return readInterval(s, timezone, problems);
    case 'calendar':
      return readCalendar(s, timezone, problems);
    case 'file_watch':
      checkFileWatch(s, problems);
      return { kind: 'none', scheduleType: type };
    case 'manual':
    case 'startup':
    case 'sequential':
      return { kind: 'none', scheduleType: type };
  }
}

/** Reads a schedule, collecting every field-level problem instead of stopping at the first. */
export function analyseSchedule(schedule: ScheduleInput): {
  spec: ScheduleSpec | undefined;
  problems: ScheduleProblem[];
} {
  const problems: Problems = [];
  const spec = readByType(schedule, problems);
  checkPolicies(schedule, problems);
  return { spec: problems.length === 0 ? spec : undefined, problems };
}

/**
 * Every field-level problem of a schedule (empty when it is valid), for API 400 bodies. Only the fields of the
 * schedule's type are checked, plus `timezone` and the overlap/catch-up policies.
 */
export function validateSchedule(schedule: ScheduleInput): ScheduleProblem[] {
  return analyseSchedule(schedule).problems;
}

/** A ValidationError whose message lists the problems and whose `details` is the ScheduleProblem list. */
export function scheduleValidationError(problems: ScheduleProblem[]): ValidationError {
  const text = problems.map((p) => `schedule.${p.field}: ${p.message}`).join('; ');
  return new ValidationError(`Invalid schedule: ${text}`, problems);
}

/** Reads a schedule or throws a ValidationError listing every problem. */
export function compileSchedule(schedule: ScheduleInput): ScheduleSpec {
  const { spec, problems } = analyseSchedule(schedule);
  if (!spec) throw scheduleValidationError(problems);
  return spec;
}
