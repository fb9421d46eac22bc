'use client';
import { useEffect, useState } from 'react';
import { api, humanError } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { formatCost, formatTokens, formatWhen } from '@/lib/format';
import { CATCHUP_LABELS, OVERLAP_LABELS } from '@/lib/schedule';
import type { ClusterNode, Occurrence, Settings } from '@/lib/types';
import { SHORTCUTS } from '@/lib/shortcuts';
import { Dialog, ErrorBanner, Field, StatusBadge, useAction } from './ui';

type NumKey =
  | 'max_concurrent_tasks'
  | 'default_timeout_seconds'
  | 'stop_grace_seconds'
  | 'max_output_bytes'
  | 'mock_duration_ms'
  | 'catchup_window_hours'
  | 'run_retention_count'
  | 'log_retention_days';
type BoolKey = 'mock_mode' | 'unmask_env_vars' | 'compact_mode' | 'show_token_usage' | 'auto_scroll_logs';

/** The settings that change what the scheduler or the dashboard does. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { state, setSettings } = useDashboard();
  const [s, setS] = useState<Settings | null>(state.settings);
  const save = useAction();
  if (!s) return null;
  const f = save.liveFields(s);
  const set = (p: Partial<Settings>): void => setS({ ...s, ...p });
  const numField = (key: NumKey, label: string, hint?: string, min?: number, max?: number) => (
    <Field label={label} error={f[key]} hint={hint}>
      {(p) => (
        <input
          {...p}
          type="number"
          min={min}
          max={max}
          value={Number.isFinite(s[key]) ? s[key] : ''}
          onChange={(e) => set({ [key]: e.target.value === '' ? NaN : Number(e.target.value) })}
        />
      )}
    </Field>
  );
  const check = (key: BoolKey, label: string, hint?: string) => (
    <label className="check" title={hint}>
      <input type="checkbox" checked={s[key]} onChange={(e) => set({ [key]: e.target.checked })} />
      {label}
      {hint && <span className="muted small"> — {hint}</span>}
    </label>
  );

  const submit = async (): Promise<void> => {
    const body: Partial<Settings> = {
      max_concurrent_tasks: s.max_concurrent_tasks,
      mock_mode: s.mock_mode,
      mock_duration_ms: s.mock_duration_ms,
      claude_cli_path: s.claude_cli_path?.trim() ? s.claude_cli_path.trim() : null,
      default_model: s.default_model,
      default_working_directory: s.default_working_directory,
      default_timeout_seconds: s.default_timeout_seconds,
      stop_grace_seconds: s.stop_grace_seconds,
      max_output_bytes: s.max_output_bytes,
      default_overlap_policy: s.default_overlap_policy,
      default_catchup_policy: s.default_catchup_policy,
      catchup_window_hours: s.catchup_window_hours,
      run_retention_count: s.run_retention_count,
      log_retention_days: s.log_retention_days,
      unmask_env_vars: s.unmask_env_vars,
      theme: s.theme,
      show_token_usage: s.show_token_usage,
      auto_scroll_logs: s.auto_scroll_logs,
      compact_mode: s.compact_mode,
    };
    const ok = await save.run(
      'save the settings',
      async () => {
        const r = await api.put<{ settings: Settings }>('/api/settings', body);
        setSettings(r.settings);
        return true;
      },
      s,
    );
    if (ok) onClose();
  };

  return (
    <Dialog
      title="Settings"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="settings-form" className="btn btn-primary" disabled={save.busy}>
            Save settings
          </button>
        </>
      }
    >
      <form
        noValidate
        id="settings-form"
        className="form settings"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={save.error} />
        <fieldset>
          <legend>Runs</legend>
          <div className="grid-3">
            {numField('max_concurrent_tasks', 'Runs at the same time', undefined, 1, 64)}
            {numField('default_timeout_seconds', 'Default timeout (s)', 'When a task sets none', 1)}
            {numField('stop_grace_seconds', 'Stop grace (s)', 'SIGTERM, then SIGKILL after this', 0, 300)}
            {numField('max_output_bytes', 'Output kept per run (bytes)', undefined, 1024)}
          </div>
          <div className="grid-2">
            <Field label="Default model" error={f['default_model']}>
              {(p) => <input {...p} value={s.default_model} onChange={(e) => set({ default_model: e.target.value })} />}
            </Field>
            <Field label="Default working directory" error={f['default_working_directory']}>
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={s.default_working_directory}
                  onChange={(e) => set({ default_working_directory: e.target.value })}
                />
              )}
            </Field>
            <Field label="Claude CLI path" error={f['claude_cli_path']} hint="Empty = find `claude` on the PATH">
              {(p) => (
                <input
                  {...p}
                  className="mono"
                  value={s.claude_cli_path ?? ''}
                  onChange={(e) => set({ claude_cli_path: e.target.value })}
                />
              )}
            </Field>
          </div>
          {check('mock_mode', 'Mock mode', 'runs simulate Claude instead of calling it')}
          {s.mock_mode && numField('mock_duration_ms', 'Mock run length (ms)', undefined, 0)}
        </fieldset>
        <fieldset>
          <legend>Schedules</legend>
          <div className="grid-3">
            <Field label="If still running when due" error={f['default_overlap_policy']}>
              {(p) => (
                <select
                  {...p}
                  value={s.default_overlap_policy}
                  onChange={(e) =>
                    set({ default_overlap_policy: e.target.value as Settings['default_overlap_policy'] })
                  }
                >
                  {Object.entries(OVERLAP_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Missed while stopped" error={f['default_catchup_policy']}>
              {(p) => (
                <select
                  {...p}
                  value={s.default_catchup_policy}
                  onChange={(e) =>
                    set({ default_catchup_policy: e.target.value as Settings['default_catchup_policy'] })
                  }
                >
                  {Object.entries(CATCHUP_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {numField('catchup_window_hours', 'Catch-up window (hours)', undefined, 0)}
          </div>
        </fieldset>
        <fieldset>
          <legend>Data</legend>
          <div className="grid-3">
            {numField('run_retention_count', 'Runs kept per task', undefined, 1)}
            {numField('log_retention_days', 'Logs kept (days)', undefined, 1, 3650)}
          </div>
          {check('unmask_env_vars', 'Allow showing profile secrets unmasked', 'API clients may ask for them')}
        </fieldset>
        <fieldset>
          <legend>Appearance</legend>
          <Field label="Theme" error={f['theme']}>
            {(p) => (
              <select {...p} value={s.theme} onChange={(e) => set({ theme: e.target.value })}>
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            )}
          </Field>
          {check('compact_mode', 'Compact lists')}
          {check('show_token_usage', 'Show token counts')}
          {check('auto_scroll_logs', 'Auto-scroll logs')}
        </fieldset>
      </form>
    </Dialog>
  );
}

const OCCURRENCE_TEXT: Record<string, string> = {
  run: 'ran',
  skipped_overlap: 'skipped (still running)',
  queued_overlap: 'queued (still running)',
  replaced_overlap: 'replaced the running one',
  missed_downtime: 'missed (scheduler was down)',
  skipped_disabled: 'skipped (task disabled)',
  skipped_invalid_date: 'skipped (no such date)',
};

/** What became of each due slot of a task: a run, or why not. */
export function OccurrencesDialog({ taskId, onClose }: { taskId: string; onClose: () => void }) {
  const { state, subscribe, openRun } = useDashboard();
  const task = state.tasks.find((t) => t.id === taskId);
  const [items, setItems] = useState<Occurrence[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void => {
      api
        .get<{ occurrences: Occurrence[] }>(`/api/tasks/${taskId}/occurrences?limit=200`)
        .then((r) => setItems(r.occurrences))
        .catch((err: unknown) => setError(humanError(err, 'load the occurrences')));
    };
    load();
    return subscribe((type, data) => {
      if (type === 'occurrence.created' && (data as Occurrence).task_id === taskId) load();
    });
  }, [taskId, subscribe]);
  return (
    <Dialog title={`Occurrences: ${task?.name ?? taskId.slice(0, 8)}`} onClose={onClose} wide>
      <ErrorBanner error={error} />
      <p className="muted small">
        Every slot a schedule made due leaves a trace here: the run it started, or why it did not.
      </p>
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">No scheduled slots yet. Manual runs do not appear here.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Scheduled</th>
              <th>Outcome</th>
              <th>Reason</th>
              <th>Run</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <td className="mono">{new Date(o.scheduled_time).toLocaleString()}</td>
                <td>{OCCURRENCE_TEXT[o.kind] ?? o.kind}</td>
                <td>{o.reason ?? ''}</td>
                <td>
                  {o.run_id && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        openRun({ id: o.run_id!, task_id: taskId });
                        onClose();
                      }}
                    >
                      {o.run_id.slice(0, 8)}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}

