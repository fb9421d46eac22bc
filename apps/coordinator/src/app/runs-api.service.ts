import {
  ConflictError,
  Run,
  RunStatus,
  RunsQueryDto,
  ValidationError,
  formatStreamJson,
  isTerminalRunStatus,
} from '@ccs/core';
import type { LogKind, LogSlice } from '@ccs/transport';
import type { CoordinatorContext } from './context';
import { validated } from './validate';

export interface RunPage {
  runs: Run[];
  count: number;
  next_cursor: string | null;
}

/** Where `output` / `raw_output` of a run detail come from, and how to get the rest. */
export interface OutputTail {
  /** True when `raw_output` is only the last part of the stored stream-json output. */
  truncated: boolean;
  /** Offset of `raw_output`'s first byte in the stored stream-json log (`GET …/logs?kind=jsonl`). */
  raw_start: number;
  /** Bytes of the stored stream-json log (`.jsonl`). */
  raw_size: number;
  /** Bytes of the stored text log (`.log`). */
  log_size: number;
  /** How to read the whole output. */
  more: string;
}

/**
 * A run with the last part of its output: `raw_output` is the tail of the stored stream-json (whole lines, at
 * most a few hundred KiB), `output` its Output-view text; the whole detail stays under 1 MiB, however large the
 * run's output. `output_tail` says what was left out and where to stream the rest from.
 */
export type RunDetail = Run & { output: string | null; raw_output: string | null; output_tail: OutputTail };

/** Most bytes of a serialized run detail (`GET /api/runs/{id}` answers `{ run: <detail> }`). */
export const RUN_DETAIL_MAX_BYTES = 1024 * 1024 - 1024;
/** First try at the raw tail; halved until the detail fits RUN_DETAIL_MAX_BYTES. */
const RAW_TAIL_BYTES = 384 * 1024;

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

  /** The run with a bounded tail of its output (see RunDetail). */
  async get(idOrPrefix: string): Promise<RunDetail> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    const [rawSize, logSize] = await Promise.all([
      this.ctx.logs.size(run.id, 'jsonl').catch(() => null),
      this.ctx.logs.size(run.id, 'log').catch(() => null),
    ]);
    const more =
      `GET /api/runs/${run.id}/logs?kind=jsonl streams the whole stream-json output and /api/runs/${run.id}/logs ` +
      'the whole text log (Range: bytes=… or ?offset=&limit= for a part)';
    for (let budget = RAW_TAIL_BYTES; ; budget = Math.floor(budget / 2)) {
      let raw: string | null;
      let rawStart = 0;
      let truncated = false;
      if (rawSize !== null) {
        rawStart = Math.max(0, rawSize - budget);
        let bytes = await this.readTail(run.id, rawStart, rawSize);
        if (rawStart > 0) {
          // Whole lines only: drop the cut first line (cut in bytes, before decoding a split character).
          const nl = bytes.indexOf(0x0a);
          const cut = nl < 0 ? bytes.length : nl + 1;
          rawStart += cut;
          bytes = bytes.subarray(cut);
          truncated = true;
        }
        raw = bytes.toString('utf8');
      } else {
        // A run imported from the original keeps its output in the record: bounded the same way.
        const legacy = typeof run['raw_output'] === 'string' ? run['raw_output'] : null;
        raw = legacy === null ? null : tailChars(legacy, budget);
        truncated = legacy !== null && raw !== legacy;
      }
      const legacyOutput = typeof run['output'] === 'string' ? tailChars(run['output'], budget) : null;
      const output = raw ? tailChars(formatStreamJson(raw), budget) : legacyOutput;
      const detail: RunDetail = {
        ...run,
        raw_output: raw,
        output,
        output_tail: { truncated, raw_start: rawStart, raw_size: rawSize ?? 0, log_size: logSize ?? 0, more },
      };
      // JSON escaping can make text several times longer: measure the answer itself.
      if (Buffer.byteLength(JSON.stringify({ run: detail })) <= RUN_DETAIL_MAX_BYTES || budget < 1024) return detail;
    }
  }

  /**
   * A byte range of one of the run's logs, streamed (null body size 0 when the log does not exist yet). The
   * caller consumes or destroys `slice.body`.
   */
  async openLog(
    idOrPrefix: string,
    kind: LogKind,
    range: { start?: number; end?: number } = {},
  ): Promise<{ run: Run; slice: LogSlice | null }> {
    const run = this.ctx.store.runs.resolve(idOrPrefix);
    return { run, slice: await this.ctx.logs.open(run.id, kind, range) };
  }

  /** The run an id or unique prefix names (NotFoundError / AmbiguousIdError otherwise). */
  resolve(idOrPrefix: string): Run {
    return this.ctx.store.runs.resolve(idOrPrefix);
  }

  /** The run's current record; null once it was deleted. */
  current(runId: string): Run | null {
    return this.ctx.store.runs.get(runId) ?? null;
  }

  /** The stored size of one of the run's logs (0 when there is none yet). */
  async logSize(runId: string, kind: LogKind): Promise<number> {
    return (await this.ctx.logs.size(runId, kind)) ?? 0;
  }

  private async readTail(runId: string, start: number, end: number): Promise<Buffer> {
    const slice = await this.ctx.logs.open(runId, 'jsonl', { start, end });
    if (!slice) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of slice.body) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
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

/** The last `max` characters of a text, from a line start when it was cut. */
function tailChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const nl = cut.indexOf('\n');
  return nl < 0 ? cut : cut.slice(nl + 1);
}
