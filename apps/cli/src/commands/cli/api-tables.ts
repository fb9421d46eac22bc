import Table from 'cli-table3';
import { ClusterNode, EnvVar, Job, Profile, Run, Task, describeSchedule } from '@ccs/core';
import { excerpt, formatDuration, orDash, shortId } from '../../output/text-format';

/**
 * Table renderings of API answers for `--output table`: cli-table3 grids with ids cut to 8 characters. No colours,
 * so a table piped to a file or `less` stays plain text. Pure functions of the API's JSON.
 */

/** Run totals the API adds to tasks and jobs. */
export interface RunTotals {
  runs: number;
  success: number;
  failed: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

export type TaskView = Task & { stats?: RunTotals; next_fire_time?: string | null };
export type JobView = Job & { task_count?: number; running?: boolean; stats?: RunTotals };
export type RunDetail = Run & {
  output?: string | null;
  raw_output?: string | null;
  /** Set by `GET /api/runs/{id}`: whether `output` is only the last part of the run's output. */
  output_tail?: { truncated: boolean; raw_size: number };
};

type Cell = string | number;

function grid(head: string[], rows: Cell[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  t.push(...rows.map((r) => r.map((c) => String(c))));
  return t.toString();
}

/** Two columns, field and value, for one record. */
export function fieldsTable(fields: readonly (readonly [string, unknown])[]): string {
  const values = fields.map(([k, v]) => [k, display(v)] as const);
  const longest = Math.max(1, ...values.flatMap(([, v]) => v.split('\n').map((l) => l.length)));
  // Long values (prompts) wrap at 100 columns instead of making the table as wide as the longest line.
  const t = new Table({
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, Math.min(longest + 2, 100)],
  });
  for (const [k, v] of values) t.push({ [k]: v });
  return t.toString();
}

function display(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map((x) => display(x)).join(', ') : '-';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** `2025-06-02T09:00:00.000Z` → `2025-06-02 11:00:00` in this machine's zone; null → `-`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '-';
  return `$${usd.toFixed(usd < 10 ? 4 : 2)}`;
}

function tokens(input: number | null | undefined, output: number | null | undefined): string {
  if ((input ?? null) === null && (output ?? null) === null) return '-';
  return `${input ?? 0}/${output ?? 0}`;
}

function scheduleText(t: Task): string {
  try {
    return describeSchedule(t.schedule);
  } catch {
    return t.schedule.schedule_type;
  }
}

function shortOrDash(id: string | null | undefined): string {
  return id ? shortId(id) : '-';
}

export function tasksTable(tasks: readonly TaskView[]): string {
  return grid(
    ['ID', 'NAME', 'ENABLED', 'SCHEDULE', 'MODEL', 'JOB', 'LAST RUN', 'NEXT RUN', 'RUNS', 'COST'],
    tasks.map((t) => [
      shortId(t.id),
      excerpt(t.name, 40),
      t.enabled ? 'yes' : 'no',
      excerpt(scheduleText(t), 40),
      t.model,
      shortOrDash(t.job_id),
      orDash(t.last_run_status),
      formatTime(t.next_fire_time),
      t.stats?.runs ?? 0,
      formatCost(t.stats?.cost_usd ?? 0),
    ]),
  );
}

export function taskDetail(t: TaskView): string {
  return fieldsTable([
    ['id', t.id],
    ['name', t.name],
    ['enabled', t.enabled],
    ['job', t.job_id],
    ['profile', t.profile],
    ['model', t.model],
    ['prompt type', t.prompt_type],
    ['prompt', t.prompt],
    ['permissions', t.permissions],
    ['session mode', t.session_mode],
    ['last session', t.last_session_id],
    ['last run status', t.last_run_status],
    ['allowed tools', t.allowed_tools],
    ['disallowed tools', t.disallowed_tools],
    ['schedule', scheduleText(t)],
    ['next run', formatTime(t.next_fire_time)],
    ['overlap / catch-up', `${t.schedule.overlap_policy ?? 'default'} / ${t.schedule.catchup_policy ?? 'default'}`],
    [
      'retry',
      t.retry.enabled
        ? `${t.retry.max_attempts} × after ${t.retry.delay_seconds}s (×${t.retry.backoff_multiplier})`
        : 'off',
    ],
    ['in a job run', `${t.schedule.seq_max_retries} retries, ${t.schedule.seq_retry_delay_seconds}s apart`],
    ['commit on success', t.commit_on_success],
    ['timeout', t.timeout_seconds === null ? 'default' : `${t.timeout_seconds}s`],
    ['max turns', t.max_turns],
    ['max budget', t.max_budget_usd === null ? null : formatCost(t.max_budget_usd)],
    ['append system prompt', t.append_system_prompt],
    ['runs', t.stats ? `${t.stats.runs} (${t.stats.success} ok, ${t.stats.failed} failed)` : null],
    ['cost', t.stats ? formatCost(t.stats.cost_usd) : null],
    ['tokens in/out', t.stats ? tokens(t.stats.input_tokens, t.stats.output_tokens) : null],
    ['updated', formatTime(t.updated_at)],
  ]);
}

export function runsTable(runs: readonly Run[]): string {
  return grid(
    ['ID', 'TASK', 'STATUS', 'TRIGGER', 'ATTEMPT', 'STARTED', 'DURATION', 'COST', 'TOKENS IN/OUT'],
    runs.map((r) => [
      shortId(r.id),
      excerpt(r.task_name, 32),
      r.status,
      orDash(r.trigger),
      r.attempt,
      formatTime(r.start_time ?? r.scheduled_time),
      formatDuration(r.duration),
      formatCost(r.cost_usd),
      tokens(r.input_tokens, r.output_tokens),
    ]),
  );
}

export function runDetail(r: RunDetail): string {
  const fields = fieldsTable([
    ['id', r.id],
    ['task', `${r.task_name} (${r.task_id})`],
    ['job', r.job_id],
    ['status', r.status],
    ['reason', r.status_reason],
    ['trigger', r.trigger],
    ['attempt', r.attempt],
    ['node', r.node_id],
    ['model', r.model],
    ['scheduled', formatTime(r.scheduled_time)],
    ['started', formatTime(r.start_time)],
    ['ended', formatTime(r.end_time)],
    ['duration', formatDuration(r.duration)],
    ['exit code', r.exit_code],
    ['session', r.session_id],
    ['turns', r.num_turns],
    ['cost', formatCost(r.cost_usd)],
    ['tokens in/out', tokens(r.input_tokens, r.output_tokens)],
    ['cache read/created', tokens(r.cache_read_tokens, r.cache_creation_tokens)],
    ['errors', r.errors],
  ]);
  if (!r.output) return fields;
  const heading = r.output_tail?.truncated
    ? `Output (the last part; all of it: runs logs ${r.id}, with --raw for the stream-json):`
    : 'Output:';
  return `${fields}\n\n${heading}\n${r.output.trimEnd()}`;
}

export function jobsTable(jobs: readonly JobView[]): string {
  return grid(
    ['ID', 'NAME', 'STATUS', 'TASKS', 'PROFILE', 'WORKING DIRECTORY', 'RUNS', 'COST'],
    jobs.map((j) => [
      shortId(j.id),
      excerpt(j.name, 40),
      j.running ? `${j.status} (running)` : j.status,
      j.task_count ?? j.task_order.length,
      shortOrDash(j.profile),
      excerpt(j.working_directory.path + (j.working_directory.use_git_worktree ? ' [worktree]' : ''), 48),
      j.stats?.runs ?? 0,
      formatCost(j.stats?.cost_usd ?? 0),
    ]),
  );
}

export function jobDetail(j: JobView): string {
  const wd = j.working_directory;
  return fieldsTable([
    ['id', j.id],
    ['name', j.name],
    ['description', j.description],
    ['status', j.running ? `${j.status} (running)` : j.status],
    ['reason', j.status_reason],
    ['profile', j.profile],
    ['working directory', wd.path],
    [
      'git worktree',
      wd.use_git_worktree
        ? `${wd.worktree_name ?? `job-${shortId(j.id)}`} (branch ${wd.worktree_branch ?? 'detached'})`
        : 'no',
    ],
    ['task order', j.task_order.map(shortId)],
    ['runs', j.stats ? `${j.stats.runs} (${j.stats.success} ok, ${j.stats.failed} failed)` : null],
    ['cost', j.stats ? formatCost(j.stats.cost_usd) : null],
    ['tokens in/out', j.stats ? tokens(j.stats.input_tokens, j.stats.output_tokens) : null],
    ['updated', formatTime(j.updated_at)],
  ]);
}

export function profilesTable(profiles: readonly Profile[]): string {
  return grid(
    ['ID', 'NAME', 'VARIABLES', 'DESCRIPTION'],
    profiles.map((p) => [
      shortId(p.id),
      excerpt(p.name, 40),
      p.env_vars.map((v) => v.name).join(', ') || '-',
      excerpt(p.description, 50) || '-',
    ]),
  );
}

export function envVarsTable(vars: readonly EnvVar[]): string {
  return grid(
    ['NAME', 'SOURCE', 'VALUE', 'CONFIG'],
    vars.map((v) => [v.name, v.source, v.value === '' ? '-' : v.value, v.config ? JSON.stringify(v.config) : '-']),
  );
}

export function profileDetail(p: Profile): string {
  const fields = fieldsTable([
    ['id', p.id],
    ['name', p.name],
    ['description', p.description],
    ['updated', formatTime(p.updated_at)],
  ]);
  return p.env_vars.length ? `${fields}\n${envVarsTable(p.env_vars)}` : fields;
}

export function nodesTable(nodes: readonly ClusterNode[]): string {
  return grid(
    ['ID', 'NAME', 'HOST', 'STATUS', 'CAPACITY', 'RUNNING', 'LAST HEARTBEAT', 'VERSION'],
    nodes.map((n) => [
      n.id.length > 12 ? shortId(n.id) : n.id,
      n.name,
      n.host,
      n.status_reason ? `${n.status} (${n.status_reason})` : n.status,
      n.capacity,
      n.running_run_ids.length,
      formatTime(n.last_heartbeat),
      n.version,
    ]),
  );
}

export interface SchedulerStatus {
  running: boolean;
  default_timezone: string;
  scheduled: number;
  tasks: {
    task_id: string;
    name: string;
    enabled: boolean;
    description: string;
    next_fire_time: string | null;
    watching: string | null;
  }[];
}

export function schedulerTable(s: SchedulerStatus): string {
  const head = fieldsTable([
    ['running', s.running],
    ['default time zone', s.default_timezone],
    ['scheduled tasks', s.scheduled],
  ]);
  if (s.tasks.length === 0) return head;
  const tasks = grid(
    ['TASK', 'NAME', 'ENABLED', 'SCHEDULE', 'NEXT RUN', 'WATCHING'],
    s.tasks.map((t) => [
      shortId(t.task_id),
      excerpt(t.name, 40),
      t.enabled ? 'yes' : 'no',
      excerpt(t.description, 40),
      formatTime(t.next_fire_time),
      orDash(t.watching),
    ]),
  );
  return `${head}\n${tasks}`;
}

/** Any flat-ish object (health, stats) as field/value rows; nested objects are flattened with dots. */
export function objectTable(o: Record<string, unknown>): string {
  const rows: [string, unknown][] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) rows.push([prefix, '-']);
      for (const [k, x] of entries) walk(prefix ? `${prefix}.${k}` : k, x);
    } else rows.push([prefix, v]);
  };
  walk('', o);
  return fieldsTable(rows);
}