/** Daemon mode: the worker nodes of the fleet. */
export function NodesDialog({ onClose }: { onClose: () => void }) {
  const { subscribe } = useDashboard();
  const [nodes, setNodes] = useState<ClusterNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void => {
      api
        .get<{ nodes: ClusterNode[] }>('/api/nodes')
        .then((r) => setNodes(r.nodes))
        .catch((err: unknown) => setError(humanError(err, 'load the nodes')));
    };
    load();
    return subscribe((type) => {
      if (type === 'node.changed' || type === 'node.deleted') load();
    });
  }, [subscribe]);
  return (
    <Dialog title="Nodes" onClose={onClose} wide>
      <ErrorBanner error={error} />
      {nodes === null ? (
        <p className="muted">Loading…</p>
      ) : nodes.length === 0 ? (
        <p className="muted">No node has registered yet. Start one with `claude-code-scheduler node`.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Node</th>
              <th>Status</th>
              <th>Host</th>
              <th>Version</th>
              <th>Running</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id}>
                <td>{n.name || n.id}</td>
                <td>
                  <StatusBadge status={n.status} />
                  {n.status_reason && <div className="muted small">{n.status_reason}</div>}
                </td>
                <td className="mono">{n.host}</td>
                <td>{n.version}</td>
                <td>
                  {n.running_run_ids.length} / {n.capacity}
                </td>
                <td>{formatWhen(n.last_heartbeat)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}

interface Stats {
  nodes: Record<string, number>;
  runs: Record<string, number>;
  throughput: Record<string, number>;
  queues: Record<string, number>;
  totals: { runs: number; cost_usd: number; input_tokens: number; output_tokens: number };
}

/** Daemon mode: fleet-wide numbers, refreshed every few seconds. */
export function StatsDialog({ onClose }: { onClose: () => void }) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = (): void => {
      api
        .get<Stats>('/api/stats')
        .then((s) => {
          setStats(s);
          setError(null);
        })
        .catch((err: unknown) => setError(humanError(err, 'load the statistics')));
    };
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  const block = (title: string, o: Record<string, number>) => (
    <div className="stat-block">
      <h3 className="section-title">{title}</h3>
      <dl className="stats-list">
        {Object.entries(o).map(([k, v]) => (
          <div key={k}>
            <dt>{k.replace(/_/g, ' ')}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        {Object.keys(o).length === 0 && <div className="muted small">none</div>}
      </dl>
    </div>
  );
  return (
    <Dialog title="Statistics" onClose={onClose} wide>
      <ErrorBanner error={error} />
      {stats ? (
        <div className="stats-grid">
          {block('Runs', stats.runs)}
          {block('Nodes', stats.nodes)}
          {block('Finished runs', stats.throughput)}
          {block('Queue depth', stats.queues)}
          <div className="stat-block">
            <h3 className="section-title">Totals</h3>
            <dl className="stats-list">
              <div>
                <dt>runs</dt>
                <dd>{stats.totals.runs}</dd>
              </div>
              <div>
                <dt>cost</dt>
                <dd>{formatCost(stats.totals.cost_usd)}</dd>
              </div>
              <div>
                <dt>tokens</dt>
                <dd>{formatTokens(stats.totals.input_tokens + stats.totals.output_tokens)}</dd>
              </div>
            </dl>
          </div>
        </div>
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
    </Dialog>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const rows: [string, string][] = [
    ...SHORTCUTS.map((s): [string, string] => [s.keys, s.does]),
    ['↑ ↓ Home End', 'Move within a list (Tab enters and leaves it)'],
    ['← →', 'Move between the buttons of a list row, the tabs and the options'],
    ['Alt+↑ / Alt+↓', 'Move the focused task within its job'],
  ];
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="table">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        The single-key shortcuts work while the focus is not in a text field; they leave the browser’s own keys (Ctrl+N,
        Ctrl+R, Ctrl+D…) alone.
      </p>
    </Dialog>
  );
}
