/**
 * The schedule editor's pure helpers: labels, and the preview of the next fire times computed in the browser with
 * libs/core's schedule math (the same functions the scheduler runs), so unsaved edits preview exactly.
 */
import {
  INTERVAL_PRESET_NAMES,
  describeSchedule,
  hasTimeBasedFires,
  nextFireTimes,
  validateSchedule,
  type ScheduleProblem,
} from '@core/schedule';
import type { ScheduleConfig, ScheduleType, FireTime } from './types';

export const SCHEDULE_KINDS: { type: ScheduleType; label: string; hint: string }[] = [
  { type: 'manual', label: 'Manual', hint: 'Runs only when you start it.' },
  { type: 'startup', label: 'Startup', hint: 'Runs once each time the scheduler starts.' },
  { type: 'calendar', label: 'Calendar', hint: 'Daily, weekly or monthly at a time of day.' },
  { type: 'interval', label: 'Interval', hint: 'Every few minutes or hours, or a cron expression.' },
  { type: 'file_watch', label: 'File watch', hint: 'Runs when files change in a directory.' },
  { type: 'sequential', label: 'Sequential', hint: "Runs in its job's order when the job runs." },
];

export const INTERVAL_PRESETS: readonly string[] = INTERVAL_PRESET_NAMES;
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const OVERLAP_LABELS: Record<string, string> = {
  skip: 'Skip the new run',
  queue_one: 'Queue one run',
  allow: 'Run in parallel',
  replace: 'Stop the old run, start the new',
};
export const CATCHUP_LABELS: Record<string, string> = {
  skip: 'Skip missed runs',
  run_once: 'Run once for all missed',
  run_all: 'Run every missed slot',
};

export interface SchedulePreview {
  description: string;
  /** Problems keyed by `schedule.<field>`. */
  problems: Record<string, string>;
  fires: FireTime[];
  /** Why there are no fire times (manual, startup, …), or null. */
  note: string | null;
}

export interface PreviewOptions {
  now?: Date;
  defaultTimezone: string;
  /** Origin of fixed-interval grids: the task's created_at (the scheduler uses the same). */
  anchor?: Date;
  count?: number;
}

const NOTES: Partial<Record<ScheduleType, string>> = {
  manual: 'Runs only when started by hand (or through the API).',
  startup: 'Runs once when the scheduler starts.',
  file_watch: 'Runs when a file changes; no fixed times.',
  sequential: 'Runs when its job runs, in the job’s task order.',
};

export function previewSchedule(schedule: ScheduleConfig, o: PreviewOptions): SchedulePreview {
  const description = describeSchedule(schedule);
  let list: ScheduleProblem[];
  try {
    list = validateSchedule(schedule);
  } catch (err) {
    list = [{ field: 'schedule_type', message: err instanceof Error ? err.message : String(err) }];
  }
  const problems: Record<string, string> = {};
  for (const p of list) if (!(`schedule.${p.field}` in problems)) problems[`schedule.${p.field}`] = p.message;
  if (list.length > 0) return { description, problems, fires: [], note: null };
  if (!hasTimeBasedFires(schedule)) {
    return { description, problems, fires: [], note: NOTES[schedule.schedule_type] ?? null };
  }
  try {
    const now = o.now ?? new Date();
    const fires = nextFireTimes(schedule, {
      after: now,
      count: o.count ?? 5,
      defaultTimezone: o.defaultTimezone,
      anchor: o.anchor,
    }).map((s) => ({
      at: s.at.toISOString(),
      local: s.local,
      time_zone: s.timeZone,
      skipped: s.skipped?.message ?? null,
    }));
    return { description, problems, fires, note: fires.length ? null : 'No future fire times.' };
  } catch (err) {
    return {
      description,
      problems: { 'schedule.schedule_type': err instanceof Error ? err.message : String(err) },
      fires: [],
      note: null,
    };
  }
}

/** Only the keys the API knows: stored schedules may carry extra fields from other versions. */
export const SCHEDULE_FIELDS: (keyof ScheduleConfig)[] = [
  'schedule_type',
  'timezone',
  'calendar_frequency',
  'calendar_time',
  'calendar_days_of_week',
  'calendar_day_of_month',
  'interval_type',
  'interval_preset',
  'interval_value',
  'interval_unit',
  'interval_cron',
  'watch_directory',
  'watch_recursive',
  'watch_debounce_seconds',
  'seq_max_retries',
  'seq_retry_delay_seconds',
  'overlap_policy',
  'catchup_policy',
  'catchup_window_hours',
];

export function scheduleBody(s: ScheduleConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SCHEDULE_FIELDS) out[k] = s[k];
  return out;
}

/**
 * What switching the kind fills in, so a fresh Calendar or Interval schedule is valid at once (09:00 daily, every
 * hour) instead of greeting the user with errors.
 */
export function withScheduleType(s: ScheduleConfig, type: ScheduleType): ScheduleConfig {
  const next: ScheduleConfig = { ...s, schedule_type: type };
  if (type === 'calendar') {
    next.calendar_frequency ??= 'daily';
    next.calendar_time ??= '09:00';
  }
  if (type === 'interval') {
    next.interval_type ??= 'simple';
    if (next.interval_type === 'simple') next.interval_preset ??= '1 hour';
  }
  return next;
}
