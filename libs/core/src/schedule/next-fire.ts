import { ValidationError } from '../errors';
import { WallSlot, calendarWalls } from './calendar-walls';
import { ParsedCron, cronWallTimes } from './cron-expression';
import { FixedInterval } from './fixed-interval';
import { ScheduleInput, ScheduleSpec, compileSchedule } from './schedule-spec';
import {
  DEFAULT_DUE_SLOTS_LIMIT,
  DueSlots,
  DueSlotsOptions,
  MAX_SLOTS_PER_CALL,
  NextFireOptions,
  ScheduleSlot,
} from './schedule.types';
import {
  DAY_MS,
  HOUR_MS,
  assertTimeZone,
  formatWall,
  instantToWall,
  offsetAt,
  possibleInstants,
  wallToInstant,
} from './zoned-time';

/**
 * Next-fire math: pure functions of (after, schedule, zone). Nothing here reads the clock; the scheduler passes
 * `after` (usually now) and decides what to do with each slot (overlap and catch-up policies live there).
 *
 * DST rules, per kind:
 * - calendar, and cron at fixed times (minute and hour fields not starting with `*`): wall-clock semantics. A
 *   local time that does not exist fires once at the first instant after the gap; a repeated local time fires
 *   once, at its first occurrence.
 * - cron with `*` at the start of the minute or hour field (every 15 minutes, hourly, …): elapsed-time
 *   semantics, as in Vixie cron. Every instant whose local time matches fires, so such a job keeps its rhythm
 *   through transitions: nothing in a skipped hour, both copies of a repeated hour.
 * - fixed intervals: elapsed time on the anchored grid `anchor + k × interval`; zones do not matter.
 */

type Slots = Generator<ScheduleSlot, void, undefined>;

const slotAt = (at: number, timeZone: string, wall = instantToWall(at, timeZone)): ScheduleSlot => ({
  at: new Date(at),
  local: formatWall(wall),
  timeZone,
});

function* intervalSlots(interval: FixedInterval, after: number, anchor: number, timeZone: string): Slots {
  for (let k = Math.floor((after - anchor) / interval.ms) + 1; ; k++) {
    yield slotAt(anchor + k * interval.ms, timeZone);
  }
}

/** Places wall-clock slots with wall-clock semantics (see above). Slots of one gap collapse into one fire. */
function* wallClockSlots(walls: Iterable<WallSlot>, after: number, timeZone: string): Slots {
  let lastFire = Number.NEGATIVE_INFINITY;
  for (const w of walls) {
    const { at, kind } = wallToInstant(w.wall, timeZone);
    if (at <= after || (at === lastFire && !w.skipped)) continue;
    if (w.skipped) {
      yield { ...slotAt(at, timeZone), skipped: w.skipped };
      continue;
    }
    lastFire = at;
    yield kind === 'gap' ? { ...slotAt(at, timeZone), shiftedFrom: formatWall(w.wall) } : slotAt(at, timeZone, w.wall);
  }
}

/**
 * Places wall-clock matches with elapsed-time semantics (see above). In a fall-back overlap, walls ascend but the
 * second copies of the repeated hour come after every first copy; they wait in a queue until a later instant
 * comes up.
 */
function* elapsedSlots(walls: Iterable<number>, after: number, timeZone: string): Slots {
  const secondCopies: ScheduleSlot[] = [];
  for (const wall of walls) {
    const [first, second] = possibleInstants(wall, timeZone);
    if (second !== undefined && second > after) secondCopies.push(slotAt(second, timeZone, wall));
    if (first === undefined || first <= after) continue;
    while (secondCopies.length > 0 && secondCopies[0].at.getTime() < first) yield secondCopies.shift() as ScheduleSlot;
    yield slotAt(first, timeZone, wall);
  }
}

function cronSlots(cron: ParsedCron, after: number, timeZone: string): Slots {
  const wall = instantToWall(after, timeZone);
  if (!cron.followsElapsedTime) {
    return wallClockSlots(
      (function* () {
        for (const w of cronWallTimes(cron, wall)) yield { wall: w };
      })(),
      after,
      timeZone,
    );
  }
  // If a fall-back transition is just ahead, the second copy of the repeated hour has walls below wall(after).
  const overlapAhead = Math.max(0, offsetAt(after, timeZone) - offsetAt(after + DAY_MS, timeZone));
  return elapsedSlots(cronWallTimes(cron, wall - overlapAhead - 1000), after, timeZone);
}

function slotsAfter(spec: ScheduleSpec, after: number, timeZone: string, anchor: number): Slots | [] {
  switch (spec.kind) {
    case 'none':
      return [];
    case 'interval':
      return intervalSlots(spec.interval, after, anchor, timeZone);
    case 'cron':
      return cronSlots(spec.cron, after, timeZone);
    case 'calendar':
      return wallClockSlots(calendarWalls(spec.calendar, instantToWall(after, timeZone)), after, timeZone);
  }
}

