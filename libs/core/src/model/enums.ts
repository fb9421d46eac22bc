/**
 * String enums of the domain. Values are exactly what the Python original writes into its JSON files,
 * so its data imports unchanged; values marked "new" exist only in this edition.
 */
export const SCHEDULE_TYPES = ['manual', 'interval', 'calendar', 'startup', 'file_watch', 'sequential'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export const INTERVAL_TYPES = ['simple', 'custom', 'cron'] as const;
export type IntervalType = (typeof INTERVAL_TYPES)[number];

export const INTERVAL_UNITS = ['minutes', 'hours', 'days'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

export const CALENDAR_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type CalendarFrequency = (typeof CALENDAR_FREQUENCIES)[number];

export const RUN_STATUSES = ['upcoming', 'running', 'success', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['success', 'failed', 'cancelled'];
export function isTerminalRunStatus(s: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(s);
}

/** `cancelled` is new: the original turned a stopped job into `failed`. */
export const JOB_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const ENV_VAR_SOURCES = ['static', 'env', 'keychain', 'aws_sm', 'aws_ssm', 'command', 'unset'] as const;
export type EnvVarSource = (typeof ENV_VAR_SOURCES)[number];

export const PROMPT_TYPES = ['prompt', 'slash_command'] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

/**
 * Task permission values. The first four are the original's; `auto` and `dontAsk` map to the Claude CLI's
 * permission modes of the same name (new).
 */
export const PERMISSIONS = ['default', 'bypass', 'acceptEdits', 'plan', 'auto', 'dontAsk'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const SESSION_MODES = ['new', 'reuse', 'fork'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

/** What to do when a task is due while a run of it is still active (new). */
export const OVERLAP_POLICIES = ['skip', 'queue_one', 'allow', 'replace'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** What to do with slots that fell due while the coordinator was down (new). */
export const CATCHUP_POLICIES = ['skip', 'run_once', 'run_all'] as const;
export type CatchupPolicy = (typeof CATCHUP_POLICIES)[number];

/** Cluster node states (new). */
export const NODE_STATUSES = ['online', 'draining', 'lost', 'offline'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** What became of one due schedule slot (new). `run` means a run was created for it. */
export const OCCURRENCE_KINDS = [
  'run',
  'skipped_overlap',
  'queued_overlap',
  'replaced_overlap',
  'missed_downtime',
  'skipped_disabled',
  'skipped_invalid_date',
] as const;
export type OccurrenceKind = (typeof OCCURRENCE_KINDS)[number];
