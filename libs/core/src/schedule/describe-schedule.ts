import { IntervalUnit } from '../model/enums';
import { parseIntervalPreset } from './fixed-interval';
import { ScheduleInput, TimeOfDay, parseTimeOfDay } from './schedule-spec';

/**
 * One-line human text for a schedule, as the original GUI's task list shows it ("Daily at 09:00", "Every 5
 * minutes", "Cron: 0 9 * * 1-5"). Never throws: an invalid schedule is still described, with what is wrong.
 */

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const pad = (n: number): string => String(n).padStart(2, '0');
const SINGULAR: Record<IntervalUnit, string> = { minutes: 'minute', hours: 'hour', days: 'day' };

function timeText(raw: unknown): string {
  const t: TimeOfDay | null = parseTimeOfDay(raw);
  if (!t) return `${String(raw)} (invalid time)`;
  return `${pad(t.hour)}:${pad(t.minute)}${t.second ? `:${pad(t.second)}` : ''}`;
}

function every(value: number, unit: IntervalUnit): string {
  return value === 1 ? `Every ${SINGULAR[unit]}` : `Every ${value} ${unit}`;
}

function calendarText(s: ScheduleInput): string {
  const at = `at ${timeText(s.calendar_time)}`;
  switch (s.calendar_frequency) {
    case 'daily':
      return `Daily ${at}`;
    case 'weekly': {
      const days = s.calendar_days_of_week?.length ? [...new Set(s.calendar_days_of_week)].sort((a, b) => a - b) : [0];
      return `Weekly on ${days.map((d) => WEEKDAYS[d] ?? `day ${d}?`).join(', ')} ${at}`;
    }
    case 'monthly':
      return `Monthly on day ${s.calendar_day_of_month ?? 1} ${at}`;
    default:
      return `Calendar (no frequency) ${at}`;
  }
}

function intervalText(s: ScheduleInput): string {
  if (s.interval_type === 'cron') return `Cron: ${s.interval_cron ?? '(none)'}`;
  if (s.interval_type === 'simple') {
    const preset = s.interval_preset ? parseIntervalPreset(s.interval_preset) : null;
    return preset ? every(preset.value, preset.unit) : `Every ${s.interval_preset ?? '?'} (unknown preset)`;
  }
  return every(s.interval_value ?? 0, s.interval_unit ?? 'minutes');
}

function fileWatchText(s: ScheduleInput): string {
  const options = [s.watch_recursive === false ? 'top level only' : '', `debounce ${s.watch_debounce_seconds ?? 5} s`];
  return `On file change in ${s.watch_directory || '(no directory)'} (${options.filter(Boolean).join(', ')})`;
}

/** The zone matters only where a wall-clock time is involved: calendar and cron. */
function withZone(text: string, s: ScheduleInput): string {
  return s.timezone ? `${text} (${s.timezone})` : text;
}

export function describeSchedule(schedule: ScheduleInput): string {
  const s = schedule;
  switch (s.schedule_type ?? 'manual') {
    case 'manual':
      return 'Manual';
    case 'startup':
      return 'On startup';
    case 'sequential':
      return 'Sequential (runs in job order)';
    case 'file_watch':
      return fileWatchText(s);
    case 'calendar':
      return withZone(calendarText(s), s);
    case 'interval':
      return s.interval_type === 'cron' ? withZone(intervalText(s), s) : intervalText(s);
    default:
      return `Unknown schedule type ${String(s.schedule_type)}`;
  }
}
