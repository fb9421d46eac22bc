'use client';
import { useCallback, useMemo, useRef, useState } from 'react';
import { api, humanError, qs } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { formatCost, formatWhen, plural } from '@/lib/format';
import { describeSchedule } from '@core/schedule';
import { scheduleBody } from '@/lib/schedule';
import type { Run, TaskView } from '@/lib/types';
import { forEachLimited } from '@/lib/bulk';
import { ErrorBanner, cx, useAction, useConfirm, useOpenDialog } from './ui';
import { VirtualList } from './virtual-list';
import { Icon } from './icons';

/** The tasks in view: those of the selected job in its task order (then any not in the order), or all tasks. */
export function visibleTasks(tasks: TaskView[], jobId: string | null, taskOrder: string[] = []): TaskView[] {
  if (!jobId) return tasks;
  const mine = tasks.filter((t) => t.job_id === jobId);
  const pos = new Map(taskOrder.map((id, i) => [id, i]));
  return mine
    .map((t, i) => ({ t, k: pos.get(t.id) ?? taskOrder.length + i }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.t);
}

/** The body that creates a copy of a task: every field a new task can take, copied deeply. */
export function taskCopyBody(t: TaskView): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      name: `${t.name} (Copy)`,
      job_id: t.job_id,
      enabled: false,
      model: t.model,
      profile: t.profile,
      prompt_type: t.prompt_type,
      prompt: t.prompt,
      permissions: t.permissions,
      session_mode: t.session_mode,
      allowed_tools: t.allowed_tools,
      disallowed_tools: t.disallowed_tools,
      schedule: scheduleBody(t.schedule),
      retry: { ...t.retry },
      notifications: { ...t.notifications },
      commit_on_success: t.commit_on_success,
      timeout_seconds: t.timeout_seconds,
      max_turns: t.max_turns,
      max_budget_usd: t.max_budget_usd,
      append_system_prompt: t.append_system_prompt,
    }),
  ) as Record<string, unknown>;
}

export function isTaskActive(t: TaskView): boolean {
  return (t.stats?.running ?? 0) + (t.stats?.upcoming ?? 0) > 0;
}

/** Task actions shared by the list, the editor and the keyboard shortcuts. */
export function useTaskActions() {
  const { selectTask, selectRun } = useDashboard();
  const confirm = useConfirm();
  const action = useAction();
  return {
    action,
    run: (t: TaskView) =>
      action.run(`run "${t.name}"`, async () => {
        const { run } = await api.post<{ run_id: string; run: Run }>(`/api/tasks/${t.id}/run`);
        selectTask(t.id);
        selectRun(run.id);
      }),
    stop: (t: TaskView) =>
      action.run(`stop "${t.name}"`, async () => {
        const active = await Promise.all(
          (['running', 'upcoming'] as const).map((status) =>
            api.get<{ runs: Run[] }>(`/api/runs${qs({ task_id: t.id, status })}`),
          ),
        );
        const runs = active.flatMap((a) => a.runs);
        await Promise.all(runs.map((r) => api.post(`/api/runs/${r.id}/stop`)));
      }),
    duplicate: (t: TaskView) =>
      action.run(`duplicate "${t.name}"`, async () => {
        const { task } = await api.post<{ task: TaskView }>('/api/tasks', taskCopyBody(t));
        selectTask(task.id);
      }),
    toggle: (t: TaskView) =>
      action.run(`${t.enabled ? 'disable' : 'enable'} "${t.name}"`, async () => {
        await api.post(`/api/tasks/${t.id}/${t.enabled ? 'disable' : 'enable'}`);
      }),
    remove: async (t: TaskView) => {
      const runs = t.stats?.runs ?? 0;
      const ok = await confirm({
        title: 'Delete task',
        danger: true,
        confirmLabel: 'Delete task',
        message: (
          <>
            <p>
              Delete <strong>{t.name}</strong>
              {runs > 0 ? ` and its ${plural(runs, 'run')} with their logs` : ''}?
            </p>
            {isTaskActive(t) && <p className="muted">Its active runs are stopped first.</p>}
            <p className="muted">This cannot be undone.</p>
          </>
        ),
      });
      if (!ok) return;
      await action.run(`delete "${t.name}"`, async () => {
        await api.del(`/api/tasks/${t.id}`);
      });
    },
  };
}

