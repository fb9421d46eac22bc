import { ValidationError } from '../errors';
import { DAY_MS, MINUTE_MS, daysInMonth } from './zoned-time';

/**
 * Standard 5-field crontab, read and matched as Vixie cron does: minute hour day-of-month month day-of-week; lists,
 * ranges, steps and English names; day-of-week 0 and 7 both mean Sunday; when both day fields are restricted a day
 * matching either fires, but when either day field starts with `*` both must match.
 *
 * Matching runs on wall numbers (see zoned-time.ts), i.e. on the schedule's wall clock; placing wall times on the
 * timeline (DST) is next-fire.ts's job. cron-parser is not used at run time: its zone handling shifts times in a
 * DST gap by the gap's length and misses hours around transitions, it rejects `0,7`, and its iteration costs
 * ~0.1–1 ms per slot. The tests check this matcher against cron-parser in UTC, where the two must agree.
 */

export const CRON_FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;

/** The Vixie cron nicknames that stand for a 5-field expression. `@reboot` is the `startup` schedule type. */
const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldRule {
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of names[0]. */
  nameBase?: number;
}

const RULES: readonly FieldRule[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
    nameBase: 1,
  },
  { min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], nameBase: 0 },
];

export interface ParsedCron {
  /** As given (trimmed). */
  source: string;
  /** The 5 fields, nicknames expanded. */
  fields: readonly string[];
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 folded into 0). */
  daysOfWeek: ReadonlySet<number>;
  /** Vixie's DOM_STAR / DOW_STAR: the field starts with `*`. */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
  /**
   * Vixie cron's rule for DST: a job with `*` at the start of its minute or hour field ("every 15 minutes",
   * "hourly") follows elapsed time, so it fires in both copies of a repeated hour and not in a skipped one. A job
   * at fixed times ("30 2 * * *") follows the wall clock: a time in a gap fires once right after the gap, a
   * repeated time fires once.
   */
  followsElapsedTime: boolean;
}

const FIELD = 'interval_cron';

function invalid(message: string): ValidationError {
  return new ValidationError(`${FIELD}: ${message}`, [{ field: FIELD, message }]);
}

class FieldError extends Error {}

function splitFields(source: string): string[] {
  if (source === '') throw invalid('a cron expression is required, e.g. "0 9 * * 1-5"');
  if (source.startsWith('@')) {
    const expanded = NICKNAMES[source.toLowerCase()];
    if (!expanded) {
      const hint = source.toLowerCase() === '@reboot' ? ' (use schedule_type "startup" instead)' : '';
      throw invalid(`"${source}" is not supported${hint}; use 5 fields or one of ${Object.keys(NICKNAMES).join(', ')}`);
    }
    return expanded.split(' ');
  }
  const fields = source.split(/\s+/);
  if (fields.length === 6) {
    throw invalid(`"${source}" has 6 fields; seconds are not supported, use 5 fields: minute hour day month weekday`);
  }
  if (fields.length !== 5) {
    throw invalid(`"${source}" has ${fields.length} field(s); expected 5: minute hour day month weekday`);
  }
  return fields;
}

function value(token: string, rule: FieldRule): number {
  const nameIndex = rule.names?.indexOf(token.toLowerCase()) ?? -1;
  if (nameIndex >= 0) return nameIndex + (rule.nameBase ?? 0);
  if (!/^\d+$/.test(token)) {
    const names = rule.names ? ` or a name (${rule.names[0]}–${rule.names[rule.names.length - 1]})` : '';
    const extension = /^[lw#?h]|[lw#?]$|#/i.test(token) ? '; L, W, #, ? and H are not standard cron' : '';
    throw new FieldError(`"${token}" is not a number${names}${extension}`);
  }
  const n = Number(token);
  if (n < rule.min || n > rule.max) throw new FieldError(`${n} is out of range ${rule.min}–${rule.max}`);
  return n;
}

/** One list item: `*`, `n`, `a-b`, each optionally `/step`; `n/step` means n to the field's maximum. */
function itemValues(item: string, rule: FieldRule): number[] {
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined || range === '') throw new FieldError(`"${item}" is not a value, range or step`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1)) {
    throw new FieldError(`step "${stepText}" must be a whole number ≥ 1`);
  }
  const bounds = range.split('-');
  if (bounds.length > 2) throw new FieldError(`"${range}" is not a range`);
  const [lo, hi] =
    range === '*'
      ? [rule.min, rule.max]
      : [value(bounds[0], rule), bounds.length === 2 ? value(bounds[1], rule) : stepText ? rule.max : NaN];
  const end = Number.isNaN(hi) ? lo : hi;
  if (end < lo) throw new FieldError(`range ${range} runs backwards`);
  const out: number[] = [];
  for (let v = lo; v <= end; v += step) out.push(v);
  return out;
}

function fieldValues(text: string, index: number): number[] {
  try {
    const values = text.split(',').flatMap((item) => itemValues(item, RULES[index]));
    return [...new Set(index === 4 ? values.map((v) => v % 7) : values)].sort((a, b) => a - b);
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    throw invalid(`${CRON_FIELD_NAMES[index]} field "${text}" is invalid: ${e.message}`);
  }
}

/** With day-of-week unrestricted by OR, some listed day must exist in some listed month (Feb counts 29). */
function canFire(c: Omit<ParsedCron, 'followsElapsedTime'>): boolean {
  if (!c.dayOfMonthStar && !c.dayOfWeekStar) return true;
  return [...c.months].some((m) => [...c.daysOfMonth].some((d) => d <= daysInMonth(2000, m)));
}

/** Parses and validates a 5-field cron expression; throws a ValidationError naming the bad field. */
export function parseCron(expression: unknown): ParsedCron {
  if (typeof expression !== 'string') throw invalid('a cron expression (string) is required, e.g. "0 9 * * 1-5"');
  const source = expression.trim();
  const fields = splitFields(source);
  const [minutes, hours, doms, months, dows] = fields.map((f, i) => fieldValues(f, i));
  const parsed = {
    source,
    fields,
    minutes,
    hours,
    daysOfMonth: new Set(doms),
    months: new Set(months),
    daysOfWeek: new Set(dows),
    dayOfMonthStar: fields[2].startsWith('*'),
    dayOfWeekStar: fields[4].startsWith('*'),
  };
  if (!canFire(parsed)) throw invalid(`"${source}" can never fire: no listed month has the listed day(s) of the month`);
  return { ...parsed, followsElapsedTime: fields[0].startsWith('*') || fields[1].startsWith('*') };
}

function dayMatches(c: ParsedCron, dayStart: number): boolean {
  const d = new Date(dayStart);
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const dom = c.daysOfMonth.has(d.getUTCDate());
  const dow = c.daysOfWeek.has(d.getUTCDay());
  return c.dayOfMonthStar || c.dayOfWeekStar ? dom && dow : dom || dow;
}

/** Wall numbers matching the expression, strictly after `afterWall`, ascending, endless. */
export function* cronWallTimes(c: ParsedCron, afterWall: number): Generator<number> {
  for (let dayStart = Math.floor(afterWall / DAY_MS) * DAY_MS; ; dayStart += DAY_MS) {
    if (!dayMatches(c, dayStart)) continue;
    for (const h of c.hours) {
      for (const m of c.minutes) {
        const wall = dayStart + (h * 60 + m) * MINUTE_MS;
        if (wall > afterWall) yield wall;
      }
    }
  }
}
