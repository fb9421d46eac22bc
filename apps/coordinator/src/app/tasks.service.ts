import { randomUUID } from 'node:crypto';
import {
  CreateTaskDto,
  Job,
  NotFoundError,
  Occurrence,
  Run,
  Task,
  UnprocessableError,
  UpdateTaskDto,
  ValidationError,
  mergeTaskUpdate,
  scheduleValidationError,
  taskFromCreateDto,
  validateSchedule,
} from '@ccs/core';
import type { CoordinatorContext } from './context';
import { RunTotals, emptyTotals, totalsBy } from './run-stats';
import { validated } from './validate';

export type TaskView = Task & { stats: RunTotals; next_fire_time: string | null };

/** Task use cases: CRUD with reference checks, job task_order upkeep, rescheduling, run now, occurrences. */
export class TasksService {
  constructor(private readonly ctx: CoordinatorContext) {}

  list(filter: { job_id?: string } = {}): TaskView[] {
    const { store } = this.ctx;
    const tasks = filter.job_id ? store.tasks.list().filter((t) => t.job_id === filter.job_id) : store.tasks.list();
    const totals = totalsBy(store.runs.list(), (r) => r.task_id);
    const next = new Map(this.ctx.scheduler.status().map((s) => [s.task_id, s.next_fire_time]));
    return tasks.map((t) => ({
      ...t,
      stats: totals.get(t.id) ?? emptyTotals(),
      next_fire_time: next.get(t.id) ?? null,
    }));
  }

  get(idOrPrefix: string): TaskView {
    const task = this.ctx.store.tasks.resolve(idOrPrefix);
    const totals = totalsBy(
      this.ctx.store.runs.list().filter((r) => r.task_id === task.id),
      (r) => r.task_id,
    );
    const next = this.ctx.scheduler.nextFireTime(task.id);
    return { ...task, stats: totals.get(task.id) ?? emptyTotals(), next_fire_time: next };
  }

  async create(body: unknown): Promise<Task> {
    const dto = validated(CreateTaskDto, body);
    const task = this.resolveReferences(taskFromCreateDto(dto, randomUUID(), this.ctx.clock.now().toISOString()));
    this.checkSchedule(task);
    // Both records change in this turn, so their two durable file writes run side by side instead of one after
    // the other (half the latency of a create). A crash in between may leave the job's task_order naming a task
    // that was never saved; every reader of task_order skips ids without a task.
    await Promise.all([
      this.ctx.store.tasks.put(task),
      task.job_id ? this.appendToJob(task.job_id, task.id) : undefined,
    ]);
    await this.changed(task);
    return task;
  }

  async update(idOrPrefix: string, body: unknown): Promise<Task> {
    const current = this.ctx.store.tasks.resolve(idOrPrefix);
    const dto = validated(UpdateTaskDto, body);
    const task = this.resolveReferences(mergeTaskUpdate(current, dto, this.ctx.clock.now().toISOString()));
    if (!task.prompt.trim())
      throw new ValidationError('prompt must not be empty', [{ field: 'prompt', message: 'prompt must not be empty' }]);
    this.checkSchedule(task);
    await this.ctx.store.tasks.put(task);
    if (current.job_id !== task.job_id) {
      if (current.job_id) await this.removeFromJob(current.job_id, task.id);
      if (task.job_id) await this.appendToJob(task.job_id, task.id);
    }
    await this.changed(task);
    return task;
  }

  async setEnabled(idOrPrefix: string, enabled: boolean): Promise<Task> {
    const current = this.ctx.store.tasks.resolve(idOrPrefix);
    const task = { ...current, enabled, updated_at: this.ctx.clock.now().toISOString() };
    await this.ctx.store.tasks.put(task);
    await this.changed(task);
    return task;
  }

  /** Deletes a task with its runs, logs and occurrences; active runs are stopped first. */
  async delete(idOrPrefix: string): Promise<{ task: Task; runs_deleted: number }> {
    const task = this.ctx.store.tasks.resolve(idOrPrefix);
    return { task, runs_deleted: await this.deleteTasks([task]) };
  }