function statusIcon(t: TaskView): { icon: string; cls: string; label: string } {
  if (isTaskActive(t)) return { icon: '◐', cls: 'running', label: 'running' };
  if (!t.enabled) return { icon: '○', cls: 'disabled', label: 'disabled' };
  if (t.last_run_status === 'failed') return { icon: '✗', cls: 'failed', label: 'last run failed' };
  return { icon: '●', cls: 'ready', label: 'enabled' };
}

/** Tasks whose name or prompt contains the text (any case). */
export function filterTasks(tasks: TaskView[], text: string): TaskView[] {
  const q = text.trim().toLocaleLowerCase();
  if (!q) return tasks;
  return tasks.filter((t) => t.name.toLocaleLowerCase().includes(q) || t.prompt.toLocaleLowerCase().includes(q));
}

type BulkKind = 'enable' | 'disable' | 'run' | 'delete';

/** Enable, disable, run or delete the checked tasks; delete asks first and says how many runs go with them. */
function useBulkActions(clear: () => void) {
  const confirm = useConfirm();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (kind: BulkKind, tasks: TaskView[]): Promise<void> => {
    if (tasks.length === 0) return;
    if (kind === 'delete') {
      const runs = tasks.reduce((n, t) => n + (t.stats?.runs ?? 0), 0);
      const ok = await confirm({
        title: 'Delete tasks',
        danger: true,
        confirmLabel: `Delete ${plural(tasks.length, 'task')}`,
        message: (
          <>
            <p>
              Delete {plural(tasks.length, 'task')}
              {runs > 0 ? ` and their ${plural(runs, 'run')} with the logs` : ''}?
            </p>
            <p className="muted">Active runs are stopped first. This cannot be undone.</p>
          </>
        ),
      });
      if (!ok) return;
    }
    setBusy(true);
    setError(null);
    setMessage(null);
    const result = await forEachLimited(tasks, (t) => {
      switch (kind) {
        case 'enable':
        case 'disable':
          return api.post(`/api/tasks/${t.id}/${kind}`);
        case 'run':
          return api.post(`/api/tasks/${t.id}/run`);
        case 'delete':
          return api.del(`/api/tasks/${t.id}`);
      }
    });
    setBusy(false);
    const verb = { enable: 'Enabled', disable: 'Disabled', run: 'Started', delete: 'Deleted' }[kind];
    if (result.failed.length > 0) {
      const first = result.failed[0];
      setError(
        `${verb} ${result.done.length} of ${plural(tasks.length, 'task')}; ${result.failed.length} failed. ` +
          `${first.item.name}: ${humanError(first.error)}`,
      );
    } else {
      setMessage(`${verb} ${plural(result.done.length, 'task')}.`);
      clear();
    }
  };
  return { act, busy, message, error, dismiss: () => (setError(null), setMessage(null)) };
}

