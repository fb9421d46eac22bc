'use client';
import { useMemo } from 'react';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { plural } from '@/lib/format';
import type { JobStatus, JobView } from '@/lib/types';
import { ErrorBanner, JOB_ICON, cx, useAction, useConfirm, useOpenDialog } from './ui';
import { Icon } from './icons';

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
          title="New job (Ctrl+Shift+N)"
        >
          + New job
        </button>
      </header>
      <ErrorBanner error={action.error} onDismiss={action.clear} />
      <ul className="list" aria-label="Jobs">
        <li className={cx('list-item', 'all-tasks', state.selectedJobId === null && 'selected')}>
          <button
            type="button"
            className="item-select"
            aria-current={state.selectedJobId === null ? 'true' : undefined}
            onClick={() => selectJob(null)}
          >
            <span className="item-icon" aria-hidden>
              <Icon name="list" />
            </span>
            <span className="item-main">
              <span className="item-title">All tasks</span>
            </span>
            <span className="badge">{state.tasks.length}</span>
          </button>
        </li>
        {jobs.map((job) => {
          const selected = state.selectedJobId === job.id;
          const n = counts.get(job.id) ?? job.task_count ?? 0;
          const active = job.status === 'in_progress' || job.running;
          return (
            <li key={job.id} className={cx('list-item', selected && 'selected')}>
              <button
                type="button"
                className="item-select"
                aria-current={selected ? 'true' : undefined}
                aria-label={`Job ${job.name}, ${job.status.replace('_', ' ')}, ${plural(n, 'task')}`}
                onClick={() => selectJob(job.id)}
                onDoubleClick={() => openDialog({ kind: 'job', jobId: job.id })}
              >
                <span className={cx('item-icon', `job-${job.status}`)} title={job.status.replace('_', ' ')} aria-hidden>
                  {JOB_ICON[job.status]}
                </span>
                <span className="item-main">
                  <span className="item-title-row">
                    <span className="item-title">{job.name}</span>
                    <span className="badge">{plural(n, 'task')}</span>
                  </span>
                  {job.description && (
                    <span className="item-sub" title={job.description}>
                      {job.description.length > 50 ? `${job.description.slice(0, 50)}…` : job.description}
                    </span>
                  )}
                  {job.status_reason && (job.status === 'failed' || job.status === 'cancelled') && (
                    <span className="item-sub reason">{job.status_reason}</span>
                  )}
                </span>
              </button>
              <span className="item-actions">
                {active ? (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Stop job ${job.name}`}
                    title="Stop job"
                    onClick={(e) => {
                      e.stopPropagation();
                      void stop(job);
                    }}
                  >
                    <Icon name="stop" />
                  </button>
                ) : (
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Run job ${job.name}`}
                    title="Run job (Ctrl+Shift+R)"
                    onClick={(e) => {
                      e.stopPropagation();
                      void run(job);
                    }}
                  >
                    <Icon name="play" />
                  </button>
                )}
                <button
                  type="button"
                  className="icon-btn"
                  aria-label={`Edit job ${job.name}`}
                  title="Edit job"
                  onClick={(e) => {
                    e.stopPropagation();
                    openDialog({ kind: 'job', jobId: job.id });
                  }}
                >
                  <Icon name="edit" />
                </button>
                <button
                  type="button"
                  className="icon-btn danger"
                  aria-label={`Delete job ${job.name}`}
                  title="Delete job"
                  onClick={(e) => {
                    e.stopPropagation();
                    void remove(job);
                  }}
                >
                  <Icon name="trash" />
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      {jobs.length === 0 && state.ready && (
        <p className="empty">No jobs yet. A job groups tasks that run in order in one working directory.</p>
      )}
    </section>
  );
}
