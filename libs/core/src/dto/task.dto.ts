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
  SCHEDULE_TYPES,
  SESSION_MODES,
  ScheduleType,
  SessionMode,
} from '../model/enums';
import { nowIso } from '../model/read';
import { NEW_TASK_DEFAULTS, Task, normalizeTask } from '../model/task';
import { Field, ID_REF, definedFields } from './dto-field';

/**
 * Task DTOs. Nested objects (`schedule`, `retry`, `notifications`) are partial in every request: on create the
 * omitted fields get their defaults (`DEFAULT_SCHEDULE`, …), on update they keep their stored values — the objects
 * are MERGED field by field (see `mergeTaskUpdate`), never replaced whole. So `{"schedule": {"interval_value": 10}}`
 * changes the interval and nothing else. To clear a nullable field, send null.
 *
 * The DTOs check each field on its own. Whether a schedule makes sense as a whole (a cron expression that parses,
 * an interval with a unit) can only be judged after the merge, by the schedule module.
 */

export class ScheduleDto {
  @Field({ type: 'enum', values: SCHEDULE_TYPES, description: 'What triggers the task.', defaultValue: 'manual' })
  schedule_type?: ScheduleType;

  @Field({
    type: 'string',
    format: 'timezone',
    nullable: true,
    description: "IANA time zone for calendar and cron schedules; null = the coordinator's zone.",
    example: 'Europe/Amsterdam',
  })
  timezone?: string | null;

  @Field({ type: 'enum', values: CALENDAR_FREQUENCIES, nullable: true, description: 'Calendar schedules: how often.' })
  calendar_frequency?: CalendarFrequency | null;

  @Field({
    type: 'string',
    pattern: /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/,
    patternHint: 'HH:MM or HH:MM:SS (24-hour clock)',
    nullable: true,
    description: 'Calendar schedules: time of day.',
    example: '09:00',
  })
  calendar_time?: string | null;

  @Field({
    type: 'integer-list',
    min: 0,
    max: 6,
    unique: true,
    maxItems: 7,
    description: 'Weekly calendar schedules: days, 0 = Monday … 6 = Sunday.',
    example: [0, 2, 4],
  })
  calendar_days_of_week?: number[];

  @Field({
    type: 'integer',
    min: 1,
    max: 31,
    nullable: true,
    description: 'Monthly calendar schedules: day of the month (months without that day are skipped).',
  })
  calendar_day_of_month?: number | null;

  @Field({
    type: 'enum',
    values: INTERVAL_TYPES,
    nullable: true,
    description: 'Interval schedules: how the interval is given.',
  })
  interval_type?: IntervalType | null;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 32,
    nullable: true,
    description: 'Interval type "simple": a preset such as "5min", "1hour" or "15 minutes".',
    example: '15min',
  })
  interval_preset?: string | null;

  @Field({
    type: 'integer',
    min: 1,
    max: 1_000_000,
    nullable: true,
    description: 'Interval type "custom": the number of units.',
    example: 10,
  })
  interval_value?: number | null;

  @Field({ type: 'enum', values: INTERVAL_UNITS, nullable: true, description: 'Interval type "custom": the unit.' })
  interval_unit?: IntervalUnit | null;

  @Field({
    type: 'string',
    pattern: /^\S+\s+\S+\s+\S+\s+\S+\s+\S+$/,
    patternHint: 'a 5-field crontab expression such as "*/15 * * * *"',
    maxLength: 200,
    nullable: true,
    description: 'Interval type "cron": minute hour day-of-month month day-of-week; day-of-week 0 and 7 = Sunday.',
    example: '0 9 * * 1-5',
  })
  interval_cron?: string | null;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 4096,
    nullable: true,
    description: 'File-watch schedules: the directory to watch (~ and $VAR are expanded).',
  })
  watch_directory?: string | null;

  @Field({ type: 'boolean', description: 'File-watch schedules: include subdirectories.', defaultValue: true })
  watch_recursive?: boolean;

  @Field({
    type: 'number',
    min: 0,
    max: 3600,
    description: 'File-watch schedules: quiet period before a run, seconds.',
    defaultValue: 5,
  })
  watch_debounce_seconds?: number;

  @Field({
    type: 'integer',
    min: 0,
    max: 10,
    description: 'Sequential (job) runs: retries of this task before the job fails.',
    defaultValue: 0,
  })
  seq_max_retries?: number;

  @Field({
    type: 'number',
    min: 0,
    max: 86_400,
    description: 'Sequential (job) runs: seconds between retries.',
    defaultValue: 60,
  })
  seq_retry_delay_seconds?: number;

  @Field({
    type: 'enum',
    values: OVERLAP_POLICIES,
    nullable: true,
    description: 'When the task is due while a run of it is active; null = settings.default_overlap_policy.',
  })
  overlap_policy?: OverlapPolicy | null;

  @Field({
    type: 'enum',
    values: CATCHUP_POLICIES,
    nullable: true,
    description: 'What to do with slots missed while the coordinator was down; null = settings.default_catchup_policy.',
  })
  catchup_policy?: CatchupPolicy | null;

  @Field({
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 8760,
    nullable: true,
    description: 'How far back missed slots are caught up, hours; null = settings.catchup_window_hours.',
  })
  catchup_window_hours?: number | null;
}

