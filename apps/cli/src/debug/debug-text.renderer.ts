import { Job, Profile, Run, Settings, Task, maskProfile } from '@ccs/core';
import type { RunLogFileInfo } from '@ccs/storage';
import {
  excerpt,
  formatBytes,
  formatDuration,
  formatFields,
  formatTable,
  orDash,
  shortId,
} from '../output/text-format';
import type { DataDirReport, PathStatus } from './data-directory.service';
import { scheduleSummary } from './debug-queries';
import type { DataSnapshot } from './debug-inspector.service';
import type { ProfileEnvReport } from './profile-env.inspector';

/**
 * Text views of the `debug` commands, as pure functions of the data (each returns lines). Secrets: profile
 * values are shown through `maskProfile`, so a static value never appears in full.
 */

const STATUS_MARK: Record<string, string> = {
  upcoming: '○',
  running: '◐',
  success: '●',
  failed: '✗',
  cancelled: '◌',
};

function jobName(jobs: readonly Job[], id: string | null): string {
  if (id === null) return '-';
  return jobs.find((j) => j.id === id)?.name ?? `${shortId(id)} (missing)`;
}

function profileName(profiles: readonly Profile[], id: string | null): string {
  if (id === null) return '-';
  return profiles.find((p) => p.id === id)?.name ?? `${shortId(id)} (missing)`;
}

export function renderTasks(tasks: readonly Task[], jobs: readonly Job[]): string[] {
  if (!tasks.length) return ['No tasks.'];
  return formatTable(
    ['ID', 'ENABLED', 'MODEL', 'SCHEDULE', 'JOB', 'NAME'],
    tasks.map((t) => [
      shortId(t.id),
      t.enabled ? 'yes' : 'no',
      t.model,
      scheduleSummary(t),
      jobName(jobs, t.job_id),
      t.name,
    ]),
  );
}

export function renderTask(task: Task, snap: Pick<DataSnapshot, 'jobs' | 'profiles' | 'runs'>): string[] {
  const runs = snap.runs.filter((r) => r.task_id === task.id);
  const count = (s: string): number => runs.filter((r) => r.status === s).length;
  const lines = formatFields([
    ['ID', task.id],
    ['Name', task.name],
    ['Enabled', task.enabled ? 'yes' : 'no'],
    ['Job', task.job_id ? `${jobName(snap.jobs, task.job_id)} (${task.job_id})` : '-'],
    ['Profile', task.profile ? `${profileName(snap.profiles, task.profile)} (${task.profile})` : '-'],
    ['Model', task.model],
    ['Permissions', task.permissions],
    ['Session mode', task.session_mode],
    ['Schedule', scheduleSummary(task)],
    ['Retry', task.retry.enabled ? `up to ${task.retry.max_attempts} more, ${task.retry.delay_seconds}s apart` : 'off'],
    ['Commit on success', task.commit_on_success ? 'yes' : 'no'],
    ['Allowed tools', task.allowed_tools.join(', ') || '-'],
    ['Disallowed tools', task.disallowed_tools.join(', ') || '-'],
    ['Timeout', task.timeout_seconds === null ? 'default' : `${task.timeout_seconds}s`],
    ['Last session', orDash(task.last_session_id)],
    ['Runs', `${runs.length} (${count('success')} ok, ${count('failed')} failed, ${count('cancelled')} cancelled)`],
    ['Created', task.created_at],
    ['Updated', task.updated_at],
    ['Prompt type', task.prompt_type],
  ]);
  return [...lines, 'Prompt:', ...(task.prompt ? task.prompt.split('\n').map((l) => `  ${l}`) : ['  (empty)'])];
}

export function renderRuns(runs: readonly Run[], total: number): string[] {
  if (!runs.length) return ['No runs.'];
  const table = formatTable(
    ['ID', 'STATUS', 'SCHEDULED', 'DURATION', 'EXIT', 'TASK'],
    runs.map((r) => [
      shortId(r.id),
      `${STATUS_MARK[r.status] ?? '?'} ${r.status}`,
      r.scheduled_time,
      formatDuration(r.duration),
      orDash(r.exit_code),
      r.task_name || shortId(r.task_id),
    ]),
  );
  return [...table, `(${runs.length} of ${total} runs, newest first)`];
}

