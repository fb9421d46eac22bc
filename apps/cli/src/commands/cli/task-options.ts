import {
  CALENDAR_FREQUENCIES,
  CATCHUP_POLICIES,
  INTERVAL_UNITS,
  OVERLAP_POLICIES,
  PERMISSIONS,
  PROMPT_TYPES,
  SCHEDULE_TYPES,
  SESSION_MODES,
  ValidationError,
} from '@ccs/core';
import type { OptionSpec } from './option-spec';
import { commaList, daysOfWeek, decimal, isNoneWord, nonBlank, orNone, timeOfDay, wholeNumber } from './option-parsers';

/**
 * `cli tasks create|update` options: one per task field (the API's names in the descriptions), converted to a
 * request body by `taskBodyFromOptions`. Value ranges mirror the API's DTOs so most mistakes are usage errors
 * before any request; the server still validates everything.
 */
export const TASK_OPTIONS: readonly OptionSpec[] = [
  { flags: '--name <name>', description: 'display name', parse: nonBlank },
  { flags: '--prompt <text>', description: 'the prompt, or a slash command such as "/review-pr 12"', parse: nonBlank },
  { flags: '--command <text>', description: "same as --prompt (the original CLI's name)", parse: nonBlank },
  { flags: '--prompt-type <type>', description: 'how --prompt is meant', choices: PROMPT_TYPES },
  { flags: '--model <model>', description: 'Claude model, e.g. sonnet, opus, claude-sonnet-4-5', parse: nonBlank },
  {
    flags: '--profile <profile>',
    description: 'profile id, id prefix or name whose environment the run gets; "none" clears',
  },
  { flags: '--job <job>', description: 'job id, id prefix or name the task belongs to; "none" detaches it' },
  { flags: '--permissions <mode>', description: 'Claude permission mode (one value)', choices: PERMISSIONS },
  {
    flags: '--session-mode <mode>',
    description: 'new session, reuse the last one, or fork it',
    choices: SESSION_MODES,
  },
  {
    flags: '--allowed-tools <tools>',
    description: 'tools allowed without asking, comma-separated ("" clears)',
    parse: commaList,
  },
  {
    flags: '--disallowed-tools <tools>',
    description: 'tools the run may not use, comma-separated ("" clears)',
    parse: commaList,
  },
  { flags: '--enabled', description: 'let the schedule trigger the task' },
  { flags: '--disabled', description: 'never trigger the task from its schedule' },
  { flags: '--commit-on-success', description: 'git commit the working directory after a successful run' },
  { flags: '--no-commit-on-success', description: 'do not commit after a run' },
  {
    flags: '--timeout <seconds>',
    description: 'run timeout; "default" = the settings\' default',
    parse: orNone(wholeNumber(1, 604_800)),
  },
  {
    flags: '--max-turns <count>',
    description: 'Claude --max-turns; "none" = no limit',
    parse: orNone(wholeNumber(1, 10_000)),
  },
  {
    flags: '--max-budget-usd <usd>',
    description: 'Claude --max-budget-usd; "none" = no limit',
    parse: orNone(decimal(0, 1_000_000, { exclusiveMin: true })),
  },
  { flags: '--append-system-prompt <text>', description: 'Claude --append-system-prompt ("" clears)' },
  // schedule
  { flags: '--schedule <type>', description: 'what triggers the task', choices: SCHEDULE_TYPES },
  {
    flags: '--calendar-frequency <frequency>',
    description: 'calendar schedules: how often',
    choices: CALENDAR_FREQUENCIES,
  },
  { flags: '--calendar-time <HH:MM>', description: 'calendar schedules: time of day', parse: timeOfDay },
  {
    flags: '--days <days>',
    description: 'weekly calendar: mon,wed,fri | mon-fri | weekdays | 0,2,4 (0 = Monday)',
    parse: daysOfWeek,
  },
  { flags: '--day-of-month <day>', description: 'monthly calendar: day 1-31', parse: wholeNumber(1, 31) },
  {
    flags: '--interval-preset <preset>',
    description: 'interval schedules: a preset such as 5min, 1hour, 15 minutes',
    parse: nonBlank,
  },
  {
    flags: '--interval-value <count>',
    description: 'custom interval: number of units',
    parse: wholeNumber(1, 1_000_000),
  },
  { flags: '--interval-unit <unit>', description: 'custom interval: the unit', choices: INTERVAL_UNITS },
  {
    flags: '--cron <expression>',
    description: 'cron interval: 5 fields, e.g. "0 9 * * 1-5" (0 and 7 = Sunday)',
    parse: nonBlank,
  },
  {
    flags: '--timezone <zone>',
    description: 'IANA zone for calendar and cron schedules; "default" = the scheduler\'s',
  },
  { flags: '--watch-dir <dir>', description: 'file-watch schedules: directory to watch', parse: nonBlank },
  { flags: '--watch-recursive', description: 'file watch includes subdirectories (default)' },
  { flags: '--no-watch-recursive', description: 'file watch ignores subdirectories' },
  { flags: '--debounce <seconds>', description: 'file watch: quiet period before a run', parse: decimal(0, 3600) },
  {
    flags: '--overlap <policy>',
    description: 'due while a run is active ("default" = settings)',
    choices: [...OVERLAP_POLICIES, 'default'],
  },
  {
    flags: '--catchup <policy>',
    description: 'slots missed while down ("default" = settings)',
    choices: [...CATCHUP_POLICIES, 'default'],
  },
  {
    flags: '--catchup-window-hours <hours>',
    description: 'how far back to catch up; "default" = settings',
    parse: orNone(decimal(0, 8760, { exclusiveMin: true })),
  },
  // retries
  { flags: '--retry', description: 'retry failed runs automatically' },
  { flags: '--no-retry', description: 'do not retry failed runs' },
  {
    flags: '--retry-attempts <count>',
    description: 'retries after the first attempt (0-10)',
    parse: wholeNumber(0, 10),
  },
  { flags: '--retry-delay <seconds>', description: 'delay before the first retry', parse: decimal(0, 86_400) },
  {
    flags: '--retry-backoff <multiplier>',
    description: 'each further retry waits this many times longer (1-10)',
    parse: decimal(1, 10),
  },
  {
    flags: '--seq-retries <count>',
    description: 'in a job run: retries of this task before the job fails (0-10)',
    parse: wholeNumber(0, 10),
  },
  {
    flags: '--seq-retry-delay <seconds>',
    description: 'in a job run: seconds between those retries',
    parse: decimal(0, 86_400),
  },
  // notifications
  { flags: '--notify-start', description: 'notify when a run starts' },
  { flags: '--no-notify-start', description: 'no notification when a run starts' },
  { flags: '--notify-end', description: 'notify when a run ends' },
  { flags: '--no-notify-end', description: 'no notification when a run ends' },
  { flags: '--notify-failure', description: 'notify when a run fails' },
  { flags: '--no-notify-failure', description: 'no notification when a run fails' },
];

