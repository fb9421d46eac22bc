import { CATCHUP_POLICIES, CatchupPolicy, OVERLAP_POLICIES, OverlapPolicy } from './enums';
import { asObject, bool, num, numList, oneOf, optNum, optStr, str } from './read';

/**
 * Global settings, one JSON object in settings.json. Keys and defaults are the original's, except
 * `mock_mode` (false: a fresh install runs the real CLI) and the keys marked new.
 */
export interface Settings {
  mock_mode: boolean;
  unmask_env_vars: boolean;
  max_concurrent_tasks: number;
  show_jobs_panel: boolean;
  window_x: number | null;
  window_y: number | null;
  window_width: number;
  window_height: number;
  window_maximized: boolean;
  main_splitter_sizes: number[];
  right_splitter_sizes: number[];
  launch_at_login: boolean;
  notifications_enabled: boolean;
  notify_task_start: boolean;
  notify_task_end: boolean;
  notify_errors: boolean;
  theme: string;
  compact_mode: boolean;
  show_token_usage: boolean;
  auto_scroll_logs: boolean;
  default_working_directory: string;
  default_model: string;
  default_terminal: string;
  run_retention_count: number;
  log_retention_days: number;
  /** Days a lost or offline cluster node stays in the node registry before it is removed (new). */
  node_retention_days: number;
  close_to_menu_bar: boolean;
  run_in_background: boolean;
  claude_cli_path: string | null;
  /** Per-run timeout when the task sets none (new). */
  default_timeout_seconds: number;
  /** SIGTERM → SIGKILL grace period when stopping a run (new). */
  stop_grace_seconds: number;
  /** Retained output per run before truncation, bytes (new). */
  max_output_bytes: number;
  /**
   * Most bytes stored per run and log stream (`.log`, `.jsonl`) (new): beyond it the first part and the last part
   * are kept with a marker line between them.
   */
  max_log_bytes: number;
  /** How long a mock run takes, ms (new). */
  mock_duration_ms: number;
  default_overlap_policy: OverlapPolicy;
  default_catchup_policy: CatchupPolicy;
  catchup_window_hours: number;
  [extra: string]: unknown;
}

export const DEFAULT_SETTINGS: Settings = {
  mock_mode: false,
  unmask_env_vars: false,
  max_concurrent_tasks: 3,
  show_jobs_panel: true,
  window_x: null,
  window_y: null,
  window_width: 1450,
  window_height: 900,
  window_maximized: false,
  main_splitter_sizes: [200, 250, 400, 450],
  right_splitter_sizes: [400, 400],
  launch_at_login: false,
  notifications_enabled: true,
  notify_task_start: false,
  notify_task_end: true,
  notify_errors: true,
  theme: 'system',
  compact_mode: false,
  show_token_usage: true,
  auto_scroll_logs: true,
  default_working_directory: '~',
  default_model: 'sonnet',
  default_terminal: 'iTerm2',
  run_retention_count: 50,
  log_retention_days: 30,
  node_retention_days: 7,
  close_to_menu_bar: false,
  run_in_background: false,
  claude_cli_path: null,
  default_timeout_seconds: 3600,
  stop_grace_seconds: 5,
  max_output_bytes: 10 * 1024 * 1024,
  max_log_bytes: 50 * 1024 * 1024,
  mock_duration_ms: 1000,
  default_overlap_policy: 'skip',
  default_catchup_policy: 'run_once',
  catchup_window_hours: 24,
};

export function normalizeSettings(raw: unknown, path = 'settings'): Settings {
  const o = raw === undefined || raw === null ? {} : asObject(raw, path);
  const d = DEFAULT_SETTINGS;
  return {
    ...o,
    mock_mode: bool(o, 'mock_mode', path, d.mock_mode),
    unmask_env_vars: bool(o, 'unmask_env_vars', path, d.unmask_env_vars),
    max_concurrent_tasks: num(o, 'max_concurrent_tasks', path, d.max_concurrent_tasks),
    show_jobs_panel: bool(o, 'show_jobs_panel', path, d.show_jobs_panel),
    window_x: optNum(o, 'window_x', path),
    window_y: optNum(o, 'window_y', path),
    window_width: num(o, 'window_width', path, d.window_width),
    window_height: num(o, 'window_height', path, d.window_height),
    window_maximized: bool(o, 'window_maximized', path, d.window_maximized),
    main_splitter_sizes: numList(o, 'main_splitter_sizes', path, d.main_splitter_sizes),
    right_splitter_sizes: numList(o, 'right_splitter_sizes', path, d.right_splitter_sizes),
    launch_at_login: bool(o, 'launch_at_login', path, d.launch_at_login),
    notifications_enabled: bool(o, 'notifications_enabled', path, d.notifications_enabled),
    notify_task_start: bool(o, 'notify_task_start', path, d.notify_task_start),
    notify_task_end: bool(o, 'notify_task_end', path, d.notify_task_end),
    notify_errors: bool(o, 'notify_errors', path, d.notify_errors),
    theme: str(o, 'theme', path, d.theme),
    compact_mode: bool(o, 'compact_mode', path, d.compact_mode),
    show_token_usage: bool(o, 'show_token_usage', path, d.show_token_usage),
    auto_scroll_logs: bool(o, 'auto_scroll_logs', path, d.auto_scroll_logs),
    default_working_directory: str(o, 'default_working_directory', path, d.default_working_directory),
    default_model: str(o, 'default_model', path, d.default_model),
    default_terminal: str(o, 'default_terminal', path, d.default_terminal),
    run_retention_count: num(o, 'run_retention_count', path, d.run_retention_count),
    log_retention_days: num(o, 'log_retention_days', path, d.log_retention_days),
    node_retention_days: num(o, 'node_retention_days', path, d.node_retention_days),
    close_to_menu_bar: bool(o, 'close_to_menu_bar', path, d.close_to_menu_bar),
    run_in_background: bool(o, 'run_in_background', path, d.run_in_background),
    claude_cli_path: optStr(o, 'claude_cli_path', path),
    default_timeout_seconds: num(o, 'default_timeout_seconds', path, d.default_timeout_seconds),
    stop_grace_seconds: num(o, 'stop_grace_seconds', path, d.stop_grace_seconds),
    max_output_bytes: num(o, 'max_output_bytes', path, d.max_output_bytes),
    max_log_bytes: num(o, 'max_log_bytes', path, d.max_log_bytes),
    mock_duration_ms: num(o, 'mock_duration_ms', path, d.mock_duration_ms),
    default_overlap_policy: oneOf(o, 'default_overlap_policy', path, OVERLAP_POLICIES, d.default_overlap_policy),
    default_catchup_policy: oneOf(o, 'default_catchup_policy', path, CATCHUP_POLICIES, d.default_catchup_policy),
    catchup_window_hours: num(o, 'catchup_window_hours', path, d.catchup_window_hours),
  };
}