export function renderRun(run: Run, logs: readonly RunLogFileInfo[]): string[] {
  const files = logs.filter((f) => f.runId === run.id.toLowerCase());
  const lines = formatFields([
    ['ID', run.id],
    ['Task', `${run.task_name || '-'} (${run.task_id})`],
    ['Job', orDash(run.job_id)],
    ['Status', run.status + (run.status_reason ? ` (${run.status_reason})` : '')],
    ['Attempt', String(run.attempt)],
    ['Trigger', orDash(run.trigger)],
    ['Scheduled', run.scheduled_time],
    ['Started', orDash(run.start_time)],
    ['Ended', orDash(run.end_time)],
    ['Duration', formatDuration(run.duration)],
    ['Exit code', orDash(run.exit_code)],
    ['Session', orDash(run.session_id)],
    ['Node', orDash(run.node_id)],
    ['Model', orDash(run.model)],
    ['Cost (USD)', run.cost_usd === null ? '-' : run.cost_usd.toFixed(4)],
    [
      'Tokens',
      run.input_tokens === null && run.output_tokens === null
        ? '-'
        : `${orDash(run.input_tokens)} in, ${orDash(run.output_tokens)} out, ${orDash(run.cache_read_tokens)} cache read`,
    ],
    ['Turns', orDash(run.num_turns)],
    ['Log files', files.length ? files.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ') : '-'],
  ]);
  const out = [...lines];
  if (run.errors) out.push('Errors:', ...run.errors.split('\n').map((l) => `  ${l}`));
  // Runs imported from the original keep their inline output.
  const inline = run['output'];
  if (typeof inline === 'string' && inline)
    out.push('Output (inline, imported):', ...inline.split('\n').map((l) => `  ${l}`));
  return out;
}

export function renderLogFiles(files: readonly RunLogFileInfo[], runs: readonly Run[], total: number): string[] {
  if (!files.length) return ['No log files.'];
  const table = formatTable(
    ['RUN', 'KIND', 'SIZE', 'MODIFIED', 'TASK', 'PATH'],
    files.map((f) => [
      f.runId,
      f.kind,
      formatBytes(f.size),
      f.mtime.toISOString(),
      runs.find((r) => r.id.toLowerCase() === f.runId)?.task_name || '-',
      f.path,
    ]),
  );
  return [...table, `(${files.length} of ${total} log files, newest first)`];
}

function renderEnvVarLine(v: Profile['env_vars'][number]): string {
  const value = v.source === 'unset' ? '(removed from the environment)' : v.value || '(empty)';
  const config = v.config && Object.keys(v.config).length ? ` ${JSON.stringify(v.config)}` : '';
  return `    ${v.name} [${v.source}] ${value}${config}`;
}

/** Profiles with their variables; static values masked (maskProfile), references (env names, secret ids) shown. */
export function renderProfiles(profiles: readonly Profile[]): string[] {
  if (!profiles.length) return ['No profiles.'];
  const out: string[] = [];
  for (const raw of profiles) {
    const p = maskProfile(raw);
    out.push(`${p.name} (${p.id})${p.description ? ` - ${p.description}` : ''}`);
    if (!p.env_vars.length) out.push('    (no variables)');
    for (const v of p.env_vars) out.push(renderEnvVarLine(v));
  }
  return out;
}

function settingValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function renderSettings(settings: Settings): string[] {
  return formatFields(
    Object.keys(settings)
      .sort()
      .map((k) => [k, settingValue(settings[k])] as const),
  );
}

function statusWord(s: PathStatus): string {
  return s.exists ? 'exists' : 'missing';
}

export function renderDataDirReport(r: DataDirReport): string[] {
  const holder = r.lockFile.holder;
  const lock = holder
    ? `held by pid ${holder.pid} on ${holder.host} since ${holder.started_at || '?'}` +
      (holder.alive === null ? ' (other host)' : holder.alive ? ' (running)' : ' (not running: stale)')
    : r.lockFile.exists
      ? 'present but unreadable'
      : 'not held';
  const rows: [string, string, string][] = [
    ['data dir', r.dataDir.path, `${statusWord(r.dataDir)} (from ${r.dataDir.source})`],
    ...Object.entries(r.files).map(([name, s]): [string, string, string] => [name, s.path, statusWord(s)]),
    ['logs dir', r.logsDir.path, r.logsDir.exists ? `exists, ${r.logsDir.logFiles} log files` : 'missing'],
    ['lock file', r.lockFile.path, lock],
    ['legacy data', r.legacy.dataDir.path, `${statusWord(r.legacy.dataDir)} (import-legacy --from default)`],
    ['legacy logs', r.legacy.logsDir.path, `${statusWord(r.legacy.logsDir)} (import-legacy --from-logs default)`],
  ];
  return formatTable(['WHAT', 'PATH', 'STATUS'], rows);
}

/** Everything at once: settings digest, profiles (masked), jobs, tasks, the newest runs, log stats. */
export function renderAll(snap: DataSnapshot, newestRuns: readonly Run[], logs: readonly RunLogFileInfo[]): string[] {
  const s = snap.settings;
  const section = (title: string): string[] => ['', `== ${title} ==`];
  const logBytes = logs.reduce((n, f) => n + f.size, 0);
  return [
    `Data directory: ${snap.dataDir}${snap.exists ? '' : ' (missing)'}`,
    ...section('Settings'),
    ...formatFields([
      ['mock_mode', String(s.mock_mode)],
      ['max_concurrent_tasks', String(s.max_concurrent_tasks)],
      ['unmask_env_vars', String(s.unmask_env_vars)],
      ['run_retention_count', String(s.run_retention_count)],
      ['log_retention_days', String(s.log_retention_days)],
      ['claude_cli_path', orDash(s.claude_cli_path)],
    ]),
    ...section(`Profiles (${snap.profiles.length})`),
    ...renderProfiles(snap.profiles),
    ...section(`Jobs (${snap.jobs.length})`),
    ...(snap.jobs.length
      ? formatTable(
          ['ID', 'STATUS', 'TASKS', 'NAME'],
          snap.jobs.map((j) => [shortId(j.id), j.status, String(j.task_order.length), excerpt(j.name, 60)]),
        )
      : ['No jobs.']),
    ...section(`Tasks (${snap.tasks.length})`),
    ...renderTasks(snap.tasks, snap.jobs),
    ...section(`Newest runs (${newestRuns.length} of ${snap.runs.length})`),
    ...renderRuns(newestRuns, snap.runs.length).slice(0, newestRuns.length ? -1 : undefined),
    ...section('Logs'),
    `${logs.length} files, ${formatBytes(logBytes)}${logs[0] ? `, newest ${logs[0].mtime.toISOString()}` : ''}`,
  ];
}

export function renderProfileEnv(r: ProfileEnvReport): string[] {
  const out = [`Profile: ${r.profile.name} (${r.profile.id})`];
  if (!r.vars.length) return [...out, 'No variables.'];
  out.push(
    ...formatTable(
      ['NAME', 'SOURCE', 'RESULT', 'VALUE'],
      r.vars.map((v) => {
        switch (v.outcome) {
          case 'set':
            return [v.name, v.from, 'set', `${v.value ?? ''} (length ${v.length ?? 0})`];
          case 'unset':
            return [v.name, v.from, 'unset', '(removed from the environment)'];
          case 'skipped':
            return [v.name, v.from, 'skipped', '(empty value; left out, it would break authentication)'];
          case 'error':
            return [v.name, v.from, 'ERROR', v.error ?? ''];
        }
      }),
    ),
  );
  out.push(
    r.unmasked
      ? 'Values are shown in full because settings.unmask_env_vars is true.'
      : 'Values are masked; set settings.unmask_env_vars to true to see them.',
  );
  return out;
}
