'use client';
/**
 * The run history as a table: every run, a page at a time as the table is scrolled. Task, job and status filter on
 * the server (the API pages by cursor over them); the date range, the text search and the column sort apply to the
 * runs loaded so far, because the API offers none of them yet.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useDashboard } from '@/lib/dashboard-store';
import { formatCost, formatDuration, formatTokens, formatWhen, plural, runTokens } from '@/lib/format';
import type { Run } from '@/lib/types';
import { RUN_STATUS_LIST } from '@/lib/types';
import type { HistoryFilters, HistorySort, RunFilter } from '@/lib/url-state';
import { runSeconds } from './runs-panel';
import { StatusBadge, cx } from './ui';

const ROW = 34;

/** The runs that pass the client-side filters (date range by local start day, text), sorted by a column. */
export function historyRows(runs: Run[], h: HistoryFilters, now = Date.now()): Run[] {
  const q = h.q.trim().toLocaleLowerCase();
  const day = (r: Run): string => {
    const d = new Date(r.start_time ?? r.scheduled_time);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  const rows = runs.filter((r) => {
    if (h.from && day(r) < h.from) return false;
    if (h.to && day(r) > h.to) return false;
    if (!q) return true;
    return [r.task_name, r.trigger, r.status, r.status_reason, r.node_id, r.id, r.model].some(
      (v) => typeof v === 'string' && v.toLocaleLowerCase().includes(q),
    );
  });
  const key: Record<HistorySort, (r: Run) => number | string | null> = {
    start: (r) => r.start_time ?? r.scheduled_time,
    duration: (r) => runSeconds(r, now),
    cost: (r) => r.cost_usd,
    tokens: (r) => runTokens(r),
    trigger: (r) => r.trigger,
    status: (r) => r.status,
  };
  const get = key[h.sort];
  const dir = h.desc ? -1 : 1;
  return rows
    .map((r) => ({ r, k: get(r) }))
    .sort((a, b) => {
      // Runs without a value (no cost yet, still running) go last whichever the direction.
      if (a.k === null || a.k === undefined) return b.k === null || b.k === undefined ? 0 : 1;
      if (b.k === null || b.k === undefined) return -1;
      return (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * dir;
    })
    .map((x) => x.r);
}

const COLUMNS: { id: HistorySort | null; label: string; num?: boolean }[] = [
  { id: null, label: 'Task' },
  { id: 'status', label: 'Status' },
  { id: 'start', label: 'Started' },
  { id: 'duration', label: 'Duration', num: true },
  { id: 'cost', label: 'Cost', num: true },
  { id: 'tokens', label: 'Tokens', num: true },
  { id: 'trigger', label: 'Trigger' },
];

export function HistoryView() {
  const { state, selectJob, selectTask, setRunFilter, setHistory, loadMoreRuns, openRun } = useDashboard();
  const h = state.history;
  const rows = useMemo(() => historyRows(state.runs, h), [state.runs, h]);
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const pendingFocus = useRef(false);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length ? items[items.length - 1].index : -1;
  // Near the end of what is loaded: fetch the next page (the filters may hide most of a page, so keep going).
  useEffect(() => {
    if (state.runsCursor && !state.runsLoading && last >= rows.length - 10) void loadMoreRuns().catch(() => undefined);
  }, [last, rows.length, state.runsCursor, state.runsLoading, loadMoreRuns]);
  useEffect(() => {
    if (!pendingFocus.current) return;
    const el = scroller.current?.querySelector<HTMLElement>(`tr[data-index="${active}"] [data-primary]`);
    if (el) {
      pendingFocus.current = false;
      el.focus();
    }
  });

  const taskValue = state.selectedTaskId && state.selectedTaskId !== 'new' ? state.selectedTaskId : '';
  const tasksOfJob = state.selectedJobId ? state.tasks.filter((t) => t.job_id === state.selectedJobId) : state.tasks;
  const stop = Math.min(active, Math.max(0, rows.length - 1));
  const top = items.length ? items[0].start : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const clientFiltered = !!(h.q.trim() || h.from || h.to);

  const move = (to: number): void => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActive(i);
    pendingFocus.current = true;
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  return (
    <div className="page history" aria-labelledby="history-title">
      <div className="page-head">
        <h2 id="history-title">Run history</h2>
        <span className="muted small" role="status">
          {clientFiltered ? `${rows.length} of ` : ''}
          {plural(state.runs.length, 'run')} loaded{state.runsCursor ? ', more as you scroll' : ', all of them'}
        </span>
      </div>
      <form className="filters" role="search" aria-label="Filter the run history" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Job</span>
          <select value={state.selectedJobId ?? ''} onChange={(e) => selectJob(e.target.value || null)}>
            <option value="">All jobs</option>
            {state.jobs.map((j) => (
              <option key={j.id} value={j.id}>
                {j.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Task</span>
          <select value={taskValue} onChange={(e) => selectTask(e.target.value || null)}>
            <option value="">All tasks</option>
            {tasksOfJob.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Status</span>
          <select value={state.runFilter} onChange={(e) => setRunFilter(e.target.value as RunFilter)}>
            <option value="all">Any status</option>
            {RUN_STATUS_LIST.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>From</span>
          <input
            type="date"
            value={h.from}
            max={h.to || undefined}
            onChange={(e) => setHistory({ from: e.target.value })}
          />
        </label>
        <label>
          <span>To</span>
          <input
            type="date"
            value={h.to}
            min={h.from || undefined}
            onChange={(e) => setHistory({ to: e.target.value })}
          />
        </label>
        <label className="grow">
          <span>Search</span>
          <input
            type="search"
            value={h.q}
            placeholder="task, trigger, reason, node, run id"
            onChange={(e) => setHistory({ q: e.target.value })}
          />
        </label>
      </form>
      <p className="muted small filters-note">
        Job, task and status are filtered by the scheduler; dates, search and sorting apply to the runs loaded so far.
      </p>
      <div className="table-scroll history-scroll" ref={scroller}>
        <table className="table history-table" aria-label="Runs" aria-rowcount={rows.length + 1}>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const sorted = c.id !== null && h.sort === c.id;
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={cx(c.num && 'num')}
                    aria-sort={sorted ? (h.desc ? 'descending' : 'ascending') : undefined}
                  >
                    {c.id === null ? (
                      c.label
                    ) : (
                      <button
                        type="button"
                        className="sort"
                        onClick={() => setHistory({ sort: c.id!, desc: sorted ? !h.desc : true })}
                      >
                        {c.label}
                        <span aria-hidden className="sort-mark">
                          {sorted ? (h.desc ? '▼' : '▲') : ''}
                        </span>
                      </button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody
            onKeyDown={(e) => {
              const to = {
                ArrowDown: stop + 1,
                ArrowUp: stop - 1,
                Home: 0,
                End: rows.length - 1,
                PageDown: stop + 15,
                PageUp: stop - 15,
              }[e.key];
              if (to === undefined) return;
              e.preventDefault();
              move(to);
            }}
          >
            {top > 0 && (
              <tr aria-hidden className="spacer-row">
                <td colSpan={COLUMNS.length} style={{ height: top }} />
              </tr>
            )}
            {items.map((v) => {
              const r = rows[v.index];
              const tokens = runTokens(r);
              return (
                <tr
                  key={r.id}
                  data-index={v.index}
                  data-run-id={r.id}
                  aria-rowindex={v.index + 2}
                  className={cx(state.selectedRunId === r.id && 'selected')}
                  style={{ height: ROW }}
                >
                  <td className="task-cell">
                    <button
                      type="button"
                      className="link-btn"
                      data-primary
                      tabIndex={v.index === stop ? 0 : -1}
                      onFocus={() => setActive(v.index)}
                      onClick={() => openRun(r)}
                      aria-label={`${r.task_name || r.task_id.slice(0, 8)}: open this run`}
                    >
                      {r.task_name || r.task_id.slice(0, 8)}
                    </button>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td title={r.start_time ?? r.scheduled_time}>{formatWhen(r.start_time ?? r.scheduled_time)}</td>
                  <td className="num">{formatDuration(runSeconds(r))}</td>
                  <td className="num">{formatCost(r.cost_usd)}</td>
                  <td className="num">{tokens === null ? '' : formatTokens(tokens)}</td>
                  <td>{r.trigger ?? ''}</td>
                </tr>
              );
            })}
            {bottom > 0 && (
              <tr aria-hidden className="spacer-row">
                <td colSpan={COLUMNS.length} style={{ height: bottom }} />
              </tr>
            )}
          </tbody>
        </table>
        {rows.length === 0 && state.ready && (
          <p className="empty">
            {state.runs.length === 0 ? 'No runs match.' : 'No loaded run matches; scroll or load more.'}
          </p>
        )}
        {state.runsCursor && (
          <div className="load-more">
            <button
              type="button"
              className="btn btn-small"
              disabled={state.runsLoading}
              onClick={() => void loadMoreRuns().catch(() => undefined)}
            >
              {state.runsLoading ? 'Loading older runs…' : 'Load older runs'}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