  /** Shared by task and job deletion. */
  async deleteTasks(tasks: Task[]): Promise<number> {
    const { store, scheduler, runs, hub, logs } = this.ctx;
    const ids = new Set(tasks.map((t) => t.id));
    for (const t of tasks) {
      await scheduler.taskDeleted(t.id);
      runs.cancelRetry(t.id);
      for (const r of runs.activeRuns(t.id)) await runs.stop(r.id, 'user', 'task deleted', 5000).catch(() => undefined);
    }
    const taskRuns = store.runs.list().filter((r) => ids.has(r.task_id));
    await store.runs.deleteMany(taskRuns.map((r) => r.id));
    for (const r of taskRuns) await logs.delete(r.id).catch(() => undefined);
    await store.occurrences.deleteMany(
      store.occurrences
        .list()
        .filter((o) => ids.has(o.task_id))
        .map((o) => o.id),
    );
    for (const t of tasks) if (t.job_id) await this.removeFromJob(t.job_id, t.id);
    await store.tasks.deleteMany([...ids]);
    for (const t of tasks) hub.publish('task.deleted', { id: t.id, job_id: t.job_id });
    return taskRuns.length;
  }

  /** Runs the task now (202 with the run). Manual runs are never refused for overlap: the user asked. */
  async runNow(idOrPrefix: string): Promise<Run> {
    const task = this.ctx.store.tasks.resolve(idOrPrefix);
    return this.ctx.runs.start(task, { trigger: 'manual' });
  }

  occurrences(idOrPrefix: string, limit = 100): Occurrence[] {
    const task = this.ctx.store.tasks.resolve(idOrPrefix);
    return this.ctx.store.occurrences
      .list()
      .filter((o) => o.task_id === task.id)
      .sort((a, b) => b.scheduled_time.localeCompare(a.scheduled_time))
      .slice(0, limit);
  }

  preview(idOrPrefix: string, count: number): ReturnType<CoordinatorContext['scheduler']['preview']> {
    if (!Number.isInteger(count) || count < 1 || count > 100) {
      throw new ValidationError('count must be a whole number from 1 to 100', [
        { field: 'count', message: 'count must be a whole number from 1 to 100' },
      ]);
    }
    return this.ctx.scheduler.preview(this.ctx.store.tasks.resolve(idOrPrefix), count);
  }

  private checkSchedule(task: Task): void {
    const problems = validateSchedule(task.schedule);
    if (problems.length > 0) throw scheduleValidationError(problems);
    if (task.schedule.schedule_type === 'sequential' && !task.job_id) {
      throw new ValidationError('a sequential task must belong to a job (job_id)', [
        { field: 'schedule.schedule_type', message: 'sequential tasks run only as part of a job: set job_id' },
      ]);
    }
  }

  /**
   * `job_id` and `profile` may be given as a full id or a unique prefix (as everywhere in the API); they are stored
   * as full ids. A reference that matches nothing is a 422, an ambiguous one a 400.
   */
  private resolveReferences(task: Task): Task {
    const ref = (value: string | null, repo: { resolve(id: string): { id: string } }, field: string): string | null => {
      if (!value) return null;
      try {
        return repo.resolve(value).id;
      } catch (err) {
        if (err instanceof NotFoundError) throw new UnprocessableError(`${field} ${value} does not exist`, { field });
        throw err;
      }
    };
    return {
      ...task,
      job_id: ref(task.job_id, this.ctx.store.jobs, 'job_id'),
      profile: ref(task.profile, this.ctx.store.profiles, 'profile'),
    };
  }

  private async appendToJob(jobId: string, taskId: string): Promise<void> {
    const job = this.ctx.store.jobs.get(jobId);
    if (!job || job.task_order.includes(taskId)) return;
    await this.saveJob({ ...job, task_order: [...job.task_order, taskId] });
  }

  private async removeFromJob(jobId: string, taskId: string): Promise<void> {
    const job = this.ctx.store.jobs.get(jobId);
    if (!job || !job.task_order.includes(taskId)) return;
    await this.saveJob({ ...job, task_order: job.task_order.filter((id) => id !== taskId) });
  }

  private async saveJob(job: Job): Promise<void> {
    const updated = { ...job, updated_at: this.ctx.clock.now().toISOString() };
    await this.ctx.store.jobs.put(updated);
    this.ctx.hub.publish('job.changed', updated);
  }

  private async changed(task: Task): Promise<void> {
    await this.ctx.scheduler.taskChanged(task);
    this.ctx.hub.publish('task.changed', task);
  }
}
