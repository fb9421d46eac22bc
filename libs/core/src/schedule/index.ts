/**
 * Schedule math (pure): next fire times, due slots for catch-up, validation and display text for Task.schedule.
 */
export type {
  ScheduleSlot,
  SlotSkip,
  NextFireOptions,
  DueSlotsOptions,
  DueSlots,
  ScheduleProblem,
} from './schedule.types';
export { DEFAULT_DUE_SLOTS_LIMIT, MAX_SLOTS_PER_CALL } from './schedule.types';
export { nextFireTimes, nextFireTime, dueSlotsBetween, resolveTimeZone, hasTimeBasedFires } from './next-fire';
export type { ScheduleInput, ScheduleSpec, CalendarSpec, TimeOfDay } from './schedule-spec';
export { validateSchedule, compileSchedule, scheduleValidationError, parseTimeOfDay } from './schedule-spec';
export { describeSchedule } from './describe-schedule';
export type { ParsedCron } from './cron-expression';
export { parseCron, CRON_FIELD_NAMES } from './cron-expression';
export type { FixedInterval } from './fixed-interval';
export { INTERVAL_PRESET_NAMES, parseIntervalPreset, intervalMs } from './fixed-interval';
export type { LocalDateTime, ResolvedWallTime } from './zoned-time';
export {
  machineTimeZone,
  isValidTimeZone,
  assertTimeZone,
  instantToLocal,
  wallToInstant,
  possibleInstants,
  offsetAt,
} from './zoned-time';
