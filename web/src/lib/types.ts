/**
 * Shapes of the REST API's answers. The domain types come from libs/core (type-only imports: nothing of the
 * server's code ends up in the bundle); the API adds views such as a task's run totals.
 */
import type { Task, ScheduleConfig, RetryConfig } from '@core/model/task';
import type { Job } from '@core/model/job';
import type { Run } from '@core/model/run';
import type { Profile, EnvVar } from '@core/model/profile';
import type { Settings } from '@core/model/settings';
import type { ClusterNode } from '@core/model/node';
import type { Occurrence } from '@core/model/occurrence';
import type { RunStatus, JobStatus, EnvVarSource, ScheduleType } from '@core/model/enums';

export type { Task, ScheduleConfig, RetryConfig, Job, Run, Profile, EnvVar, Settings, ClusterNode, Occurrence };
export type { RunStatus, JobStatus, EnvVarSource, ScheduleType };

export interface RunTotals {
  runs: number;
  success: number;
  failed: number;
  cancelled: number;
  running: number;
  upcoming: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
}

export type TaskView = Task & { stats?: RunTotals; next_fire_time?: string | null };
/** `GET /api/runs/{id}`: output and raw_output are the last part of a large run's output (output_tail says so). */
export type RunDetail = Run & {
  output: string | null;
  raw_output: string | null;
  output_tail?: { truncated: boolean; raw_size: number; log_size: number; more: string };
};

export interface Health {
  status: string;
  name: string;
  version: string;
  /** `gui` or `daemon`. */
  mode: string;
  uptime_seconds: number;
  data_dir: string;
}

export interface FireTime {
  at: string;
  local: string;
  time_zone: string;
  skipped: string | null;
}

export interface OutputLine {
  /** `stdout` or `stderr`. */
  stream: string;
  line: string;
}

export interface RunOutputEvent {
  run_id: string;
  seq: number;
  lines: OutputLine[];
}

export const RUN_STATUS_LIST: RunStatus[] = ['upcoming', 'running', 'success', 'failed', 'cancelled'];

export type JobView = Job & { task_count?: number; running?: boolean; stats?: RunTotals };
