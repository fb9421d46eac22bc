import {
  ConflictError,
  Run,
  RunStatus,
  RunsQueryDto,
  ValidationError,
  formatStreamJson,
  isTerminalRunStatus,
} from '@ccs/core';
import type { CoordinatorContext } from './context';
import { validated } from './validate';

export interface RunPage {
  runs: Run[];
  count: number;
  next_cursor: string | null;
}

export type RunDetail = Run & { output: string | null; raw_output: string | null };

function encodeCursor(r: Run): string {
  return Buffer.from(JSON.stringify([r.scheduled_time, r.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new ValidationError('cursor is not valid: pass the next_cursor of a previous page', [
    { field: 'cursor', message: 'cursor is not valid' },
  ]);
}

/** Newest first by scheduled time, then id (a stable order for cursors). */
function newestFirst(a: Run, b: Run): number {
  return b.scheduled_time.localeCompare(a.scheduled_time) || b.id.localeCompare(a.id);
}

/** Run use cases for the API: history with filters and cursors, detail with output, logs, stop/restart/delete. */
export class RunsApiService {
  constructor(private readonly ctx: CoordinatorContext) {}

  list(query: unknown): RunPage {
    const q = validated(RunsQueryDto, query, 'query');
    const { store } = this.ctx;
    const taskId = q.task_id ? store.tasks.resolve(q.task_id).id : null;
    const jobId = q.job_id ? store.jobs.resolve(q.job_id).id : null;
    const status: RunStatus | null = q.status ?? null;
    let runs = store.runs
      .list()
      .filter(
        (r) => (!taskId || r.task_id === taskId) && (!jobId || r.job_id === jobId) && (!status || r.status === status),
      )
      .sort(newestFirst);
    if (q.cursor) {
      const [time, id] = decodeCursor(q.cursor);
      runs = runs.filter((r) => r.scheduled_time < time || (r.scheduled_time === time && r.id < id));
    }
    const page = runs.slice(0, q.limit);
    return {
      runs: page,
      count: page.length,
      next_cursor: runs.length > q.limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  async get(idOrPrefix: string): Promise<RunDetail> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    const raw = await this.ctx.logs.read(run.id, 'jsonl').catch(() => null);
    const legacyRaw = typeof run['raw_output'] === 'string' ? run['raw_output'] : null;
    const rawOutput = raw ?? legacyRaw;
    const legacyOutput = typeof run['output'] === 'string' ? run['output'] : null;
    return { ...run, raw_output: rawOutput, output: rawOutput ? formatStreamJson(rawOutput) : legacyOutput };
  }

  async logs(idOrPrefix: string, offset = 0): Promise<{ run: Run; text: string | null }> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    return { run, text: await this.ctx.logs.read(run.id, 'log', offset) };
  }

  stop(idOrPrefix: string): Promise<Run> {
    return this.ctx.runs.stop(idOrPrefix, 'user', 'stopped by user via API');
  }

  /** Runs the run's task again (a new run, attempt 1). */
  async restart(idOrPrefix: string): Promise<Run> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    const task = this.ctx.store.tasks.get(run.task_id);
    if (!task) throw new ConflictError(`the task of run ${run.id} no longer exists`);
    return this.ctx.runs.start(task, { trigger: 'restart' });
  }

  async delete(idOrPrefix: string): Promise<Run> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    if (!isTerminalRunStatus(run.status))
      throw new ConflictError(`run ${run.id} is ${run.status}; stop it before deleting it`);
    await this.ctx.store.runs.delete(run.id);
    await this.ctx.logs.delete(run.id).catch(() => undefined);
    this.ctx.hub.publish('run.deleted', { id: run.id, task_id: run.task_id });
    return run;
  }
}
