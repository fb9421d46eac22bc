import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  CreateJobDto,
  ImportJobDto,
  JOB_EXPORT_VERSION,
  Job,
  NotFoundError,
  Run,
  Task,
  TaskOrderDto,
  UnprocessableError,
  UpdateJobDto,
  ValidationError,
  jobFromCreateDto,
  mergeJobUpdate,
  normalizeJob,
  normalizeTask,
} from '@ccs/core';
import type { CoordinatorContext } from './context';
import { RunTotals, emptyTotals, totalsBy } from './run-stats';
import type { TasksService } from './tasks.service';
import { validated } from './validate';

export type JobView = Job & { task_count: number; running: boolean; stats: RunTotals };

/** The original's job export document (version "1.0"). */
export interface JobExport {
  version: string;
  exported_at: string;
  job: Job;
  tasks: Task[];
  profiles_referenced: string[];
}

export interface ImportResult {
  job: Job;
  tasks: Task[];
  warnings: string[];
}

/** Job use cases: CRUD, task order, run/stop, export/import, cascade delete. */
export class JobsService {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly tasks: TasksService,
  ) {}

  list(): JobView[] {
    const totals = totalsBy(this.ctx.store.runs.list(), (r) => r.job_id);
    const counts = new Map<string, number>();
    for (const t of this.ctx.store.tasks.list()) if (t.job_id) counts.set(t.job_id, (counts.get(t.job_id) ?? 0) + 1);
    return this.ctx.store.jobs.list().map((j) => this.view(j, counts.get(j.id) ?? 0, totals.get(j.id)));
  }

  get(idOrPrefix: string): JobView {
    const job = this.ctx.store.jobs.resolve(idOrPrefix);
    const runs = this.ctx.store.runs.list().filter((r) => r.job_id === job.id);
    return this.view(job, this.jobTasks(job).length, totalsBy(runs, (r) => r.job_id).get(job.id));
  }

  private view(job: Job, taskCount: number, totals: RunTotals | undefined): JobView {
    return { ...job, task_count: taskCount, running: this.ctx.jobs.isRunning(job.id), stats: totals ?? emptyTotals() };
  }

  async create(body: unknown): Promise<Job> {
    const dto = validated(CreateJobDto, body);
    const job = this.withProfile(jobFromCreateDto(dto, randomUUID(), this.ctx.clock.now().toISOString()));
    await this.save(job);
    return job;
  }

  async update(idOrPrefix: string, body: unknown): Promise<Job> {
    const current = this.ctx.store.jobs.resolve(idOrPrefix);
    const dto = validated(UpdateJobDto, body);
    let job = mergeJobUpdate(current, dto, this.ctx.clock.now().toISOString());
    if (dto.task_order) job = { ...job, task_order: this.checkedOrder(current, dto.task_order) };
    job = this.withProfile(job);
    await this.save(job);
    return job;
  }

  /** Deletes the job with its tasks, their runs, logs and occurrences. A running job is stopped first. */
  async delete(
    idOrPrefix: string,
  ): Promise<{ job: Job; tasks_deleted: number; runs_deleted: number; worktree_kept: boolean }> {
    const job = this.ctx.store.jobs.resolve(idOrPrefix);
    if (this.ctx.jobs.isRunning(job.id)) await this.ctx.jobs.stop(job.id, 'job deleted');
    const tasks = this.ctx.store.tasks.list().filter((t) => t.job_id === job.id);
    const runsDeleted = await this.tasks.deleteTasks(tasks);
    await this.ctx.store.jobs.delete(job.id);
    this.ctx.hub.publish('job.deleted', { id: job.id });
    return {
      job,
      tasks_deleted: tasks.length,
      runs_deleted: runsDeleted,
      worktree_kept: job.working_directory.use_git_worktree,
    };
  }

  /** The job's tasks in task order; tasks of the job missing from the order follow, in storage order. */
  jobTasks(job: Job): Task[] {
    const own = this.ctx.store.tasks.list().filter((t) => t.job_id === job.id);
    const byId = new Map(own.map((t) => [t.id, t]));
    const ordered = job.task_order.map((id) => byId.get(id)).filter((t): t is Task => !!t);
    const rest = own.filter((t) => !job.task_order.includes(t.id));
    return [...ordered, ...rest];
  }

  tasksOf(idOrPrefix: string): Task[] {
    return this.jobTasks(this.ctx.store.jobs.resolve(idOrPrefix));
  }

  taskOrder(idOrPrefix: string): string[] {
    return this.ctx.store.jobs.resolve(idOrPrefix).task_order;
  }

  async setTaskOrder(idOrPrefix: string, body: unknown): Promise<Job> {
    const job = this.ctx.store.jobs.resolve(idOrPrefix);
    const dto = validated(TaskOrderDto, body);
    const updated = {
      ...job,
      task_order: this.checkedOrder(job, dto.task_order),
      updated_at: this.ctx.clock.now().toISOString(),
    };
    await this.save(updated);
    return updated;
  }

  /** Every id (full or unique prefix) must be a task of this job, each once. */
  private checkedOrder(job: Job, ids: readonly string[]): string[] {
    const resolved = ids.map((id) => this.ctx.store.tasks.resolve(id));
    const foreign = resolved.filter((t) => t.job_id !== job.id);
    if (foreign.length > 0) {
      throw new UnprocessableError(
        `task_order may only list tasks of job "${job.name}"; not in this job: ${foreign.map((t) => t.id).join(', ')}`,
        { field: 'task_order', foreign_task_ids: foreign.map((t) => t.id) },
      );
    }
    const out = resolved.map((t) => t.id);
    if (new Set(out).size !== out.length)
      throw new ValidationError('task_order lists a task twice', [
        { field: 'task_order', message: 'task_order lists a task twice' },
      ]);
    return out;
  }

  run(idOrPrefix: string): Promise<{ job: Job; run: Run }> {
    return this.ctx.jobs.start(idOrPrefix);
  }

  stop(idOrPrefix: string): Promise<Job> {
    return this.ctx.jobs.stop(idOrPrefix, 'stopped by user');
  }

  export(idOrPrefix: string): JobExport {
    const job = this.ctx.store.jobs.resolve(idOrPrefix);
    const tasks = this.ctx.store.tasks.list().filter((t) => t.job_id === job.id);
    const profiles = new Set<string>();
    if (job.profile) profiles.add(job.profile);
    for (const t of tasks) if (t.profile) profiles.add(t.profile);
    return {
      version: JOB_EXPORT_VERSION,
      exported_at: this.ctx.clock.now().toISOString(),
      job,
      tasks,
      profiles_referenced: [...profiles].sort(),
    };
  }

  /**
   * Imports an export document. Without options an id that already exists is a 409; `force` overwrites those
   * records, `newIds` imports a copy under fresh ids. Referenced profiles must exist (422). All-or-nothing:
   * every check runs before the first write.
   */
  async import(body: unknown, options: { force: boolean; newIds: boolean }): Promise<ImportResult> {
    const dto = validated(ImportJobDto, body);
    const { store, clock } = this.ctx;
    const now = clock.now().toISOString();
    let job = normalizeJob(dto.job, 'job', now);
    let tasks = dto.tasks.map((t, i) => normalizeTask(t, `tasks[${i}]`, now));
    const warnings: string[] = [];
    const missingProfiles = [job.profile, ...tasks.map((t) => t.profile)].filter(
      (p): p is string => !!p && !store.profiles.get(p),
    );
    if (missingProfiles.length > 0) {
      throw new UnprocessableError(
        `the export refers to profiles that do not exist here: ${[...new Set(missingProfiles)].join(', ')}`,
        {
          missing_profile_ids: [...new Set(missingProfiles)],
          hint: 'create the profiles first (same ids), or remove the references from the document',
        },
      );
    }
    const taskIds = new Set(tasks.map((t) => t.id));
    for (const id of job.task_order)
      if (!taskIds.has(id)) warnings.push(`task_order refers to task ${id}, which is not in the export; dropped`);
    for (const t of tasks)
      if (!job.task_order.includes(t.id)) warnings.push(`task ${t.id} ("${t.name}") is not in task_order; appended`);
    if (options.newIds) {
      const map = new Map(tasks.map((t) => [t.id, randomUUID()]));
      job = { ...job, id: randomUUID(), name: job.name };
      tasks = tasks.map((t) => ({ ...t, id: map.get(t.id)!, last_session_id: null, last_run_status: null }));
      job.task_order = job.task_order.filter((id) => map.has(id)).map((id) => map.get(id)!);
    } else if (!options.force) {
      const conflicts = [
        store.jobs.get(job.id) ? `job ${job.id}` : null,
        ...tasks.map((t) => (store.tasks.get(t.id) ? `task ${t.id}` : null)),
      ].filter(Boolean);
      if (conflicts.length > 0) {
        throw new ConflictError(`already exists: ${conflicts.join(', ')}`, {
          conflicts,
          hint: 'pass ?force=true to overwrite them or ?new_ids=true to import a copy',
        });
      }
    }
    const order = job.task_order.filter((id) => tasks.some((t) => t.id === id));
    for (const t of tasks) if (!order.includes(t.id)) order.push(t.id);
    job = { ...job, task_order: order, status: 'pending', status_reason: null, updated_at: now };
    tasks = tasks.map((t) => ({ ...t, job_id: job.id, updated_at: now }));
    if (this.ctx.jobs.isRunning(job.id))
      throw new ConflictError(`job ${job.id} is running; stop it before overwriting it`);
    await store.jobs.put(job);
    await store.tasks.putMany(tasks);
    this.ctx.hub.publish('job.changed', job);
    for (const t of tasks) {
      await this.ctx.scheduler.taskChanged(t);
      this.ctx.hub.publish('task.changed', t);
    }
    return { job, tasks, warnings };
  }

  /** The job's profile as a full id (a unique prefix is accepted); 422 when it matches nothing. */
  private withProfile(job: Job): Job {
    if (!job.profile) return job;
    try {
      return { ...job, profile: this.ctx.store.profiles.resolve(job.profile).id };
    } catch (err) {
      if (err instanceof NotFoundError)
        throw new UnprocessableError(`profile ${job.profile} does not exist`, { field: 'profile' });
      throw err;
    }
  }

  private async save(job: Job): Promise<void> {
    await this.ctx.store.jobs.put(job);
    this.ctx.hub.publish('job.changed', job);
  }
}