/** What commander hands over for TASK_OPTIONS (attribute names), after each option's own conversion. */
export interface TaskOptionValues {
  name?: string;
  prompt?: string;
  command?: string;
  promptType?: string;
  model?: string;
  profile?: string;
  job?: string;
  permissions?: string;
  sessionMode?: string;
  allowedTools?: string[];
  disallowedTools?: string[];
  enabled?: boolean;
  disabled?: boolean;
  commitOnSuccess?: boolean;
  timeout?: number | null;
  maxTurns?: number | null;
  maxBudgetUsd?: number | null;
  appendSystemPrompt?: string;
  schedule?: string;
  calendarFrequency?: string;
  calendarTime?: string;
  days?: number[];
  dayOfMonth?: number;
  intervalPreset?: string;
  intervalValue?: number;
  intervalUnit?: string;
  cron?: string;
  timezone?: string;
  watchDir?: string;
  watchRecursive?: boolean;
  debounce?: number;
  overlap?: string;
  catchup?: string;
  catchupWindowHours?: number | null;
  retry?: boolean;
  retryAttempts?: number;
  retryDelay?: number;
  retryBackoff?: number;
  seqRetries?: number;
  seqRetryDelay?: number;
  notifyStart?: boolean;
  notifyEnd?: boolean;
  notifyFailure?: boolean;
}

/**
 * A task request body: the API's field names; `profile` and `job_id` still hold what the user typed (an id, a
 * prefix or a name; null = clear) until the command resolves names to ids.
 */
export type TaskBody = Record<string, unknown> & {
  schedule?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  notifications?: Record<string, unknown>;
};

function usage(message: string): ValidationError {
  return new ValidationError(message);
}

