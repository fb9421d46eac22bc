import { randomUUID } from 'node:crypto';
import {
  CALENDAR_FREQUENCIES,
  CATCHUP_POLICIES,
  CalendarFrequency,
  CatchupPolicy,
  INTERVAL_TYPES,
  INTERVAL_UNITS,
  IntervalType,
  IntervalUnit,
  OVERLAP_POLICIES,
  OverlapPolicy,
  PERMISSIONS,
  PROMPT_TYPES,
  Permission,
  PromptType,
  RUN_STATUSES,
  RunStatus,
  SCHEDULE_TYPES,
  SESSION_MODES,
  ScheduleType,
  SessionMode,
} from './enums';
import {
  Json,
  asObject,
  bool,
  num,
  numList,
  nowIso,
  oneOf,
  optNum,
  optOneOf,
  optStr,
  str,
  strList,
  timestamp,
} from './read';

/**
 * When a task runs. Flat, as the original stores it under `schedule`; only the fields of `schedule_type` matter.
 */
export interface ScheduleConfig {
  schedule_type: ScheduleType;
  /** IANA zone. null = the machine's zone. The original's default "Europe/Amsterdam" in imported data is kept. */
  timezone: string | null;
  // calendar
  calendar_frequency: CalendarFrequency | null;
  /** "HH:MM" or "HH:MM:SS" */
  calendar_time: string | null;
  /** 0 = Monday … 6 = Sunday, as the original stores them. */
  calendar_days_of_week: number[];
  calendar_day_of_month: number | null;
  // interval
  interval_type: IntervalType | null;
  /** GUI names (`5min`, `1hour`, …) or API names (`5 minutes`, `1 hour`, …). */
  interval_preset: string | null;
  interval_value: number | null;
  interval_unit: IntervalUnit | null;
  /** 5-field crontab, day-of-week 0 and 7 = Sunday. */
  interval_cron: string | null;
  // file watch
  watch_directory: string | null;
  watch_recursive: boolean;
  watch_debounce_seconds: number;
  // sequential (job runs)
  seq_max_retries: number;
  seq_retry_delay_seconds: number;
  /** null = settings.default_overlap_policy (new). */
  overlap_policy: OverlapPolicy | null;
  /** null = settings.default_catchup_policy (new). */
  catchup_policy: CatchupPolicy | null;
  /** null = settings.catchup_window_hours (new). */
  catchup_window_hours: number | null;
  [extra: string]: unknown;
}

export interface RetryConfig {
  enabled: boolean;
  /** Attempts after the first one. */
  max_attempts: number;
  delay_seconds: number;
  backoff_multiplier: number;
  [extra: string]: unknown;
}

export interface NotificationConfig {
  on_start: boolean;
  on_end: boolean;
  on_failure: boolean;
  [extra: string]: unknown;
}

export interface Task {
  id: string;
  job_id: string | null;
  name: string;
  enabled: boolean;
  model: string;
  profile: string | null;
  prompt_type: PromptType;
  prompt: string;
  permissions: Permission;
  session_mode: SessionMode;
  last_session_id: string | null;
  last_run_status: RunStatus | null;
  allowed_tools: string[];
  disallowed_tools: string[];
  schedule: ScheduleConfig;
  retry: RetryConfig;
  notifications: NotificationConfig;
  commit_on_success: boolean;
  /** Per-run timeout; null = settings.default_timeout_seconds (new). */
  timeout_seconds: number | null;
  /** `--max-turns` (new). */
  max_turns: number | null;
  /** `--max-budget-usd` (new). */
  max_budget_usd: number | null;
  /** `--append-system-prompt` (new). */
  append_system_prompt: string | null;
  created_at: string;
  updated_at: string;
  [extra: string]: unknown;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  schedule_type: 'manual',
  timezone: null,
  calendar_frequency: null,
  calendar_time: null,
  calendar_days_of_week: [],
  calendar_day_of_month: null,
  interval_type: null,
  interval_preset: null,
  interval_value: null,
  interval_unit: null,
  interval_cron: null,
  watch_directory: null,
  watch_recursive: true,
  watch_debounce_seconds: 5,
  seq_max_retries: 0,
  seq_retry_delay_seconds: 60,
  overlap_policy: null,
  catchup_policy: null,
  catchup_window_hours: null,
};

export const DEFAULT_RETRY: RetryConfig = { enabled: false, max_attempts: 3, delay_seconds: 60, backoff_multiplier: 2 };
export const DEFAULT_NOTIFICATIONS: NotificationConfig = { on_start: false, on_end: true, on_failure: true };

