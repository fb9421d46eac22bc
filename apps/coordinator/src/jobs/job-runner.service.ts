import { ConflictError, Job, JobStatus, Run, Task, UnprocessableError } from '@ccs/core';
import type { DataStore } from '@ccs/storage';
import { Clock, TimerHandle, getLogger } from '@ccs/shared';
import { EventHub } from '../events/event-hub';
import { RunService } from '../runs/run.service';

const log = getLogger('coordinator.jobs');

interface ActiveJob {
  jobId: string;
  taskIds: string[];
  index: number;
  /** Failed attempts of the current task so far. */
  retries: number;
  currentRunId: string | null;
  retryTimer: TimerHandle | null;
  runIds: string[];
}

/**
 * Runs a job: its enabled tasks in `task_order`, one at a time. Completion is matched by run id (a manual run of
 * the same task meanwhile does not move the job on). A failed task is retried per its `seq_max_retries` /
 * `seq_retry_delay_seconds`, then the job fails. Stopping a job stops its running run.
 * Status: pending → in_progress → completed | failed | cancelled, with `status_reason` saying why.
 */
export class JobRunner {
  private readonly active = new Map<string, ActiveJob>();

  constructor(
    private readonly store: DataStore,
    private readonly runs: RunService,
    private readonly hub: EventHub,
    private readonly clock: Clock,
  ) {
    runs.onRunFinished((run) => this.onRunFinished(run));
  }

  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** The tasks a job run executes, in order: task_order entries that exist, belong to the job and are enabled. */
  plan(job: Job): { tasks: Task[]; missing: string[]; disabled: string[] } {
    const tasks: Task[] = [];
    const missing: string[] = [];
    const disabled: string[] = [];
    for (const id of job.task_order) {
      const t = this.store.tasks.get(id);
      if (!t) missing.push(id);
      else if (!t.enabled) disabled.push(id);
      else tasks.push(t);
    }
    return { tasks, missing, disabled };
  }

  async start(jobIdOrPrefix: string): Promise<{ job: Job; run: Run }> {
    const job = this.store.jobs.resolve(jobIdOrPrefix);
    if (this.active.has(job.id)) throw new ConflictError(`Job "${job.name}" is already running`);
    const { tasks, missing } = this.plan(job);
    if (missing.length > 0) {
      throw new UnprocessableError(`Job "${job.name}" refers to tasks that do not exist: ${missing.join(', ')}`, {
        missing_task_ids: missing,
        hint: 'Fix the order with PUT /api/jobs/{id}/task-order or `cli jobs set-order`',
      });
    }
    if (tasks.length === 0) {
      throw new UnprocessableError(`Job "${job.name}" has no enabled tasks in its task order`, {
        hint: 'Add tasks to the job (they are appended to task_order) or enable them',
      });
    }
    const state: ActiveJob = {
      jobId: job.id,
      taskIds: tasks.map((t) => t.id),
      index: 0,
      retries: 0,
      currentRunId: null,
      retryTimer: null,
      runIds: [],
    };
    this.active.set(job.id, state);
    const started = await this.setStatus(job.id, 'in_progress', null);
    const run = await this.runCurrent(state);
    return { job: started ?? job, run: run! };
  }

  /** Stops a running job: cancels its running run and marks the job cancelled. */
  async stop(jobIdOrPrefix: string, reason = 'stopped by user'): Promise<Job> {
    const job = this.store.jobs.resolve(jobIdOrPrefix);
    const state = this.active.get(job.id);
    if (!state) {
      if (job.status === 'in_progress')
        return (await this.setStatus(job.id, 'failed', 'job was not running in this coordinator'))!;
      throw new ConflictError(`Job "${job.name}" is not running`);
    }
    this.active.delete(job.id);
    state.retryTimer?.cancel();
    const updated = await this.setStatus(job.id, 'cancelled', reason);
    if (state.currentRunId) {
      await this.runs
        .stop(state.currentRunId, 'job-stop', reason)
        .catch((err: unknown) => log.warn('stopping the job run failed:', err));
    }
    return updated!;
  }

  /** Start-up: a job left in_progress by a previous process cannot continue (its run was failed); say so. */
  async reconcileAfterRestart(): Promise<number> {
    let n = 0;
    for (const job of this.store.jobs.list()) {
      if (job.status !== 'in_progress') continue;
      await this.setStatus(job.id, 'failed', 'coordinator restarted while the job was running');
      n++;
    }
    return n;
  }

  close(): void {
    for (const s of this.active.values()) s.retryTimer?.cancel();
    this.active.clear();
  }

  private async runCurrent(state: ActiveJob): Promise<Run | null> {
    const task = this.store.tasks.get(state.taskIds[state.index]);
    if (!task) {
      await this.finish(state, 'failed', `task ${state.taskIds[state.index]} was deleted during the job run`);
      return null;
    }
    const run = await this.runs.start(task, { trigger: 'job', attempt: state.retries + 1 });
    state.currentRunId = run.id;
    state.runIds.push(run.id);
    // The run may already have ended (e.g. dispatch failed) before we recorded its id.
    if (run.status !== 'upcoming' && run.status !== 'running') this.onRunFinished(run);
    return run;
  }

  private onRunFinished(run: Run): void {
    const state = [...this.active.values()].find((s) => s.currentRunId === run.id);
    if (!state) return;
    state.currentRunId = null;
    this.advance(state, run).catch((err: unknown) => log.error(`job ${state.jobId} could not advance:`, err));
  }

  private async advance(state: ActiveJob, run: Run): Promise<void> {
    if (run.status === 'success') {
      state.index++;
      state.retries = 0;
      if (state.index >= state.taskIds.length) return this.finish(state, 'completed', null);
      await this.runCurrent(state);
      return;
    }
    if (run.status === 'cancelled') {
      return this.finish(state, 'cancelled', `run ${run.id} of task "${run.task_name}" was cancelled`);
    }
    const task = this.store.tasks.get(run.task_id);
    const maxRetries = task?.schedule.seq_max_retries ?? 0;
    if (task && state.retries < maxRetries) {
      state.retries++;
      const delayMs = (task.schedule.seq_retry_delay_seconds ?? 0) * 1000;
      log.info(
        `job ${state.jobId}: task "${task.name}" failed; retry ${state.retries}/${maxRetries} in ${delayMs / 1000} s`,
      );
      state.retryTimer = this.clock.setTimer(() => {
        state.retryTimer = null;
        if (this.active.get(state.jobId) !== state) return;
        this.runCurrent(state).catch((err: unknown) => log.error('job retry failed to start:', err));
      }, delayMs);
      return;
    }
    const attempts = state.retries + 1;
    await this.finish(
      state,
      'failed',
      `task "${run.task_name}" failed after ${attempts} attempt${attempts > 1 ? 's' : ''}`,
    );
  }

  private async finish(state: ActiveJob, status: JobStatus, reason: string | null): Promise<void> {
    if (this.active.get(state.jobId) !== state) return;
    this.active.delete(state.jobId);
    await this.setStatus(state.jobId, status, reason);
  }

  private async setStatus(jobId: string, status: JobStatus, reason: string | null): Promise<Job | null> {
    const job = this.store.jobs.get(jobId);
    if (!job) return null;
    const updated: Job = { ...job, status, status_reason: reason, updated_at: this.clock.now().toISOString() };
    await this.store.jobs.put(updated);
    this.hub.publish('job.changed', updated);
    log.info(`job ${jobId} → ${status}${reason ? ` (${reason})` : ''}`);
    return updated;
  }
}