export class RetryDto {
  @Field({ type: 'boolean', description: 'Retry failed runs automatically.', defaultValue: false })
  enabled?: boolean;

  @Field({ type: 'integer', min: 0, max: 10, description: 'Attempts after the first one.', defaultValue: 3 })
  max_attempts?: number;

  @Field({
    type: 'number',
    min: 0,
    max: 86_400,
    description: 'Delay before the first retry, seconds.',
    defaultValue: 60,
  })
  delay_seconds?: number;

  @Field({
    type: 'number',
    min: 1,
    max: 10,
    description: 'Each further retry waits this many times longer.',
    defaultValue: 2,
  })
  backoff_multiplier?: number;
}

export class NotificationsDto {
  @Field({ type: 'boolean', description: 'Notify when a run starts.', defaultValue: false })
  on_start?: boolean;

  @Field({ type: 'boolean', description: 'Notify when a run ends.', defaultValue: true })
  on_end?: boolean;

  @Field({ type: 'boolean', description: 'Notify when a run fails.', defaultValue: true })
  on_failure?: boolean;
}

export const PROMPT_REQUIRED_MESSAGE =
  'prompt must not be empty: give the prompt text or a slash command such as /review-pr 12';

const NAME_SPEC = { type: 'string', nonBlank: true, maxLength: 200, description: 'Display name.' } as const;
const PROMPT_SPEC = {
  type: 'string',
  nonBlank: true,
  maxLength: 1_000_000,
  message: PROMPT_REQUIRED_MESSAGE,
  description: 'The prompt text, or a slash command (with prompt_type "slash_command").',
  example: 'Summarise the open pull requests',
} as const;

/** The task fields that create and update share; every one is optional. */
export class TaskFieldsDto {
  @Field({
    ...ID_REF,
    nullable: true,
    description: 'The job this task belongs to (id or unique id prefix); null or omitted = a task without a job.',
  })
  job_id?: string | null;

  @Field({ type: 'boolean', description: 'Disabled tasks are never triggered by their schedule.', defaultValue: true })
  enabled?: boolean;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 100,
    pattern: /^\S+$/,
    patternHint: 'a model name without spaces, e.g. sonnet, opus or claude-sonnet-4-5',
    description: 'Claude model (`--model`).',
    defaultValue: NEW_TASK_DEFAULTS.model,
  })
  model?: string;

  @Field({ ...ID_REF, nullable: true, description: "Profile id whose environment the run gets; a job's profile wins." })
  profile?: string | null;

  @Field({ type: 'enum', values: PROMPT_TYPES, description: 'How prompt is meant.', defaultValue: 'prompt' })
  prompt_type?: PromptType;

  @Field({
    type: 'enum',
    values: PERMISSIONS,
    description: 'Claude permission mode for the run.',
    defaultValue: NEW_TASK_DEFAULTS.permissions,
  })
  permissions?: Permission;

  @Field({
    type: 'enum',
    values: SESSION_MODES,
    description: 'new = fresh session; reuse = resume the last session; fork = resume it as a new session.',
    defaultValue: 'new',
  })
  session_mode?: SessionMode;

  @Field({
    type: 'string-list',
    nonBlankItems: true,
    unique: true,
    maxItems: 200,
    description: 'Tools the run may use without asking (`--allowedTools`).',
    example: ['Read', 'Bash(git status:*)'],
  })
  allowed_tools?: string[];

  @Field({
    type: 'string-list',
    nonBlankItems: true,
    unique: true,
    maxItems: 200,
    description: 'Tools the run may not use (`--disallowedTools`).',
  })
  disallowed_tools?: string[];

  @Field({ type: 'nested', dto: () => ScheduleDto, description: 'When the task runs (partial; merged on update).' })
  schedule?: ScheduleDto;

  @Field({ type: 'nested', dto: () => RetryDto, description: 'Automatic retries (partial; merged on update).' })
  retry?: RetryDto;

  @Field({
    type: 'nested',
    dto: () => NotificationsDto,
    description: 'Desktop notifications (partial; merged on update).',
  })
  notifications?: NotificationsDto;

  @Field({
    type: 'boolean',
    description: 'Commit the working directory with git after a successful run.',
    defaultValue: NEW_TASK_DEFAULTS.commit_on_success,
  })
  commit_on_success?: boolean;

  @Field({
    type: 'integer',
    min: 1,
    max: 604_800,
    nullable: true,
    description: 'Run timeout, seconds; null = settings.default_timeout_seconds.',
  })
  timeout_seconds?: number | null;

  @Field({ type: 'integer', min: 1, max: 10_000, nullable: true, description: '`--max-turns`; null = no limit.' })
  max_turns?: number | null;

  @Field({
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1_000_000,
    nullable: true,
    description: '`--max-budget-usd`; null = no limit.',
  })
  max_budget_usd?: number | null;

  @Field({
    type: 'string',
    maxLength: 100_000,
    nullable: true,
    description: '`--append-system-prompt`; null = none.',
  })
  append_system_prompt?: string | null;
}

