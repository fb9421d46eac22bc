import { CATCHUP_POLICIES, CatchupPolicy, OVERLAP_POLICIES, OverlapPolicy } from '../model/enums';
import { DEFAULT_SETTINGS } from '../model/settings';
import { Field, FieldSpec } from './dto-field';

const d = DEFAULT_SETTINGS;

function flag(description: string, defaultValue: boolean): FieldSpec {
  return { type: 'boolean', description, defaultValue };
}

/** GUI geometry: generous, but keeps a typo (a value in the millions) out of the stored settings. */
const PIXELS = { type: 'integer', min: 0, max: 100_000 } as const;

/**
 * Body of `PUT`/`PATCH /api/settings`: every key optional; the given keys replace the stored ones. Ranges are the
 * sane limits of each setting (e.g. at most 64 concurrent runs on one coordinator).
 */
export class UpdateSettingsDto {
  @Field(flag('Simulate Claude runs instead of calling the CLI.', d.mock_mode))
  mock_mode?: boolean;

  @Field(flag('Show profile secrets unmasked in the UI and API.', d.unmask_env_vars))
  unmask_env_vars?: boolean;

  @Field({
    type: 'integer',
    min: 1,
    max: 64,
    description: 'Runs that may execute at the same time.',
    defaultValue: d.max_concurrent_tasks,
  })
  max_concurrent_tasks?: number;

  @Field(flag('Show the jobs pane.', d.show_jobs_panel))
  show_jobs_panel?: boolean;

  @Field({ ...PIXELS, min: -100_000, nullable: true, description: 'Window position (null = let the system choose).' })
  window_x?: number | null;

  @Field({ ...PIXELS, min: -100_000, nullable: true, description: 'Window position (null = let the system choose).' })
  window_y?: number | null;

  @Field({ ...PIXELS, min: 100, description: 'Window width, pixels.', defaultValue: d.window_width })
  window_width?: number;

  @Field({ ...PIXELS, min: 100, description: 'Window height, pixels.', defaultValue: d.window_height })
  window_height?: number;

  @Field(flag('Start maximized.', d.window_maximized))
  window_maximized?: boolean;

  @Field({
    type: 'integer-list',
    min: 0,
    max: 100_000,
    maxItems: 8,
    description: 'Pane widths of the main splitter, pixels.',
    defaultValue: d.main_splitter_sizes,
  })
  main_splitter_sizes?: number[];

  @Field({
    type: 'integer-list',
    min: 0,
    max: 100_000,
    maxItems: 8,
    description: 'Pane sizes of the right splitter, pixels.',
    defaultValue: d.right_splitter_sizes,
  })
  right_splitter_sizes?: number[];

  @Field(flag('Start at login.', d.launch_at_login))
  launch_at_login?: boolean;

  @Field(flag('Desktop notifications at all.', d.notifications_enabled))
  notifications_enabled?: boolean;

  @Field(flag('Notify when a run starts.', d.notify_task_start))
  notify_task_start?: boolean;

  @Field(flag('Notify when a run ends.', d.notify_task_end))
  notify_task_end?: boolean;

  @Field(flag('Notify on errors.', d.notify_errors))
  notify_errors?: boolean;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 32,
    description: 'UI theme.',
    example: 'system',
    defaultValue: d.theme,
  })
  theme?: string;

  @Field(flag('Denser UI.', d.compact_mode))
  compact_mode?: boolean;

  @Field(flag('Show token usage of runs.', d.show_token_usage))
  show_token_usage?: boolean;

  @Field(flag('Follow the end of the log while a run is live.', d.auto_scroll_logs))
  auto_scroll_logs?: boolean;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 4096,
    description: 'Working directory for tasks without a job.',
    defaultValue: d.default_working_directory,
  })
  default_working_directory?: string;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 100,
    pattern: /^\S+$/,
    patternHint: 'a model name without spaces, e.g. sonnet',
    description: 'Model for new tasks.',
    defaultValue: d.default_model,
  })
  default_model?: string;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 100,
    description: 'Terminal application for "open session".',
    defaultValue: d.default_terminal,
  })
  default_terminal?: string;

  @Field({
    type: 'integer',
    min: 1,
    max: 1_000_000,
    description: 'Runs kept per task; older ones are deleted.',
    defaultValue: d.run_retention_count,
  })
  run_retention_count?: number;

  @Field({
    type: 'integer',
    min: 1,
    max: 3650,
    description: 'Days run logs are kept.',
    defaultValue: d.log_retention_days,
  })
  log_retention_days?: number;

  @Field({
    type: 'integer',
    min: 1,
    max: 3650,
    description: 'Days a lost or offline cluster node stays in the node list before it is removed.',
    defaultValue: d.node_retention_days,
  })
  node_retention_days?: number;

  @Field(flag('Closing the window keeps the app in the menu bar.', d.close_to_menu_bar))
  close_to_menu_bar?: boolean;

  @Field(flag('Keep running in the background.', d.run_in_background))
  run_in_background?: boolean;

  @Field({
    type: 'string',
    nonBlank: true,
    maxLength: 4096,
    nullable: true,
    description: 'Path of the claude executable; null = find it on PATH.',
  })
  claude_cli_path?: string | null;

  @Field({
    type: 'integer',
    min: 1,
    max: 604_800,
    description: 'Run timeout for tasks that set none, seconds.',
    defaultValue: d.default_timeout_seconds,
  })
  default_timeout_seconds?: number;

  @Field({
    type: 'integer',
    min: 0,
    max: 300,
    description: 'Seconds between SIGTERM and SIGKILL when a run is stopped.',
    defaultValue: d.stop_grace_seconds,
  })
  stop_grace_seconds?: number;

  @Field({
    type: 'integer',
    min: 1024,
    max: 1024 * 1024 * 1024,
    description: 'Output kept per run before it is truncated, bytes.',
    defaultValue: d.max_output_bytes,
  })
  max_output_bytes?: number;

  @Field({
    type: 'integer',
    min: 1024 * 1024,
    max: 64 * 1024 * 1024 * 1024,
    description:
      'Most bytes stored per run for each of its logs (the text log and the raw stream-json): beyond it the first ' +
      'and the last part are kept with a marker line saying how much was left out. Default 50 MiB.',
    defaultValue: d.max_log_bytes,
  })
  max_log_bytes?: number;

  @Field({
    type: 'integer',
    min: 0,
    max: 600_000,
    description: 'How long a mock run takes, milliseconds.',
    defaultValue: d.mock_duration_ms,
  })
  mock_duration_ms?: number;

  @Field({
    type: 'enum',
    values: OVERLAP_POLICIES,
    description: 'Overlap policy of tasks that set none.',
    defaultValue: d.default_overlap_policy,
  })
  default_overlap_policy?: OverlapPolicy;

  @Field({
    type: 'enum',
    values: CATCHUP_POLICIES,
    description: 'Catch-up policy of tasks that set none.',
    defaultValue: d.default_catchup_policy,
  })
  default_catchup_policy?: CatchupPolicy;

  @Field({
    type: 'number',
    min: 0,
    exclusiveMin: true,
    max: 8760,
    description: 'How far back missed slots are caught up, hours.',
    defaultValue: d.catchup_window_hours,
  })
  catchup_window_hours?: number;
}
