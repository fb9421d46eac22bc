import { randomUUID } from 'node:crypto';
import { RUN_STATUSES, RunStatus } from './enums';
import { Json, asObject, num, nowIso, oneOf, optNum, optStr, optTimestamp, str, timestamp } from './read';

/** Token counts from the final stream-json `result` record (`usage`). */
export interface RunTokens {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/**
 * One execution of a task. Heavy output (raw JSONL, formatted text, stderr) lives in the run's log files, not in
 * runs.json; `errors` holds a capped summary. Runs imported from the original keep their inline `output`,
 * `raw_output` and `errors` fields (unknown fields are preserved).
 */
export interface Run {
  id: string;
  task_id: string;
  job_id: string | null;
  task_name: string;
  /** 1 for the first attempt, n for the (n-1)th retry. */
  attempt: number;
  status: RunStatus;
  scheduled_time: string;
  start_time: string | null;
  end_time: string | null;
  /** Seconds. */
  duration: number | null;
  session_id: string | null;
  exit_code: number | null;
  /** Capped error summary (stderr tail, parse or spawn error, cancellation reason). */
  errors: string | null;
  /** Who or what ended the run when it was cancelled or failed outside Claude (e.g. "stopped by user via API"). */
  status_reason: string | null;
  /** Node that ran it (cluster mode), or "local". */
  node_id: string | null;
  /** What created it: manual, schedule, startup, file_watch, job, retry, restart. */
  trigger: string | null;
  /** When a transport accepted the run's ExecuteRun; null while it waits in the outbox. */
  dispatched_at: string | null;
  model: string | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
  num_turns: number | null;
  duration_api_ms: number | null;
  [extra: string]: unknown;
}

export function normalizeRun(raw: unknown, path = 'run', now = nowIso()): Run {
  const o: Json = asObject(raw, path);
  const scheduled = timestamp(o, 'scheduled_time', path, optStr(o, 'start_time', path) ?? now);
  return {
    ...o,
    id: str(o, 'id', path, '') || randomUUID(),
    task_id: str(o, 'task_id', path, ''),
    job_id: optStr(o, 'job_id', path),
    task_name: str(o, 'task_name', path, ''),
    attempt: num(o, 'attempt', path, 1),
    status: oneOf(o, 'status', path, RUN_STATUSES, 'upcoming'),
    scheduled_time: scheduled,
    start_time: optTimestamp(o, 'start_time', path),
    end_time: optTimestamp(o, 'end_time', path),
    duration: optNum(o, 'duration', path),
    session_id: optStr(o, 'session_id', path),
    exit_code: optNum(o, 'exit_code', path),
    errors: optStr(o, 'errors', path),
    status_reason: optStr(o, 'status_reason', path),
    node_id: optStr(o, 'node_id', path),
    trigger: optStr(o, 'trigger', path),
    dispatched_at: optTimestamp(o, 'dispatched_at', path),
    model: optStr(o, 'model', path),
    cost_usd: optNum(o, 'cost_usd', path),
    input_tokens: optNum(o, 'input_tokens', path),
    output_tokens: optNum(o, 'output_tokens', path),
    cache_read_tokens: optNum(o, 'cache_read_tokens', path),
    cache_creation_tokens: optNum(o, 'cache_creation_tokens', path),
    num_turns: optNum(o, 'num_turns', path),
    duration_api_ms: optNum(o, 'duration_api_ms', path),
  };
}

/** A fresh `upcoming` run for a task. */
export function newRun(init: Pick<Run, 'task_id' | 'task_name'> & Partial<Run>, now: Date = new Date()): Run {
  return normalizeRun({ id: randomUUID(), status: 'upcoming', scheduled_time: now.toISOString(), ...init });
}