export function TasksPanel() {
  const { state, selectTask } = useDashboard();
  const openDialog = useOpenDialog();
  const actions = useTaskActions();
  const reorder = useAction();
  const job = state.jobs.find((j) => j.id === state.selectedJobId) ?? null;
  const [filter, setFilter] = useState('');
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const tasks = useMemo(
    () => visibleTasks(state.tasks, state.selectedJobId, job?.task_order),
    [state.tasks, state.selectedJobId, job?.task_order],
  );
  const profileName = useMemo(() => new Map(state.profiles.map((p) => [p.id, p.name])), [state.profiles]);
  const dragId = useRef<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [optimistic, setOptimistic] = useState<string[] | null>(null);
  const bulk = useBulkActions(() => setChecked(new Set()));

  const ordered = optimistic
    ? optimistic.map((id) => tasks.find((t) => t.id === id)).filter((t): t is TaskView => !!t)
    : tasks;
  const shown = useMemo(() => filterTasks(ordered, filter), [ordered, filter]);
  // Checked tasks that are still in view (a deleted or filtered-out task is not acted on).
  const checkedShown = shown.filter((t) => checked.has(t.id));
  const allChecked = shown.length > 0 && checkedShown.length === shown.length;

  const toggleChecked = (id: string): void =>
    setChecked((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const saveOrder = async (ids: string[]): Promise<void> => {
    if (!job) return;
    setOptimistic(ids);
    await reorder.run('save the new task order', async () => {
      await api.put(`/api/jobs/${job.id}/task-order`, { task_order: ids });
    });
    setOptimistic(null);
  };

  const move = (id: string, before: string | null): void => {
    const ids = ordered.map((t) => t.id).filter((x) => x !== id);
    const at = before ? ids.indexOf(before) : ids.length;
    ids.splice(at < 0 ? ids.length : at, 0, id);
    if (ids.join() !== ordered.map((t) => t.id).join()) void saveOrder(ids);
  };
  const reorderable = !!job && !filter.trim();

  const getKey = useCallback((t: TaskView) => t.id, []);
  const title = job ? `Tasks of ${job.name}` : 'All tasks';
  return (
    <section className="pane" data-panel="task_list" aria-labelledby="tasks-title">
      <header className="pane-head">
        <h2 id="tasks-title" title={title}>
          {title}
        </h2>
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => selectTask('new')}
          title="New task (N)"
          aria-keyshortcuts="N"
        >
          + New task
        </button>
      </header>
      <div className="list-tools">
        <input
          type="checkbox"
          aria-label={allChecked ? 'Uncheck all tasks shown' : 'Check all tasks shown'}
          checked={allChecked}
          ref={(el) => {
            if (el) el.indeterminate = checkedShown.length > 0 && !allChecked;
          }}
          disabled={shown.length === 0}
          onChange={() => setChecked(allChecked ? new Set() : new Set(shown.map((t) => t.id)))}
        />
        <input
          type="search"
          className="list-filter"
          aria-label="Filter tasks by name or prompt"
          placeholder={`Filter ${plural(tasks.length, 'task')}… (/)`}
          aria-keyshortcuts="/"
          data-shortcut="filter-tasks"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {checkedShown.length > 0 && (
        <div className="bulk-bar" role="toolbar" aria-label="Checked tasks">
          <span className="bulk-count">{checkedShown.length} checked</span>
          <button
            type="button"
            className="btn btn-small"
            disabled={bulk.busy}
            onClick={() => void bulk.act('enable', checkedShown)}
          >
            Enable
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={bulk.busy}
            onClick={() => void bulk.act('disable', checkedShown)}
          >
            Disable
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={bulk.busy}
            onClick={() => void bulk.act('run', checkedShown)}
          >
            Run
          </button>
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            disabled={bulk.busy}
            onClick={() => void bulk.act('delete', checkedShown)}
          >
            Delete…
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setChecked(new Set())}>
            Uncheck
          </button>
        </div>
      )}
      {bulk.message && (
        <div className="note-banner" role="status">
          <span>{bulk.message}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={bulk.dismiss}>
            ×
          </button>
        </div>
      )}
      <ErrorBanner
        error={bulk.error ?? actions.action.error ?? reorder.error}
        onDismiss={() => (bulk.dismiss(), actions.action.clear(), reorder.clear())}
      />
      {job && tasks.length > 1 && (
        <p className="pane-note">
          {reorderable
            ? 'Drag tasks (or Alt+↑/↓) to set the order the job runs them in.'
            : 'Clear the filter to reorder the tasks.'}
        </p>
      )}
      <VirtualList
        items={shown}
        getKey={getKey}
        label="Tasks"
        estimateSize={78}
        selectedKey={state.selectedTaskId}
        rowClassName={(t) =>
          cx('task-item', state.selectedTaskId === t.id && 'selected', dropTarget === t.id && 'drop-target')
        }
        rowProps={(t) => ({
          draggable: reorderable,
          'data-task-id': t.id,
          onDragStart: (e) => {
            dragId.current = t.id;
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', t.id);
          },
          onDragOver: (e) => {
            if (!dragId.current || dragId.current === t.id) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'move';
            setDropTarget(t.id);
          },
          onDragLeave: () => setDropTarget((d) => (d === t.id ? null : d)),
          onDrop: (e) => {
            e.preventDefault();
            const from = dragId.current ?? e.dataTransfer.getData('text/plain');
            dragId.current = null;
            setDropTarget(null);
            if (!from || from === t.id) return;
            const ids = ordered.map((x) => x.id);
            // Dropping on a task further down puts the dragged one after it; further up, before it.
            const after = ids.indexOf(from) < ids.indexOf(t.id);
            move(from, after ? (ids[ids.indexOf(t.id) + 1] ?? null) : t.id);
          },
          onDragEnd: () => {
            dragId.current = null;
            setDropTarget(null);
          },
        })}
        onKeyDown={(e, t) => {
          if (!t || !reorderable || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
          e.preventDefault();
          const ids = ordered.map((x) => x.id);
          const i = ids.indexOf(t.id);
          const j = e.key === 'ArrowUp' ? i - 1 : i + 1;
          if (j < 0 || j >= ids.length) return;
          [ids[i], ids[j]] = [ids[j], ids[i]];
          void saveOrder(ids);
        }}
        footer={
          shown.length === 0 &&
          state.ready && (
            <p className="empty">
              {filter.trim()
                ? `No task matches “${filter.trim()}”.`
                : `${job ? 'This job has no tasks yet.' : 'No tasks yet.'} Create one with “+ New task”.`}
            </p>
          )
        }
        renderItem={(t, row) => {
          const selected = state.selectedTaskId === t.id;
          const st = statusIcon(t);
          const active = isTaskActive(t);
          const s = t.stats;
          const index = ordered.indexOf(t);
          return (
            <>
              <input
                type="checkbox"
                className="row-check"
                tabIndex={-1}
                aria-label={`Check task ${t.name}`}
                checked={checked.has(t.id)}
                onChange={() => toggleChecked(t.id)}
              />
              <button
                type="button"
                tabIndex={-1}
                className={cx('item-icon', 'toggle', `task-${st.cls}`)}
                aria-label={`${t.enabled ? 'Disable' : 'Enable'} task ${t.name}`}
                aria-pressed={t.enabled}
                title={`${st.label} — click to ${t.enabled ? 'disable' : 'enable'}`}
                onClick={() => void actions.toggle(t)}
              >
                {st.icon}
              </button>
              <div className="item-main">
                <button
                  type="button"
                  data-primary
                  tabIndex={row.tabIndex}
                  className="item-select"
                  aria-current={selected ? 'true' : undefined}
                  aria-label={`Task ${t.name}`}
                  aria-describedby={`task-${t.id}-facts`}
                  onClick={() => selectTask(t.id)}
                >
                  {job && <span className="order-no">{index + 1}.</span>}
                  <span className="item-title">{t.name}</span>
                </button>
                <span className="item-facts" id={`task-${t.id}-facts`}>
                  <span className="badges">
                    <span className="badge badge-model">{t.model}</span>
                    {t.profile && (
                      <span className="badge badge-profile">{profileName.get(t.profile) ?? 'missing profile'}</span>
                    )}
                    {!t.enabled && <span className="badge">disabled</span>}
                  </span>
                  <span className="item-sub">{describeSchedule(t.schedule)}</span>
                  {t.next_fire_time && t.enabled && (
                    <span className="item-sub">Next: {formatWhen(t.next_fire_time)}</span>
                  )}
                  {s && s.runs > 0 && (
                    <span className="item-sub stats" title="runs, success, failed, cancelled">
                      {s.runs}R · {s.success}S · {s.failed}F · {s.cancelled}C
                      {s.cost_usd > 0 ? ` · ${formatCost(s.cost_usd)}` : ''}
                    </span>
                  )}
                </span>
              </div>
              <span className="item-actions">
                {active ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Stop task ${t.name}`}
                    title="Stop"
                    onClick={() => void actions.stop(t)}
                  >
                    <Icon name="stop" />
                  </button>
                ) : (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Run task ${t.name}`}
                    title="Run now (R)"
                    onClick={() => void actions.run(t)}
                  >
                    <Icon name="play" />
                  </button>
                )}
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn"
                  aria-label={`Duplicate task ${t.name}`}
                  title="Duplicate (D)"
                  onClick={() => void actions.duplicate(t)}
                >
                  <Icon name="copy" />
                </button>
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn"
                  aria-label={`Occurrences of task ${t.name}`}
                  title="Occurrences: what each due slot became"
                  onClick={() => openDialog({ kind: 'occurrences', taskId: t.id })}
                >
                  <Icon name="clock" />
                </button>
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn danger"
                  aria-label={`Delete task ${t.name}`}
                  title="Delete (Delete key)"
                  onClick={() => void actions.remove(t)}
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