function set(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

const nullIfNone = (v: string | undefined): string | null | undefined =>
  v === undefined ? undefined : isNoneWord(v) ? null : v;
const nullIfEmpty = (v: string | undefined): string | null | undefined =>
  v === undefined ? undefined : v === '' ? null : v;

/**
 * The schedule type the other schedule options imply, so `--cron "0 9 * * *"` alone means an interval schedule.
 * Options of two different types, or of a type other than the one `--schedule` names, are a usage error.
 */
function impliedScheduleType(o: TaskOptionValues): string | undefined {
  const groups: [string, string[]][] = [
    ['calendar', ['calendarFrequency', 'calendarTime', 'days', 'dayOfMonth']],
    ['interval', ['intervalPreset', 'intervalValue', 'intervalUnit', 'cron']],
    ['file_watch', ['watchDir', 'watchRecursive', 'debounce']],
  ];
  const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const used = groups
    .map(([type, keys]) => [type, keys.filter((k) => o[k as keyof TaskOptionValues] !== undefined)] as const)
    .filter(([, keys]) => keys.length > 0);
  if (used.length > 1) {
    throw usage(
      `${used.map(([, k]) => flag(k[0])).join(' and ')} belong to different schedule types; use one type's options`,
    );
  }
  const [found] = used;
  if (!found) return undefined;
  if (o.schedule !== undefined && o.schedule !== found[0]) {
    throw usage(`${flag(found[1][0])} is an option of ${found[0]} schedules, but --schedule is ${o.schedule}`);
  }
  return found[0];
}

/** `--interval-preset`, `--interval-value/--interval-unit` and `--cron` are three ways to give an interval. */
function impliedIntervalType(o: TaskOptionValues): string | undefined {
  const kinds = [
    o.intervalPreset !== undefined ? 'simple' : null,
    o.intervalValue !== undefined || o.intervalUnit !== undefined ? 'custom' : null,
    o.cron !== undefined ? 'cron' : null,
  ].filter((k): k is string => k !== null);
  if (kinds.length > 1)
    throw usage('give the interval one way: --interval-preset, --interval-value/--interval-unit, or --cron');
  return kinds[0];
}

/** `--days` alone means weekly, `--day-of-month` alone monthly. */
function impliedFrequency(o: TaskOptionValues): string | undefined {
  if (o.days !== undefined && o.dayOfMonth !== undefined)
    throw usage('--days (weekly) and --day-of-month (monthly) exclude each other');
  if (o.calendarFrequency !== undefined) return o.calendarFrequency;
  if (o.days !== undefined) return 'weekly';
  if (o.dayOfMonth !== undefined) return 'monthly';
  return undefined;
}

/**
 * Maps `cli tasks create|update` options to the API's request body. Pure: only fields given on the command line
 * are sent (the API merges an update field by field, nested objects included). Contradictory options are a
 * `ValidationError` (exit 2).
 */
export function taskBodyFromOptions(o: TaskOptionValues): TaskBody {
  if (o.prompt !== undefined && o.command !== undefined)
    throw usage('--prompt and --command are the same option; give one');
  if (o.enabled && o.disabled) throw usage('--enabled and --disabled exclude each other');
  const body: TaskBody = {};
  set(body, 'name', o.name);
  set(body, 'prompt', o.prompt ?? o.command);
  set(body, 'prompt_type', o.promptType);
  set(body, 'model', o.model);
  set(body, 'profile', nullIfNone(o.profile));
  set(body, 'job_id', nullIfNone(o.job));
  set(body, 'permissions', o.permissions);
  set(body, 'session_mode', o.sessionMode);
  set(body, 'allowed_tools', o.allowedTools);
  set(body, 'disallowed_tools', o.disallowedTools);
  set(body, 'enabled', o.enabled ? true : o.disabled ? false : undefined);
  set(body, 'commit_on_success', o.commitOnSuccess);
  set(body, 'timeout_seconds', o.timeout);
  set(body, 'max_turns', o.maxTurns);
  set(body, 'max_budget_usd', o.maxBudgetUsd);
  set(body, 'append_system_prompt', nullIfEmpty(o.appendSystemPrompt));

  const schedule: Record<string, unknown> = {};
  const implied = impliedScheduleType(o); // also checks the options against an explicit --schedule
  set(schedule, 'schedule_type', o.schedule ?? implied);
  set(schedule, 'calendar_frequency', impliedFrequency(o));
  set(schedule, 'calendar_time', o.calendarTime);
  set(schedule, 'calendar_days_of_week', o.days);
  set(schedule, 'calendar_day_of_month', o.dayOfMonth);
  set(schedule, 'interval_type', impliedIntervalType(o));
  set(schedule, 'interval_preset', o.intervalPreset);
  set(schedule, 'interval_value', o.intervalValue);
  set(schedule, 'interval_unit', o.intervalUnit);
  set(schedule, 'interval_cron', o.cron);
  set(schedule, 'timezone', nullIfNone(o.timezone));
  set(schedule, 'watch_directory', o.watchDir);
  set(schedule, 'watch_recursive', o.watchRecursive);
  set(schedule, 'watch_debounce_seconds', o.debounce);
  set(schedule, 'overlap_policy', o.overlap === undefined ? undefined : o.overlap === 'default' ? null : o.overlap);
  set(schedule, 'catchup_policy', o.catchup === undefined ? undefined : o.catchup === 'default' ? null : o.catchup);
  set(schedule, 'catchup_window_hours', o.catchupWindowHours);
  set(schedule, 'seq_max_retries', o.seqRetries);
  set(schedule, 'seq_retry_delay_seconds', o.seqRetryDelay);
  if (Object.keys(schedule).length > 0) body.schedule = schedule;

  const retry: Record<string, unknown> = {};
  set(retry, 'enabled', o.retry);
  set(retry, 'max_attempts', o.retryAttempts);
  set(retry, 'delay_seconds', o.retryDelay);
  set(retry, 'backoff_multiplier', o.retryBackoff);
  if (Object.keys(retry).length > 0) body.retry = retry;

  const notifications: Record<string, unknown> = {};
  set(notifications, 'on_start', o.notifyStart);
  set(notifications, 'on_end', o.notifyEnd);
  set(notifications, 'on_failure', o.notifyFailure);
  if (Object.keys(notifications).length > 0) body.notifications = notifications;
  return body;
}
