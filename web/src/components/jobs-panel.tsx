'use client';
import { useCallback, useMemo } from 'react';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { plural } from '@/lib/format';
import type { JobStatus, JobView } from '@/lib/types';
import { ErrorBanner, JOB_ICON, cx, useAction, useConfirm, useOpenDialog } from './ui';
import { Icon } from './icons';
import { VirtualList } from './virtual-list';

/** The first row of the jobs list: every task, whatever its job. */
const ALL = '__all';

const JOB_ORDER: Record<JobStatus, number> = { in_progress: 0, pending: 1, completed: 2, failed: 3, cancelled: 4 };

export function sortJobs(jobs: JobView[]): JobView[] {
  return [...jobs].sort((a, b) => JOB_ORDER[a.status] - JOB_ORDER[b.status] || a.name.localeCompare(b.name));
}

/** Deletes a job after a confirmation that says what goes with it. */
export function useJobActions() {
  const { state, refreshAll } = useDashboard();
  const confirm = useConfirm();
  const action = useAction();
  const remove = async (job: JobView): Promise<void> => {
    // Counted from the task list, which events keep current (the job's own totals are refreshed a moment later).
    const jobTasks = state.tasks.filter((t) => t.job_id === job.id);
    const tasks = jobTasks.length;
    const runs = jobTasks.reduce((n, t) => n + (t.stats?.runs ?? 0), 0);
    const ok = await confirm({
      title: 'Delete job',
      danger: true,
      confirmLabel: 'Delete job',
      message: (
        <>
          <p>
            Delete <strong>{job.name}</strong> with its {plural(tasks, 'task')} and {plural(runs, 'run')}?
          </p>
          {job.working_directory.use_git_worktree && (
            <p className="muted">Its git worktree stays on disk; remove it with git when you no longer need it.</p>
          )}
          <p className="muted">This cannot be undone.</p>
        </>
      ),
    });
    if (!ok) return;
    await action.run(`delete job "${job.name}"`, async () => {
      await api.del(`/api/jobs/${job.id}`);
    });
  };
  const run = (job: JobView) =>
    action.run(`run job "${job.name}"`, async () => {
      await api.post(`/api/jobs/${job.id}/run`);
    });
  const stop = (job: JobView) =>
    action.run(`stop job "${job.name}"`, async () => {
      await api.post(`/api/jobs/${job.id}/stop`);
    });
  return { remove, run, stop, action, refreshAll };
}

export function JobsPanel() {
  const { state, selectJob } = useDashboard();
  const openDialog = useOpenDialog();
  const { remove, run, stop, action } = useJobActions();
  const jobs = useMemo(() => sortJobs(state.jobs), [state.jobs]);
  const rows = useMemo<(JobView | typeof ALL)[]>(() => [ALL, ...jobs], [jobs]);
  const getKey = useCallback((j: JobView | typeof ALL) => (j === ALL ? ALL : j.id), []);
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const t of state.tasks) if (t.job_id) m.set(t.job_id, (m.get(t.job_id) ?? 0) + 1);
    return m;
  }, [state.tasks]);

  return (
    <section className="pane" data-panel="jobs" aria-labelledby="jobs-title">
      <header className="pane-head">
        <h2 id="jobs-title">Jobs</h2>
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => openDialog({ kind: 'job', jobId: null })}
          title="New job (Shift+N)"
          aria-keyshortcuts="Shift+N"
        >
          + New job
        </button>
      </header>
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <VirtualList
        items={rows}
        getKey={getKey}
        label="Jobs"
        estimateSize={56}
        selectedKey={state.selectedJobId ?? ALL}
        rowClassName={(job) =>
          cx(job === ALL && 'all-tasks', (job === ALL ? null : job.id) === state.selectedJobId && 'selected')
        }
        footer={
          jobs.length === 0 &&
          state.ready && (
            <p className="empty">No jobs yet. A job groups tasks that run in order in one working directory.</p>
          )
        }
        renderItem={(job, row) => {
          if (job === ALL) {
            return (
              <div className="item-main item-main-row">
                <span className="item-icon" aria-hidden>
                  <Icon name="list" />
                </span>
                <button
                  type="button"
                  data-primary
                  tabIndex={row.tabIndex}
                  className="item-select"
                  aria-current={state.selectedJobId === null ? 'true' : undefined}
                  onClick={() => selectJob(null)}
                >
                  <span className="item-title">All tasks</span>
                  <span className="badge">{state.tasks.length}</span>
                </button>
              </div>
            );
          }
          const selected = state.selectedJobId === job.id;
          const n = counts.get(job.id) ?? job.task_count ?? 0;
          const active = job.status === 'in_progress' || job.running;
          return (
            <>
              <span className={cx('item-icon', `job-${job.status}`)} title={job.status.replace('_', ' ')} aria-hidden>
                {JOB_ICON[job.status]}
              </span>
              <div className="item-main">
                <div className="item-title-row">
                  <button
                    type="button"
                    data-primary
                    tabIndex={row.tabIndex}
                    className="item-select"
                    aria-current={selected ? 'true' : undefined}
                    aria-label={`Job ${job.name}, ${job.status.replace('_', ' ')}, ${plural(n, 'task')}`}
                    onClick={() => selectJob(job.id)}
                    onDoubleClick={() => openDialog({ kind: 'job', jobId: job.id })}
                  >
                    <span className="item-title">{job.name}</span>
                  </button>
                  <span className="badge job-count">{plural(n, 'task')}</span>
                </div>
                {job.description && (
                  <span className="item-sub" title={job.description}>
                    {job.description.length > 50 ? `${job.description.slice(0, 50)}…` : job.description}
                  </span>
                )}
                {job.status_reason && (job.status === 'failed' || job.status === 'cancelled') && (
                  <span className="item-sub reason">{job.status_reason}</span>
                )}
              </div>
              <span className="item-actions">
                {active ? (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Stop job ${job.name}`}
                    title="Stop job"
                    onClick={() => void stop(job)}
                  >
                    <Icon name="stop" />
                  </button>
                ) : (
                  <button
                    type="button"
                    tabIndex={-1}
                    className="icon-btn"
                    aria-label={`Run job ${job.name}`}
                    title="Run job (Shift+R)"
                    onClick={() => void run(job)}
                  >
                    <Icon name="play" />
                  </button>
                )}
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn"
                  aria-label={`Edit job ${job.name}`}
                  title="Edit job"
                  onClick={() => openDialog({ kind: 'job', jobId: job.id })}
                >
                  <Icon name="edit" />
                </button>
                <button
                  type="button"
                  tabIndex={-1}
                  className="icon-btn danger"
                  aria-label={`Delete job ${job.name}`}
                  title="Delete job"
                  onClick={() => void remove(job)}
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
