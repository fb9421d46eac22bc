import { InvalidArgumentError } from 'commander';

/**
 * Converters for option values. Commander hands every value over as a string; each option states what it accepts
 * and a wrong value is a usage error (exit 2) naming the option, never a silent NaN or a string where the API
 * expects a number. All pure.
 */

/** Spellings that clear a nullable field (send null: "use the default" / "no limit" / "no profile"). */
const NONE_WORDS = new Set(['', 'none', 'null', 'default']);

export function isNoneWord(value: string): boolean {
  return NONE_WORDS.has(value.trim().toLowerCase());
}

export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const v = value.trim();
    const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export function decimal(min: number, max: number, opts: { exclusiveMin?: boolean } = {}): (value: string) => number {
  return (value) => {
    const v = value.trim();
    const n = /^-?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : NaN;
    const tooSmall = opts.exclusiveMin ? n <= min : n < min;
    if (!Number.isFinite(n) || tooSmall || n > max) {
      const range = opts.exclusiveMin ? `above ${min}, at most ${max}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected a number ${range}`);
    }
    return n;
  };
}

/** `parse` for a value, or null for `none`/`default`/`''` (the field's default or "no limit"). */
export function orNone<T>(parse: (value: string) => T): (value: string) => T | null {
  return (value) => (isNoneWord(value) ? null : parse(value));
}

/** A comma-separated list; repeating the option adds to it; `''` (alone) is the empty list. */
export function commaList(value: string, previous: unknown): string[] {
  const before = Array.isArray(previous) ? (previous as string[]) : [];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return [...before, ...items];
}

export function timeOfDay(value: string): string {
  const v = value.trim();
  if (!/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v)) {
    throw new InvalidArgumentError('expected a time of day as HH:MM or HH:MM:SS (24-hour clock), e.g. 09:00');
  }
  return v;
}

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * Days of the week for weekly calendar schedules, as the API stores them (0 = Monday … 6 = Sunday): `mon,wed,fri`,
 * full names, `0,2,4`, ranges `mon-fri`, or the words `weekdays`, `weekend`, `daily`. Sorted, without repeats.
 */
export function daysOfWeek(value: string): number[] {
  const out = new Set<number>();
  const one = (word: string): number => {
    if (/^[0-6]$/.test(word)) return Number(word);
    const i = DAY_NAMES.findIndex((d) => d === word || (word.length === 3 && d.startsWith(word)));
    if (i >= 0) return i;
    throw new InvalidArgumentError(
      `unknown day "${word}": use mon,tue,…,sun (or 0-6 with 0 = Monday), a range such as mon-fri, or weekdays/weekend`,
    );
  };
  for (const raw of value.toLowerCase().split(',')) {
    const word = raw.trim();
    if (word === '') continue;
    if (word === 'weekdays') [0, 1, 2, 3, 4].forEach((d) => out.add(d));
    else if (word === 'weekend' || word === 'weekends') [5, 6].forEach((d) => out.add(d));
    else if (word === 'daily' || word === 'all') [0, 1, 2, 3, 4, 5, 6].forEach((d) => out.add(d));
    else if (word.includes('-')) {
      const [a, b] = word.split('-').map((w) => one(w.trim()));
      if (a > b) throw new InvalidArgumentError(`day range "${word}" runs backwards (weeks start on Monday)`);
      for (let d = a; d <= b; d++) out.add(d);
    } else out.add(one(word));
  }
  if (out.size === 0) throw new InvalidArgumentError('expected at least one day');
  return [...out].sort((x, y) => x - y);
}

/** A value that must not be blank. */
export function nonBlank(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}
