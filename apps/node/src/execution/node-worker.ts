import { ClusterNode, VERSION } from '@ccs/core';
import { Clock, TimerHandle, getLogger } from '@ccs/shared';
import { CommandEnvelope, CommandSource, EventBus, makeEnvelope } from '@ccs/transport';
import { ExecutionHandle, RunExecutor } from './run-executor';

const log = getLogger('node.worker');

export interface NodeWorkerOptions {
  nodeId: string;
  nodeName: string;
  host: string;
  capacity: number;
  tags: Record<string, string>;
  heartbeatIntervalMs: number;
  /** On shutdown, in-flight runs get this long to finish before they are stopped. */
  shutdownDeadlineMs: number;
}

/**
 * A worker: registers with the coordinator, consumes commands, executes runs (at most `capacity` at once — the
 * command source holds one message per run in flight), answers StopRun for the runs it holds, sends heartbeats,
 * and shuts down in order. Duplicate deliveries of an ExecuteRun it already holds, or has finished, are ignored,
 * so at-least-once delivery results in one execution per (run, attempt) on this node.
 */
export class NodeWorker {
  private readonly running = new Map<string, ExecutionHandle>();
  /** `runId:attempt` of runs this node finished (bounded), to ignore late duplicate deliveries. */
  private readonly finished = new Set<string>();
  /** Runs stopped before their ExecuteRun arrived here. */
  private readonly stoppedEarly = new Set<string>();
  private heartbeat: TimerHandle | null = null;
  private draining = false;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly options: NodeWorkerOptions,
    private readonly commands: CommandSource,
    private readonly events: EventBus,
    private readonly executor: RunExecutor,
    private readonly clock: Clock,
  ) {}

  /** Runs at most `capacity` at once from now on (waiting runs start as slots free up, in order). */
  setCapacity(capacity: number): void {
    this.options.capacity = Math.max(1, capacity);
    this.commands.setConcurrency(this.options.capacity);
  }

  get runningRunIds(): string[] {
    return [...this.running.keys()];
  }

  describe(): ClusterNode {
    const now = this.clock.now().toISOString();
    return {
      id: this.options.nodeId,
      name: this.options.nodeName,
      host: this.options.host,
      status: this.draining ? 'draining' : 'online',
      version: VERSION,
      capacity: this.options.capacity,
      running_run_ids: this.runningRunIds,
      tags: this.options.tags,
      registered_at: now,
      last_heartbeat: now,
      status_reason: null,
    };
  }

  async start(): Promise<void> {
    await this.events.publish(
      makeEnvelope('NodeRegistered', { node: this.describe() }, { nodeId: this.options.nodeId }),
    );
    await this.commands.start(this.options.nodeId, (cmd) => this.handle(cmd), { concurrency: this.options.capacity });
    this.armHeartbeat();
    log.info(`node ${this.options.nodeId} started (capacity ${this.options.capacity})`);
  }

  private armHeartbeat(): void {
    this.heartbeat = this.clock.setTimer(() => {
      void this.sendHeartbeat().finally(() => {
        if (!this.stopping) this.armHeartbeat();
      });
    }, this.options.heartbeatIntervalMs);
  }

  private async sendHeartbeat(): Promise<void> {
    await this.events
      .publish(
        makeEnvelope(
          'NodeHeartbeat',
          {
            node_id: this.options.nodeId,
            capacity: this.options.capacity,
            running_run_ids: this.runningRunIds,
            version: VERSION,
            draining: this.draining,
          },
          { nodeId: this.options.nodeId },
        ),
      )
      .catch((err: unknown) => log.warn('heartbeat publish failed:', err));
  }

  private async handle(cmd: CommandEnvelope): Promise<void> {
    switch (cmd.type) {
      case 'ExecuteRun': {
        const { run } = cmd.payload;
        const key = `${run.id}:${run.attempt}`;
        if (this.running.has(run.id) || this.finished.has(key)) {
          log.info(`ignoring duplicate ExecuteRun for run ${run.id} attempt ${run.attempt}`);
          return;
        }
        if (this.stoppedEarly.delete(run.id)) {
          log.info(`run ${run.id} was stopped before it reached this node; not starting it`);
          return;
        }
        // The envelope's traceparent lets the node's `execute` span join the run's trace (telemetry).
        const handle = this.executor.start(cmd.payload, cmd.traceparent);
        this.running.set(run.id, handle);
        try {
          await handle.done;
        } finally {
          this.running.delete(run.id);
          this.finished.add(key);
          if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value!);
        }
        return;
      }
      case 'StopRun': {
        const handle = this.running.get(cmd.payload.run_id);
        if (handle) {
          log.info(`stopping run ${cmd.payload.run_id}: ${cmd.payload.reason} (by ${cmd.payload.by})`);
          await handle.stop(cmd.payload.reason, cmd.payload.by);
        } else if (!cmd.nodeId) {
          this.stoppedEarly.add(cmd.payload.run_id);
        }
        return;
      }
    }
  }

  /**
   * Graceful shutdown: stop taking work, give in-flight runs `shutdownDeadlineMs` to finish, stop the rest,
   * deregister. Idempotent.
   */
  stop(reason = 'node shutting down'): Promise<void> {
    this.stopping ??= (async () => {
      this.draining = true;
      this.heartbeat?.cancel();
      const deadline = this.clock.setTimer(() => {
        for (const h of this.running.values()) void h.stop(reason, 'shutdown');
      }, this.options.shutdownDeadlineMs);
      await this.commands.stop();
      await Promise.allSettled([...this.running.values()].map((h) => h.done));
      deadline.cancel();
      await this.events
        .publish(makeEnvelope('NodeDeregistered', { node: this.describe() }, { nodeId: this.options.nodeId }))
        .catch((err: unknown) => log.warn('deregister publish failed:', err));
    })();
    return this.stopping;
  }

  /** Stops every run now (e.g. the gui shutting down): they end cancelled with the reason. */
  async stopAllRuns(reason: string, by: string): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((h) => h.stop(reason, by)));
  }
}
