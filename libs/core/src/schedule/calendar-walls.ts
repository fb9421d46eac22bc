import { CalendarSpec, TimeOfDay } from './schedule-spec';
import { SlotSkip } from './schedule.types';
import { DAY_MS, daysInMonth, formatWallDate, localToWall, wallToLocal } from './zoned-time';

/** A wanted wall-clock time (see zoned-time.ts), or a wanted date that does not exist. */
export interface WallSlot {
  wall: number;
  skipped?: SlotSkip;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const timeMs = (t: TimeOfDay): number => ((t.hour * 60 + t.minute) * 60 + t.second) * 1000;

/** 0 = Monday … 6 = Sunday, the numbering of calendar_days_of_week (cron counts from Sunday). */
const mondayBasedWeekday = (dayStartWall: number): number => (new Date(dayStartWall).getUTCDay() + 6) % 7;

/** Daily and weekly slots strictly after `afterWall`, endless. */
function* dailyWalls(spec: CalendarSpec, afterWall: number): Generator<WallSlot> {
  const onDay = (dayStart: number): boolean =>
    spec.frequency === 'daily' || spec.daysOfWeek.includes(mondayBasedWeekday(dayStart));
  for (let dayStart = Math.floor(afterWall / DAY_MS) * DAY_MS; ; dayStart += DAY_MS) {
    const wall = dayStart + timeMs(spec.time);
    if (wall > afterWall && onDay(dayStart)) yield { wall };
  }
}

/**
 * Monthly slots strictly after `afterWall`, endless. A month without the wanted day (31 in April, 29–31 in
 * February) yields a skipped slot placed at the wanted time on the month's last day, so the scheduler can record
 * why nothing ran that month instead of silently running on another day.
 */
function* monthlyWalls(spec: CalendarSpec, afterWall: number): Generator<WallSlot> {
  const start = wallToLocal(afterWall);
  for (let i = 0; ; i++) {
    const year = start.year + Math.floor((start.month - 1 + i) / 12);
    const month = ((start.month - 1 + i) % 12) + 1;
    const last = daysInMonth(year, month);
    const day = Math.min(spec.dayOfMonth, last);
    const wall = localToWall({ year, month, day, ...spec.time });
    if (wall <= afterWall) continue;
    if (spec.dayOfMonth <= last) {
      yield { wall };
      continue;
    }
    const localDate = `${formatWallDate(wall).slice(0, 8)}${String(spec.dayOfMonth).padStart(2, '0')}`;
    const message = `${localDate} does not exist (${MONTH_NAMES[month - 1]} ${year} has ${last} days); no run this month`;
    yield { wall, skipped: { reason: 'skipped_invalid_date', localDate, message } };
  }
}

/** The wall-clock slots of a calendar schedule strictly after `afterWall`, ascending, endless. */
export function calendarWalls(spec: CalendarSpec, afterWall: number): Generator<WallSlot> {
  return spec.frequency === 'monthly' ? monthlyWalls(spec, afterWall) : dailyWalls(spec, afterWall);
}