function instant(d: unknown, name: string): number {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new ValidationError(`${name} must be a valid Date`);
  return d.getTime();
}

function slotCount(n: unknown, name: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SLOTS_PER_CALL) {
    throw new ValidationError(`${name} must be a whole number from 0 to ${MAX_SLOTS_PER_CALL}`);
  }
  return n;
}

/** The zone a schedule is evaluated in: its own `timezone`, else `defaultTimezone`. Throws if invalid. */
export function resolveTimeZone(schedule: ScheduleInput, defaultTimezone: string): string {
  return schedule.timezone
    ? assertTimeZone(schedule.timezone, 'schedule.timezone')
    : assertTimeZone(defaultTimezone, 'defaultTimezone');
}

/**
 * True for the kinds that fire by the clock (interval, calendar). manual, sequential and file_watch never do;
 * startup fires once per coordinator start, which the scheduler handles itself.
 */
export function hasTimeBasedFires(schedule: ScheduleInput): boolean {
  return schedule.schedule_type === 'interval' || schedule.schedule_type === 'calendar';
}

/**
 * The next slots strictly after `opts.after`: `opts.count` firing slots, plus any skipped slots (monthly day
 * that does not exist) met before the last of them. Empty for kinds that do not fire by the clock (their other
 * fields are not checked here; use validateSchedule). Throws ValidationError for an invalid interval or calendar
 * schedule, zone or option.
 */
export function nextFireTimes(schedule: ScheduleInput, opts: NextFireOptions): ScheduleSlot[] {
  const after = instant(opts.after, 'after');
  const count = slotCount(opts.count, 'count');
  if (!hasTimeBasedFires(schedule) || count === 0) return [];
  const spec = compileSchedule(schedule);
  if (spec.kind === 'none') return [];
  const timeZone = resolveTimeZone(schedule, opts.defaultTimezone);
  const anchor = opts.anchor === undefined ? after : instant(opts.anchor, 'anchor');
  const out: ScheduleSlot[] = [];
  let fires = 0;
  for (const slot of slotsAfter(spec, after, timeZone, anchor)) {
    out.push(slot);
    if (!slot.skipped && ++fires === count) break;
  }
  return out;
}

/** The first firing instant strictly after `opts.after`, or null for kinds that do not fire by the clock. */
export function nextFireTime(schedule: ScheduleInput, opts: Omit<NextFireOptions, 'count'>): Date | null {
  const slots = nextFireTimes(schedule, { ...opts, count: 1 });
  return slots.find((s) => !s.skipped)?.at ?? null;
}

/** Latest firing slot in (from, to], searching back from `to` over a doubling span. */
function latestFire(
  spec: ScheduleSpec,
  from: number,
  to: number,
  timeZone: string,
  anchor: number,
): ScheduleSlot | null {
  for (let span = HOUR_MS; ; span *= 2) {
    const start = Math.max(from, to - span);
    let latest: ScheduleSlot | null = null;
    for (const slot of slotsAfter(spec, start, timeZone, anchor)) {
      if (slot.at.getTime() > to) break;
      if (!slot.skipped) latest = slot;
    }
    if (latest || start === from) return latest;
  }
}

/**
 * Every slot in (from, to], earliest first, capped at `opts.limit`; for catch-up after downtime. Skipped slots are
 * included so each can be recorded. `latestFire` is what a "run once" catch-up runs, also when capped.
 */
export function dueSlotsBetween(schedule: ScheduleInput, from: Date, to: Date, opts: DueSlotsOptions): DueSlots {
  const [fromMs, toMs] = [instant(from, 'from'), instant(to, 'to')];
  const limit = slotCount(opts.limit ?? DEFAULT_DUE_SLOTS_LIMIT, 'limit');
  if (!hasTimeBasedFires(schedule) || toMs <= fromMs) return { slots: [], capped: false, latestFire: null };
  const spec = compileSchedule(schedule);
  if (spec.kind === 'none') return { slots: [], capped: false, latestFire: null };
  const timeZone = resolveTimeZone(schedule, opts.defaultTimezone);
  const anchor = opts.anchor === undefined ? fromMs : instant(opts.anchor, 'anchor');
  const slots: ScheduleSlot[] = [];
  for (const slot of slotsAfter(spec, fromMs, timeZone, anchor)) {
    if (slot.at.getTime() > toMs) break;
    if (slots.length === limit) {
      return { slots, capped: true, latestFire: latestFire(spec, fromMs, toMs, timeZone, anchor) };
    }
    slots.push(slot);
  }
  const fires = slots.filter((s) => !s.skipped);
  return { slots, capped: false, latestFire: fires[fires.length - 1] ?? null };
}
