'use client';
import { api } from '@/lib/api';
import { useDashboard, type RunFilter } from '@/lib/dashboard-store';
import { formatCost, formatDuration, formatTokens, formatWhen, runTokens } from '@/lib/format';
import type { Run } from '@/lib/types';
import { useCallback } from 'react';
import { ErrorBanner, RUN_ICON, StatusBadge, cx, useAction, useConfirm } from './ui';
import { VirtualList } from './virtual-list';
import { Icon } from './icons';

const FILTERS: { value: RunFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'running', label: 'Running' },
  { value: 'success', label: 'Success' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
];

const active = (r: Run): boolean => r.status === 'running' || r.status === 'upcoming';

/** Seconds a run has taken so far (running) or took. */
export function runSeconds(r: Run, now = Date.now()): number | null {
  if (r.duration !== null && r.duration !== undefined) return r.duration;
  if (r.start_time && r.status === 'running') return (now - new Date(r.start_time).getTime()) / 1000;
  return null;
}

export function RunsPanel() {
  const { state, selectRun, setRunFilter, loadMoreRuns } = useDashboard();
  const action = useAction();
  const confirm = useConfirm();
  const task = state.tasks.find((t) => t.id === state.selectedTaskId);
  const job = state.jobs.find((j) => j.id === state.selectedJobId);
  const scope = task ? task.name : job ? job.name : 'all tasks';
  const showTokens = state.settings?.show_token_usage !== false;

  const remove = async (r: Run): Promise<void> => {
    const ok = await confirm({
      title: 'Delete run',
      danger: true,
      confirmLabel: 'Delete run',
      message: <p>Delete this run of {r.task_name} and its logs?</p>,
    });
    if (ok) await action.run('delete the run', () => api.del(`/api/runs/${r.id}`));
  };

  const more = useCallback(() => void loadMoreRuns().catch(() => undefined), [loadMoreRuns]);
  const getKey = useCallback((r: Run) => r.id, []);

  return (
    <section className="pane" data-panel="runs" aria-labelledby="runs-title">
      <header className="pane-head">
        <h2 id="runs-title" title={`Runs of ${scope}`}>
          Runs <span className="muted small">· {scope}</span>
        </h2>
        <label className="filter">
          <span className="sr-only">Filter runs by status</span>
          <select value={state.runFilter} onChange={(e) => setRunFilter(e.target.value as RunFilter)}>
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <VirtualList
        items={state.runs}
        getKey={getKey}
        label="Runs"
        estimateSize={58}
        selectedKey={state.selectedRunId}
        onEndReached={state.runsCursor ? more : undefined}
        rowClassName={(r) => cx('run-item', state.selectedRunId === r.id && 'selected')}
        rowProps={(r) => ({ 'data-run-id': r.id })}
        footer={
          <>
            {state.runsCursor && (
              <div className="load-more">
                <button type="button" className="btn btn-small" disabled={state.runsLoading} onClick={more}>
                  {state.runsLoading ? 'Loading older runs…' : 'Load older runs'}
                </button>
              </div>
            )}
            {state.runs.length === 0 && state.ready && (
              <p className="empty">{state.runFilter === 'all' ? 'No runs yet.' : `No ${state.runFilter} runs.`}</p>
            )}
          </>
        }
        renderItem={(r, row) => {
          const selected = state.selectedRunId === r.id;
          const tokens = runTokens(r);
          return (
            <>
              <span className={cx('item-icon', `run-${r.status}`)} aria-hidden>
                {RUN_ICON[r.status]}
              </span>
              <div className="item-main">
                <button
                  type="button"
                  data-primary
                  tabIndex={row.tabIndex}
                  className="item-select"
                  aria-current={selected ? 'true' : undefined}
                  aria-label={`Run of ${r.task_name}, ${r.status}`}
                  aria-describedby={`run-${r.id}-facts`}
                  onClick={() => selectRun(r.id)}
                >
                  <span className="item-title">{r.task_name || r.task_id.slice(0, 8)}</span>{' '}
                  <StatusBadge status={r.status} />
                </button>
                <span className="item-facts" id={`run-${r.id}-facts`}>
                  <span className="item-sub run-facts">
                    <span title={r.scheduled_time}>{formatWhen(r.start_time ?? r.scheduled_time)}</span>
                    {runSeconds(r) !== null && <span title="duration">{formatDuration(runSeconds(r))}</span>}
                    {r.cost_usd !== null && <span title="cost">{formatCost(r.cost_usd)}</span>}
                    {showTokens && tokens !== null && (
                      <span title={`${r.input_tokens ?? 0} in, ${r.output_tokens ?? 0} out`}>
                        {formatTokens(tokens)} tokens
                      </span>
                    )}
                    {r.trigger && r.trigger !== 'manual' && <span className="muted">{r.trigger}</span>}
                    {r.attempt > 1 && <span className="muted">attempt {r.attempt}</span>}
                  </span>
                  {r.status_reason && r.status !== 'success' && (
                    <span className="item-sub reason">{r.status_reason}</span>
                  )}
                </span>
              </div>
              <span className="item-actions">
                {active(r) ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Stop run of ${r.task_name}`}
                    title="Stop"
                    onClick={() => void action.run('stop the run', () => api.post(`/api/runs/${r.id}/stop`))}
                  >
                    <Icon name="stop" />
                  </button>
                ) : (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Restart run of ${r.task_name}`}
                    title="Run again"
                    onClick={() =>
                      void action.run('restart the run', async () => {
                        const res = await api.post<{ run_id: string }>(`/api/runs/${r.id}/restart`);
                        selectRun(res.run_id);
                      })
                    }
                  >
                    <Icon name="restart" />
                  </button>
                )}
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn danger"
                  aria-label={`Delete run of ${r.task_name}`}
                  title={active(r) ? 'Stop it first' : 'Delete'}
                  disabled={active(r)}
                  onClick={() => void remove(r)}
                >
                  <Icon name="trash" />
                </button>
              </span>
            </>
          );
        }}
      />
    </section>
  );
}
