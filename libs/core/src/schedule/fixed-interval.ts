import { IntervalUnit } from '../model/enums';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './zoned-time';

/** A fixed interval as the user stated it (kept for display), plus its length. */
export interface FixedInterval {
  value: number;
  unit: IntervalUnit;
  ms: number;
}

/**
 * The presets of both original front ends. The GUI stored `5min … 24hours`, the REST API took `5 minutes …
 * 24 hours`; the original matched only the API names, so every GUI preset silently ran every 5 minutes.
 * Both spellings map to the same presets here; anything else is rejected.
 */
const PRESET_MINUTES = [5, 15, 30] as const;
const PRESET_HOURS = [1, 2, 4, 6, 12, 24] as const;

export const INTERVAL_PRESET_NAMES: readonly string[] = [
  ...PRESET_MINUTES.map((n) => `${n} minutes`),
  ...PRESET_HOURS.map((n) => `${n} ${n === 1 ? 'hour' : 'hours'}`),
];

const UNIT_WORDS: Record<string, IntervalUnit> = {
  m: 'minutes',
  min: 'minutes',
  mins: 'minutes',
  minute: 'minutes',
  minutes: 'minutes',
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  hour: 'hours',
  hours: 'hours',
};

const UNIT_MS: Record<IntervalUnit, number> = { minutes: MINUTE_MS, hours: HOUR_MS, days: DAY_MS };

export function intervalMs(value: number, unit: IntervalUnit): number {
  return value * UNIT_MS[unit];
}

/** Reads a preset name leniently (case, spaces, singular/plural); null when it is not one of the presets. */
export function parseIntervalPreset(preset: string): FixedInterval | null {
  const m = /^(\d+)([a-z]+)$/.exec(preset.toLowerCase().replace(/\s+/g, ''));
  if (!m) return null;
  const value = Number(m[1]);
  const unit = UNIT_WORDS[m[2]];
  const allowed: readonly number[] | undefined =
    unit === 'minutes' ? PRESET_MINUTES : unit === 'hours' ? PRESET_HOURS : undefined;
  if (!unit || !allowed?.includes(value)) return null;
  return { value, unit, ms: intervalMs(value, unit) };
}

/** Longest fixed interval accepted: beyond a year it is a date, not an interval, and the math leaves Date's range. */
export const MAX_INTERVAL_MS = 366 * DAY_MS;
