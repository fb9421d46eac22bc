import {
  ConflictError,
  Job,
  Profile,
  Run,
  Task,
  isTerminalRunStatus,
  newRun,
  normalizeNode,
  retryDelaySeconds,
  shouldRetry,
} from '@ccs/core';
import type { DataStore } from '@ccs/storage';
import { Clock, RunTelemetry, TimerHandle, getLogger } from '@ccs/shared';
import { CommandBus, EventEnvelope, EventPayloads, EventType, ExecutionSettings, makeEnvelope } from '@ccs/transport';
import { EventHub } from '../events/event-hub';
import { applyOutcome, applyStarted, endRun } from './run-transitions';

const log = getLogger('coordinator.runs');

/** What created a run; stored on the run for the history views. */
export type RunTrigger = 'manual' | 'schedule' | 'startup' | 'file_watch' | 'job' | 'retry' | 'restart' | 'catchup';

export interface StartRunOptions {
  trigger: RunTrigger;
  attempt?: number;
  /** The schedule slot this run is for (defaults to now). */
  scheduledTime?: Date;
}

export type RunFinishedListener = (run: Run) => void;

/**
 * The coordinator's side of a run's life: creates runs, dispatches them through the CommandBus, applies the
 * nodes' events (idempotently, tolerating duplicates and reordering), retries failed attempts per the task's
 * retry policy, and announces every persisted change on the EventHub. Every transition is persisted before it
 * is announced.
 */
export class RunService {
  private readonly finishedListeners = new Set<RunFinishedListener>();
  private readonly terminalWaiters = new Map<string, Set<(run: Run) => void>>();
  private readonly retryTimers = new Map<string, TimerHandle>();
  private readonly outputSeq = new Map<string, number>();
  private redispatchTimer: TimerHandle | null = null;
  private redispatchDelayMs = 1000;
  /** OpenTelemetry (issue #6): run spans and run metrics; every call returns at once when telemetry is off. */
  private readonly telemetry = new RunTelemetry();

  constructor(
    private readonly store: DataStore,
    private readonly commands: CommandBus,
    private readonly hub: EventHub,
    private readonly clock: Clock,
    /** Process-level overrides of stored settings, e.g. `--mock-mode` (never written to settings.json). */
    private readonly overrides: Partial<ExecutionSettings> = {},
  ) {}