/**
 * Body of `POST /api/tasks`. Legacy aliases of the original are accepted: `command` (→ prompt), `command_type`
 * (→ prompt_type) and the prompt_type value `command` (→ slash_command).
 */
export class CreateTaskDto extends TaskFieldsDto {
  @Field({ ...NAME_SPEC, required: true, example: 'Nightly review' })
  name: string;

  @Field({ ...PROMPT_SPEC, required: true })
  prompt: string;

  static preprocess(raw: unknown): unknown {
    return applyLegacyTaskAliases(raw);
  }
}

/**
 * Body of `PUT`/`PATCH /api/tasks/{id}`: every field optional; omitted fields keep their value, and `schedule`,
 * `retry` and `notifications` are merged field by field (`mergeTaskUpdate`). Same legacy aliases as create.
 */
export class UpdateTaskDto extends TaskFieldsDto {
  @Field(NAME_SPEC)
  name?: string;

  @Field(PROMPT_SPEC)
  prompt?: string;

  static preprocess(raw: unknown): unknown {
    return applyLegacyTaskAliases(raw);
  }
}

/**
 * Rewrites the original's legacy task fields into the current ones, before validation. Pure: returns a new object
 * (or the input unchanged when it is not an object).
 *  - `command` → `prompt`; when both are given, `prompt` wins (as when reading stored tasks, see `normalizeTask`).
 *  - `command_type` → `prompt_type`, same rule.
 *  - prompt_type `"command"` (what the original GUI saved) → `"slash_command"`.
 */
export function applyLegacyTaskAliases(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { command, command_type, ...rest } = body as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (command !== undefined && out['prompt'] === undefined) out['prompt'] = command;
  if (command_type !== undefined && out['prompt_type'] === undefined) out['prompt_type'] = command_type;
  if (out['prompt_type'] === 'command') out['prompt_type'] = 'slash_command';
  return out;
}

/**
 * Applies a validated update to a stored task: top-level fields replace, `schedule`/`retry`/`notifications` merge
 * field by field, unknown stored fields are kept, `updated_at` becomes `now`. Pure.
 */
export function mergeTaskUpdate(current: Task, update: UpdateTaskDto, now: string = nowIso()): Task {
  const { schedule, retry, notifications, ...top } = definedFields(update);
  return {
    ...current,
    ...(top as Partial<Task>),
    schedule: { ...current.schedule, ...definedFields(schedule) },
    retry: { ...current.retry, ...definedFields(retry) },
    notifications: { ...current.notifications, ...definedFields(notifications) },
    updated_at: now,
  };
}

/**
 * A new task from a validated create body: this edition's safe defaults (`NEW_TASK_DEFAULTS`: no bypass
 * permissions, no automatic commit) for omitted fields, the model's defaults for omitted nested fields.
 */
export function taskFromCreateDto(dto: CreateTaskDto, id: string, now: string = nowIso()): Task {
  const { schedule, retry, notifications, ...top } = definedFields(dto);
  return normalizeTask(
    {
      ...NEW_TASK_DEFAULTS,
      ...top,
      schedule: definedFields(schedule),
      retry: definedFields(retry),
      notifications: definedFields(notifications),
      id,
      last_session_id: null,
      last_run_status: null,
      created_at: now,
      updated_at: now,
    },
    'task',
    now,
  );
}
