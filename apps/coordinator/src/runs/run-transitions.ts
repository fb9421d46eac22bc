import { Run, isTerminalRunStatus } from '@ccs/core';
import type { RunOutcome, TaskStartedPayload } from '@ccs/transport';

/**
 * The run state machine as pure functions. `upcoming → running → success | failed | cancelled`; a terminal state
 * is never left, so a late or duplicated event cannot resurrect a finished run.
 */
export type StartDecision =
  | { kind: 'start'; run: Run }
  /** Already running on this node: a redelivered TaskStarted; nothing to do. */
  | { kind: 'duplicate' }
  /** Terminal, or held by another node: the claimant must stop its process. */
  | { kind: 'reject'; reason: string };

export function applyStarted(run: Run, p: TaskStartedPayload): StartDecision {
  if (isTerminalRunStatus(run.status)) return { kind: 'reject', reason: `run is already ${run.status}` };
  if (run.attempt !== p.attempt)
    return { kind: 'reject', reason: `stale attempt ${p.attempt} (current ${run.attempt})` };
  if (run.status === 'running') {
    return run.node_id === p.node_id
      ? { kind: 'duplicate' }
      : { kind: 'reject', reason: `run is already running on node ${run.node_id ?? '?'}` };
  }
  return {
    kind: 'start',
    run: {
      ...run,
      status: 'running',
      node_id: p.node_id,
      start_time: p.start_time,
      session_id: p.session_id ?? run.session_id,
    },
  };
}

/** Applies a node's final outcome; null when the run is already terminal (the first final word wins). */
export function applyOutcome(run: Run, outcome: RunOutcome, nodeId: string): Run | null {
  if (isTerminalRunStatus(run.status)) return null;
  if (run.node_id && run.node_id !== nodeId) return null;
  return {
    ...run,
    status: outcome.status,
    node_id: nodeId,
    start_time: run.start_time ?? outcome.start_time,
    end_time: outcome.end_time,
    duration: outcome.duration,
    exit_code: outcome.exit_code,
    session_id: outcome.session_id ?? run.session_id,
    errors: outcome.errors,
    status_reason: outcome.status_reason ?? run.status_reason,
    model: outcome.model,
    cost_usd: outcome.cost_usd,
    input_tokens: outcome.input_tokens,
    output_tokens: outcome.output_tokens,
    cache_read_tokens: outcome.cache_read_tokens,
    cache_creation_tokens: outcome.cache_creation_tokens,
    num_turns: outcome.num_turns,
    duration_api_ms: outcome.duration_api_ms,
  };
}

/** Ends a run on the coordinator's own authority (stop before start, node lost, coordinator restart). */
export function endRun(run: Run, status: 'failed' | 'cancelled', reason: string, now: Date): Run | null {
  if (isTerminalRunStatus(run.status)) return null;
  const start = run.start_time ? new Date(run.start_time).getTime() : null;
  return {
    ...run,
    status,
    status_reason: reason,
    errors: run.errors ?? reason,
    end_time: now.toISOString(),
    duration: start === null ? null : Math.max(0, (now.getTime() - start) / 1000),
  };
}