  onRunFinished(listener: RunFinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /**
   * The oldest non-terminal run of a task, if any. For "is the task busy?" checks, which run on every fire and every
   * finished run: it stops at the first match instead of copying every active run.
   */
  firstActiveRun(taskId: string): Run | undefined {
    return this.store.runs.find((r) => r.task_id === taskId && !isTerminalRunStatus(r.status));
  }

  /** Non-terminal runs of a task (upcoming or running). */
  activeRuns(taskId: string): Run[] {
    // filter() copies only the matches: this runs on every fire and every finished run, with thousands of runs kept.
    return this.store.runs.filter((r) => r.task_id === taskId && !isTerminalRunStatus(r.status));
  }

  /** Creates a run for the task, persists it as `upcoming` and dispatches it to a worker. */
  async start(task: Task, options: StartRunOptions): Promise<Run> {
    const now = this.clock.now();
    const run = newRun(
      {
        task_id: task.id,
        task_name: task.name,
        job_id: task.job_id,
        attempt: options.attempt ?? 1,
        trigger: options.trigger,
        model: task.model,
        scheduled_time: (options.scheduledTime ?? now).toISOString(),
      },
      now,
    );
    this.telemetry.created(run, now); // telemetry: opens the run's root span `run <task name>`
    await this.store.runs.put(run);
    this.hub.publish('run.created', run);
    await this.dispatch(run, task);
    return this.store.runs.get(run.id) ?? run;
  }

  private async dispatch(run: Run, task: Task): Promise<void> {
    const job: Job | null = task.job_id ? (this.store.jobs.get(task.job_id) ?? null) : null;
    const settings = this.store.settings.get();
    const exec: ExecutionSettings = {
      mock_mode: settings.mock_mode,
      unmask_env_vars: settings.unmask_env_vars,
      claude_cli_path: settings.claude_cli_path,
      default_timeout_seconds: settings.default_timeout_seconds,
      stop_grace_seconds: settings.stop_grace_seconds,
      max_output_bytes: settings.max_output_bytes,
      max_log_bytes: settings.max_log_bytes,
      mock_duration_ms: settings.mock_duration_ms,
      default_working_directory: settings.default_working_directory,
      ...this.overrides,
    };
    // Telemetry: a `dispatch` span under the run's span; its W3C context travels as the envelope's traceparent.
    const traceparent = this.telemetry.dispatching(run);
    try {
      await this.commands.send(
        makeEnvelope(
          'ExecuteRun',
          {
            run,
            task,
            job,
            task_profile: this.profile(task.profile),
            job_profile: this.profile(job?.profile ?? null),
            settings: exec,
          },
          traceparent ? { runId: run.id, traceparent } : { runId: run.id },
        ),
      );
    } catch (err) {
      this.telemetry.dispatched(run.id, err);
      // The persisted `upcoming` run without `dispatched_at` is the outbox entry: it is sent again until the
      // transport takes it, so a command accepted by the API is never lost while SNS/SQS are unavailable.
      log.warn(`dispatch of run ${run.id} failed, will retry:`, err instanceof Error ? err.message : err);
      this.scheduleRedispatch();
      return;
    }
    this.telemetry.dispatched(run.id);
    this.redispatchDelayMs = 1000;
    const current = this.store.runs.get(run.id);
    if (current && current.status === 'upcoming' && !current.dispatched_at) {
      await this.store.runs.put({ ...current, dispatched_at: this.clock.now().toISOString() });
    }
  }

  private scheduleRedispatch(): void {
    if (this.redispatchTimer) return;
    const delay = this.redispatchDelayMs;
    this.redispatchDelayMs = Math.min(30_000, this.redispatchDelayMs * 2);
    this.redispatchTimer = this.clock.setTimer(() => {
      this.redispatchTimer = null;
      this.redispatchPending().catch((err: unknown) => log.error('re-dispatch failed:', err));
    }, delay);
  }

  /** Sends every `upcoming` run that no transport has accepted yet (start-up, and after publish failures). */
  async redispatchPending(): Promise<number> {
    let n = 0;
    for (const run of this.store.runs.list()) {
      if (run.status !== 'upcoming' || run.dispatched_at) continue;
      const task = this.store.tasks.get(run.task_id);
      if (!task) {
        await this.finishLocally(run.id, 'failed', 'task deleted before the run was dispatched');
        continue;
      }
      await this.dispatch(run, task);
      n++;
      if (this.redispatchTimer) break; // the transport is still down; the timer tries again later
    }
    return n;
  }

  private profile(id: string | null): Profile | null {
    return id ? (this.store.profiles.get(id) ?? null) : null;
  }

  /**
   * Stops a run. An `upcoming` run is cancelled at once; a running one is asked to stop on its node and the
   * final state arrives with the node's TaskFailed event (the returned promise waits for it up to `waitMs`).
   */
  async stop(idOrPrefix: string, by = 'user', reason = 'stopped by user', waitMs = 15_000): Promise<Run> {
    const run = this.store.runs.resolve(idOrPrefix);
    if (isTerminalRunStatus(run.status)) throw new ConflictError(`Run ${run.id} is already ${run.status}`);
    this.cancelRetry(run.task_id);
    const stop = makeEnvelope(
      'StopRun',
      { run_id: run.id, reason, by },
      run.node_id ? { runId: run.id, nodeId: run.node_id } : { runId: run.id },
    );
    if (run.status === 'upcoming') {
      const ended = await this.finishLocally(run.id, 'cancelled', `${reason} (by ${by})`);
      // The ExecuteRun may still be queued or just picked up: tell every node to drop it.
      await this.commands.send(stop).catch((err: unknown) => log.warn('StopRun publish failed:', err));
      return ended ?? this.store.runs.get(run.id)!;
    }
    const done = this.waitForTerminal(run.id, waitMs);
    await this.commands.send(stop);
    return done;
  }

  /** Resolves with the run once it is terminal (or its current state after `timeoutMs`). */
  waitForTerminal(runId: string, timeoutMs: number): Promise<Run> {
    const current = this.store.runs.get(runId);
    if (!current || isTerminalRunStatus(current.status)) return Promise.resolve(current!);
    return new Promise((resolve) => {
      const set = this.terminalWaiters.get(runId) ?? new Set();
      const timer = this.clock.setTimer(() => {
        set.delete(done);
        resolve(this.store.runs.get(runId)!);
      }, timeoutMs);
      const done = (run: Run): void => {
        timer.cancel();
        resolve(run);
      };
      set.add(done);
      this.terminalWaiters.set(runId, set);
    });
  }

  /** Ends a run on the coordinator's authority and announces it like any other finish. */
  async finishLocally(runId: string, status: 'failed' | 'cancelled', reason: string): Promise<Run | null> {
    const run = this.store.runs.get(runId);
    if (!run) return null;
    const ended = endRun(run, status, reason, this.clock.now());
    if (!ended) return null;
    await this.afterFinish(ended);
    return ended;
  }

  /** Local mode start-up: runs a crashed coordinator left non-terminal can never finish; fail them with a reason. */
  async reconcileAfterRestart(): Promise<number> {
    let n = 0;
    for (const run of this.store.runs.list()) {
      if (isTerminalRunStatus(run.status)) continue;
      const ended = endRun(run, 'failed', 'coordinator restarted', this.clock.now());
      if (ended) {
        await this.store.runs.put(ended);
        this.hub.publish('run.updated', ended);
        n++;
      }
    }
    if (n > 0) log.warn(`${n} run(s) left unfinished by a previous coordinator were marked failed`);
    return n;
  }

  cancelRetry(taskId: string): void {
    this.retryTimers.get(taskId)?.cancel();
    this.retryTimers.delete(taskId);
  }

  /** Cancels pending retries (shutdown). */
  close(): void {
    for (const t of this.retryTimers.values()) t.cancel();
    this.retryTimers.clear();
    this.redispatchTimer?.cancel();
    this.redispatchTimer = null;
    this.telemetry.close();
  }

  /** Applies one event from a node. Idempotent; unknown runs are logged and ignored. */
  async handleEvent(event: EventEnvelope): Promise<void> {
    const handler = this.handlers[event.type] as (p: EventPayloads[EventType], e: EventEnvelope) => Promise<void>;
    await handler(event.payload, event);
  }

  private readonly handlers: { [K in EventType]: (p: EventPayloads[K], e: EventEnvelope) => Promise<void> } = {
    NodeRegistered: async (p) => {
      const node = normalizeNode({ ...p.node, status: 'online', last_heartbeat: this.clock.now().toISOString() });
      await this.store.nodes.put(node);
      this.hub.publish('node.changed', node);
    },
    NodeHeartbeat: async (p) => {
      const node = this.store.nodes.get(p.node_id);
      if (!node) return;
      const updated = normalizeNode({
        ...node,
        status: p.draining ? 'draining' : 'online',
        capacity: p.capacity,
        running_run_ids: p.running_run_ids,
        version: p.version,
        last_heartbeat: this.clock.now().toISOString(),
        // A node declared lost that beats again is back: its "no heartbeat" reason no longer holds.
        status_reason: null,
      });
      await this.store.nodes.put(updated);
      this.hub.publish('node.changed', updated);
      // A node that runs something this coordinator already ended (e.g. after it was declared lost) must stop it.
      for (const runId of p.running_run_ids) {
        const run = this.store.runs.get(runId);
        if (!run || isTerminalRunStatus(run.status)) {
          await this.commands.send(
            makeEnvelope(
              'StopRun',
              { run_id: runId, reason: run ? `run is already ${run.status}` : 'unknown run', by: 'coordinator' },
              { runId, nodeId: p.node_id },
            ),
          );
        }
      }
    },
    NodeDeregistered: async (p) => {
      const node = this.store.nodes.get(p.node.id);
      if (!node) return;
      const updated = { ...node, status: 'offline' as const, running_run_ids: [], status_reason: null };
      await this.store.nodes.put(updated);
      this.hub.publish('node.changed', updated);
    },
    TaskStarted: async (p) => {
      const run = this.store.runs.get(p.run_id);
      if (!run) return log.warn(`TaskStarted for unknown run ${p.run_id}`);
      const decision = applyStarted(run, p);
      if (decision.kind === 'duplicate') return;
      if (decision.kind === 'reject') {
        log.info(`telling node ${p.node_id} to stop run ${p.run_id}: ${decision.reason}`);
        await this.commands.send(
          makeEnvelope(
            'StopRun',
            { run_id: p.run_id, reason: decision.reason, by: 'duplicate' },
            { runId: p.run_id, nodeId: p.node_id },
          ),
        );
        return;
      }
      await this.store.runs.put(decision.run);
      this.hub.publish('run.updated', decision.run);
      this.telemetry.started(decision.run, this.clock); // telemetry: ccs.runs.started, ccs.dispatch.latency
    },
    TaskOutput: (p) => {
      // Output chunks go to live viewers only; the node writes the durable log itself. Drop duplicates.
      const last = this.outputSeq.get(p.run_id) ?? 0;
      if (p.seq > last) this.outputSeq.set(p.run_id, p.seq);
      if (p.seq !== last) this.hub.publish('run.output', p);
      return Promise.resolve();
    },
    TaskCompleted: (p) => this.applyFinished(p.run_id, p.node_id, p.outcome),
    TaskFailed: (p) => this.applyFinished(p.run_id, p.node_id, p.outcome),
  };

  private async applyFinished(
    runId: string,
    nodeId: string,
    outcome: EventPayloads['TaskCompleted']['outcome'],
  ): Promise<void> {
    const run = this.store.runs.get(runId);
    if (!run) return log.warn(`final event for unknown run ${runId}`);
    const updated = applyOutcome(run, outcome, nodeId);
    if (!updated) return;
    await this.afterFinish(updated);
  }

  /** Persists a run's final state (with its task's last status), then announces it and runs the follow-ups. */
  private async afterFinish(run: Run): Promise<void> {
    this.outputSeq.delete(run.id);
    this.telemetry.finished(run); // telemetry: ends the run span; ccs.runs.finished, duration, tokens, cost
    const task = this.store.tasks.get(run.task_id);
    let patched: Task | null = null;
    if (task) {
      const patch: Partial<Task> = { last_run_status: run.status };
      if (run.session_id && run.status !== 'cancelled') patch.last_session_id = run.session_id;
      patched = { ...task, ...patch };
    }
    // runs.json and tasks.json are written side by side: one write cycle instead of two. Events are applied one at
    // a time, so this halves what a finished run holds up the event queue. A crash in between can leave the task's
    // last_run_status ahead of a run that restart reconciliation then fails; both are display fields.
    await Promise.all([this.store.runs.put(run), patched ? this.store.tasks.put(patched) : undefined]);
    if (patched) this.hub.publish('task.changed', patched);
    this.hub.publish('run.updated', run);
    const waiters = this.terminalWaiters.get(run.id);
    this.terminalWaiters.delete(run.id);
    for (const w of waiters ?? []) w(run);
    // Job runs are retried by the job runner (seq_max_retries), not here, so an attempt is never doubled.
    if (task && run.trigger !== 'job' && shouldRetry(run.status, run.attempt, task.retry))
      this.scheduleRetry(task, run);
    for (const l of this.finishedListeners) {
      try {
        l(run);
      } catch (err) {
        log.error('run-finished listener failed:', err);
      }
    }
  }

  private scheduleRetry(task: Task, run: Run): void {
    const delayMs = retryDelaySeconds(task.retry, run.attempt) * 1000;
    log.info(`run ${run.id} failed (attempt ${run.attempt}); retrying task ${task.id} in ${delayMs / 1000} s`);
    this.cancelRetry(task.id);
    const timer = this.clock.setTimer(() => {
      this.retryTimers.delete(task.id);
      const current = this.store.tasks.get(task.id);
      if (!current) return;
      this.start(current, { trigger: 'retry', attempt: run.attempt + 1 }).catch((err: unknown) =>
        log.error(`retry of task ${task.id} failed to start:`, err),
      );
    }, delayMs);
    this.retryTimers.set(task.id, timer);
  }
}
