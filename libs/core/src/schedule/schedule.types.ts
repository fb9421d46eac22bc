import { OccurrenceKind } from '../model/enums';

/** Why a slot produces no run. The reason is the occurrence kind the scheduler records for it. */
export interface SlotSkip {
  reason: Extract<OccurrenceKind, 'skipped_invalid_date'>;
  /** The local date that was asked for and does not exist, e.g. "2025-02-31". */
  localDate: string;
  /** Human text for the occurrence record. */
  message: string;
}

/** One due time of a schedule. */
export interface ScheduleSlot {
  /**
   * The instant the slot is due. For a skipped slot (monthly day 31 in a 30-day month) it is the scheduled time of
   * day on the last day of that month, so skips sort among the fires.
   */
  at: Date;
  /** Wall-clock time of `at` in `timeZone`, "YYYY-MM-DDTHH:MM:SS". */
  local: string;
  /** The IANA zone the schedule was evaluated in. */
  timeZone: string;
  /**
   * Set when the wanted local time did not exist (DST spring-forward gap): that wall time, "YYYY-MM-DDTHH:MM:SS".
   * The slot fires at the first instant after the gap instead.
   */
  shiftedFrom?: string;
  /** Set when the slot produces no run. */
  skipped?: SlotSkip;
}

export interface NextFireOptions {
  /** Slots strictly after this instant are returned. */
  after: Date;
  /** How many firing (not skipped) slots to return. Skipped slots met on the way are returned as well. */
  count: number;
  /** The zone used when `schedule.timezone` is null: pass `machineTimeZone()` or a configured zone. */
  defaultTimezone: string;
  /**
   * Origin of the grid of fixed intervals (`interval` simple/custom): slots are `anchor + k × interval`.
   * Pass the task's `created_at` so the grid survives restarts and late runs (anchoring on the last fire would
   * drift by every run's lateness). Default: `after`, i.e. the first slot is one interval from now.
   * Ignored by calendar and cron schedules.
   */
  anchor?: Date;
}

export interface DueSlotsOptions {
  defaultTimezone: string;
  /** See {@link NextFireOptions.anchor}. Default: `from`. */
  anchor?: Date;
  /** Most slots returned (default {@link DEFAULT_DUE_SLOTS_LIMIT}). */
  limit?: number;
}

export interface DueSlots {
  /** Slots in (from, to], earliest first, at most `limit`, skipped ones included. */
  slots: ScheduleSlot[];
  /** True when more slots were due than `limit`: `slots` holds the earliest ones only. */
  capped: boolean;
  /**
   * The latest firing (not skipped) slot in (from, to], also when capped; null when none. What a "run once"
   * catch-up runs.
   */
  latestFire: ScheduleSlot | null;
}

/** One problem with a schedule field, for API 400 bodies. `field` is a key of ScheduleConfig. */
export interface ScheduleProblem {
  field: string;
  message: string;
}

export const DEFAULT_DUE_SLOTS_LIMIT = 1000;
/** Upper bound for `count` and `limit`: callers asking for more have a bug, not a schedule. */
export const MAX_SLOTS_PER_CALL = 100_000;