export function normalizeSchedule(raw: unknown, path: string): ScheduleConfig {
  if (raw === undefined || raw === null) return { ...DEFAULT_SCHEDULE, calendar_days_of_week: [] };
  const o = asObject(raw, path);
  return {
    ...o,
    schedule_type: oneOf(o, 'schedule_type', path, SCHEDULE_TYPES, 'manual'),
    timezone: optStr(o, 'timezone', path),
    calendar_frequency: optOneOf(o, 'calendar_frequency', path, CALENDAR_FREQUENCIES),
    calendar_time: optStr(o, 'calendar_time', path),
    calendar_days_of_week: numList(o, 'calendar_days_of_week', path, []),
    calendar_day_of_month: optNum(o, 'calendar_day_of_month', path),
    interval_type: optOneOf(o, 'interval_type', path, INTERVAL_TYPES),
    interval_preset: optStr(o, 'interval_preset', path),
    interval_value: optNum(o, 'interval_value', path),
    interval_unit: optOneOf(o, 'interval_unit', path, INTERVAL_UNITS),
    interval_cron: optStr(o, 'interval_cron', path),
    watch_directory: optStr(o, 'watch_directory', path),
    watch_recursive: bool(o, 'watch_recursive', path, true),
    watch_debounce_seconds: num(o, 'watch_debounce_seconds', path, 5),
    seq_max_retries: num(o, 'seq_max_retries', path, 0),
    seq_retry_delay_seconds: num(o, 'seq_retry_delay_seconds', path, 60),
    overlap_policy: optOneOf(o, 'overlap_policy', path, OVERLAP_POLICIES),
    catchup_policy: optOneOf(o, 'catchup_policy', path, CATCHUP_POLICIES),
    catchup_window_hours: optNum(o, 'catchup_window_hours', path),
  };
}

export function normalizeRetry(raw: unknown, path: string): RetryConfig {
  if (raw === undefined || raw === null) return { ...DEFAULT_RETRY };
  const o = asObject(raw, path);
  return {
    ...o,
    enabled: bool(o, 'enabled', path, DEFAULT_RETRY.enabled),
    max_attempts: num(o, 'max_attempts', path, DEFAULT_RETRY.max_attempts),
    delay_seconds: num(o, 'delay_seconds', path, DEFAULT_RETRY.delay_seconds),
    backoff_multiplier: num(o, 'backoff_multiplier', path, DEFAULT_RETRY.backoff_multiplier),
  };
}

export function normalizeNotifications(raw: unknown, path: string): NotificationConfig {
  if (raw === undefined || raw === null) return { ...DEFAULT_NOTIFICATIONS };
  const o = asObject(raw, path);
  return {
    ...o,
    on_start: bool(o, 'on_start', path, DEFAULT_NOTIFICATIONS.on_start),
    on_end: bool(o, 'on_end', path, DEFAULT_NOTIFICATIONS.on_end),
    on_failure: bool(o, 'on_failure', path, DEFAULT_NOTIFICATIONS.on_failure),
  };
}

/**
 * The original GUI saved `prompt_type: "command"` for slash commands; its model said `slash_command`.
 */
function promptType(o: Json, path: string): PromptType {
  const raw = o['prompt_type'] ?? o['command_type'];
  if (raw === 'command') return 'slash_command';
  return oneOf({ prompt_type: raw }, 'prompt_type', path, PROMPT_TYPES, 'prompt');
}

/**
 * Reads a task as stored by this edition or by the Python original. Legacy aliases `command` (→ prompt) and
 * `command_type` (→ prompt_type) are accepted and dropped; every other unknown field is kept as is.
 * Defaults for missing fields are the original's reading defaults (e.g. permissions "bypass",
 * commit_on_success true), because data without those fields was written by the original. New tasks created
 * through the API get the safe defaults of `newTaskDefaults` instead.
 */
export function normalizeTask(raw: unknown, path = 'task', now = nowIso()): Task {
  const o = asObject(raw, path);
  const { command: _legacyPrompt, command_type: _legacyType, ...rest } = o;
  void _legacyType;
  const prompt = typeof o['prompt'] === 'string' ? o['prompt'] : typeof _legacyPrompt === 'string' ? _legacyPrompt : '';
  return {
    ...rest,
    id: str(o, 'id', path, '') || randomUUID(),
    job_id: optStr(o, 'job_id', path),
    name: str(o, 'name', path, 'Untitled Task'),
    enabled: bool(o, 'enabled', path, true),
    model: str(o, 'model', path, 'sonnet'),
    profile: optStr(o, 'profile', path),
    prompt_type: promptType(o, path),
    prompt,
    permissions: oneOf(o, 'permissions', path, PERMISSIONS, 'bypass'),
    session_mode: oneOf(o, 'session_mode', path, SESSION_MODES, 'new'),
    last_session_id: optStr(o, 'last_session_id', path),
    last_run_status: optOneOf(o, 'last_run_status', path, RUN_STATUSES),
    allowed_tools: strList(o, 'allowed_tools', path),
    disallowed_tools: strList(o, 'disallowed_tools', path),
    schedule: normalizeSchedule(o['schedule'], `${path}.schedule`),
    retry: normalizeRetry(o['retry'], `${path}.retry`),
    notifications: normalizeNotifications(o['notifications'], `${path}.notifications`),
    commit_on_success: bool(o, 'commit_on_success', path, true),
    timeout_seconds: optNum(o, 'timeout_seconds', path),
    max_turns: optNum(o, 'max_turns', path),
    max_budget_usd: optNum(o, 'max_budget_usd', path),
    append_system_prompt: optStr(o, 'append_system_prompt', path),
    created_at: timestamp(o, 'created_at', path, now),
    updated_at: timestamp(o, 'updated_at', path, now),
  };
}

/**
 * Defaults for a task created in this edition: safer than the original's (no bypass permissions, no automatic
 * commit) — see original-behaviour.md §13 "dangerous defaults".
 */
export const NEW_TASK_DEFAULTS = {
  permissions: 'default' as Permission,
  commit_on_success: false,
  enabled: true,
  model: 'sonnet',
};
