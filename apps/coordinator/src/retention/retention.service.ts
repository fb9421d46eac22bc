import { Occurrence } from '@ccs/core';
import { DataStore, selectRunsToPrune } from '@ccs/storage';
import { Clock, TimerHandle, getLogger } from '@ccs/shared';
import type { LogStore } from '@ccs/transport';
import { EventHub } from '../events/event-hub';

const log = getLogger('coordinator.retention');

/** Occurrences beyond the newest `keep` of each task (newest by scheduled time). `keep` < 1 keeps all. */
export function selectOccurrencesToPrune(occurrences: readonly Occurrence[], keep: number): Occurrence[] {
  if (!(keep >= 1)) return [];
  const byTask = new Map<string, Occurrence[]>();
  for (const o of occurrences) byTask.set(o.task_id, [...(byTask.get(o.task_id) ?? []), o]);
  const out: Occurrence[] = [];
  for (const list of byTask.values()) {
    list.sort((a, b) => b.scheduled_time.localeCompare(a.scheduled_time) || b.id.localeCompare(a.id));
    out.push(...list.slice(Math.floor(keep)));
  }
  return out;
}

export interface RetentionOptions {
  intervalMs?: number;
  /** Deletes log files older than `days` (local data dir); in cloud mode the bucket's lifecycle rule does this. */
  pruneLogsByAge?: (days: number, now: Date) => Promise<number>;
}

/**
 * Enforces `run_retention_count` (finished runs kept per task, with their logs) and the same count for schedule
 * occurrences, plus `log_retention_days` where logs are local. Runs at start and then hourly.
 */
export class RetentionService {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly store: DataStore,
    private readonly logs: LogStore,
    private readonly hub: EventHub,
    private readonly clock: Clock,
    private readonly options: RetentionOptions = {},
  ) {}

  start(): void {
    const loop = (delay: number): void => {
      this.timer = this.clock.setTimer(() => {
        this.runOnce()
          .catch((err: unknown) => log.error('retention pass failed:', err))
          .finally(() => {
            if (this.timer) loop(this.options.intervalMs ?? 3_600_000);
          });
      }, delay);
    };
    loop(0);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  async runOnce(): Promise<{ runs: number; occurrences: number; logFiles: number }> {
    const settings = this.store.settings.get();
    const runs = selectRunsToPrune(this.store.runs.list(), settings.run_retention_count);
    if (runs.length > 0) {
      await this.store.runs.deleteMany(runs.map((r) => r.id));
      for (const r of runs) {
        await this.logs.delete(r.id).catch((err: unknown) => log.warn(`deleting the log of run ${r.id} failed:`, err));
        this.hub.publish('run.deleted', { id: r.id, task_id: r.task_id });
      }
    }
    const occurrences = selectOccurrencesToPrune(this.store.occurrences.list(), settings.run_retention_count);
    if (occurrences.length > 0) await this.store.occurrences.deleteMany(occurrences.map((o) => o.id));
    const logFiles = this.options.pruneLogsByAge
      ? await this.options.pruneLogsByAge(settings.log_retention_days, this.clock.now())
      : 0;
    if (runs.length || occurrences.length || logFiles) {
      log.info(
        `retention: removed ${runs.length} run(s), ${occurrences.length} occurrence(s), ${logFiles} old log file(s)`,
      );
    }
    return { runs: runs.length, occurrences: occurrences.length, logFiles };
  }
}
