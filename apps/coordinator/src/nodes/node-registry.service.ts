import { ClusterNode, isTerminalRunStatus } from '@ccs/core';
import type { DataStore } from '@ccs/storage';
import { Clock, TimerHandle, getLogger } from '@ccs/shared';
import { EventHub } from '../events/event-hub';
import { RunService } from '../runs/run.service';

const log = getLogger('coordinator.nodes');

export interface NodeRegistryOptions {
  /** A node whose last heartbeat is older than this is `lost` (default 3 × the nodes' heartbeat interval). */
  nodeTimeoutMs: number;
  /** How often to look (default: a third of the timeout, at most 5 s). */
  checkIntervalMs?: number;
}

/**
 * Watches node heartbeats. A node that misses them for `nodeTimeoutMs` becomes `lost`, and its unfinished runs
 * fail with reason `node_lost` — which lets the task's retry policy re-dispatch them to another node. After a
 * coordinator restart, runs are not failed blindly: a run still running on a node that keeps sending heartbeats
 * (and lists the run) stays running. A lost or offline node silent for `settings.node_retention_days` is removed
 * from the registry (nodes come and go with their hosts; the list would otherwise only grow).
 */
export class NodeRegistry {
  private timer: TimerHandle | null = null;
  private readonly startedAt: number;
  private readonly checkMs: number;

  constructor(
    private readonly store: DataStore,
    private readonly runs: RunService,
    private readonly hub: EventHub,
    private readonly clock: Clock,
    private readonly options: NodeRegistryOptions,
  ) {
    this.startedAt = clock.now().getTime();
    this.checkMs = options.checkIntervalMs ?? Math.min(5000, Math.max(100, Math.floor(options.nodeTimeoutMs / 3)));
  }

  start(): void {
    const loop = (): void => {
      this.timer = this.clock.setTimer(() => {
        this.check()
          .catch((err: unknown) => log.error('node check failed:', err))
          .finally(() => {
            if (this.timer) loop();
          });
      }, this.checkMs);
    };
    loop();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** One pass: mark silent nodes lost and fail the runs they held; forget nodes gone for the retention period. */
  async check(): Promise<void> {
    const now = this.clock.now().getTime();
    const retentionMs = this.store.settings.get().node_retention_days * 86_400_000;
    for (const node of this.store.nodes.list()) {
      if (node.status !== 'online' && node.status !== 'draining') {
        if (now - new Date(node.last_heartbeat).getTime() > retentionMs) {
          await this.store.nodes.delete(node.id);
          this.hub.publish('node.deleted', { id: node.id });
          log.info(`node ${node.id} (${node.name}) removed: ${node.status} since ${node.last_heartbeat}`);
        }
        continue;
      }
      const silentFor = now - new Date(node.last_heartbeat).getTime();
      if (silentFor <= this.options.nodeTimeoutMs) continue;
      const lost: ClusterNode = {
        ...node,
        status: 'lost',
        status_reason: `no heartbeat for ${Math.round(silentFor / 1000)} s (timeout ${Math.round(this.options.nodeTimeoutMs / 1000)} s)`,
        running_run_ids: [],
      };
      await this.store.nodes.put(lost);
      this.hub.publish('node.changed', lost);
      log.warn(`node ${node.id} (${node.name}) is lost: ${lost.status_reason}`);
      await this.failRunsOf(node.id);
    }
    // Runs marked running on a node this coordinator has never heard from since it started (e.g. a node that died
    // while the coordinator was down) are failed once a full timeout has passed without a word from that node.
    if (now - this.startedAt > this.options.nodeTimeoutMs) {
      for (const run of this.store.runs.list()) {
        if (run.status !== 'running' || !run.node_id) continue;
        const node = this.store.nodes.get(run.node_id);
        const heard = node ? new Date(node.last_heartbeat).getTime() >= this.startedAt : false;
        if (!heard || node?.status === 'lost' || node?.status === 'offline') {
          await this.runs.finishLocally(run.id, 'failed', 'node_lost');
        }
      }
    }
  }

  private async failRunsOf(nodeId: string): Promise<void> {
    for (const run of this.store.runs.list()) {
      if (run.node_id === nodeId && !isTerminalRunStatus(run.status)) {
        log.warn(`run ${run.id} failed: node_lost (${nodeId})`);
        await this.runs.finishLocally(run.id, 'failed', 'node_lost');
      }
    }
  }
}
