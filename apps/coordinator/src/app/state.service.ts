import { PRODUCT_NAME, VERSION, isTerminalRunStatus, maskProfile } from '@ccs/core';
import type { CoordinatorContext } from './context';
import { RunTotals, addRun, emptyTotals, totalsBy } from './run-stats';

export interface CoordinatorInfo {
  mode: 'gui' | 'daemon';
  startedAt: Date;
  dataDir: string;
  /** Queue depths, when the transport can tell (SQS GetQueueAttributes in cloud mode). */
  queueDepths?: () => Promise<Record<string, number>>;
}

/** Whole-application views: health, state, scheduler status, stats. */
export class StateService {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly info: CoordinatorInfo,
  ) {}

  health(): { status: 'ok'; name: string; version: string; mode: string; uptime_seconds: number; data_dir: string } {
    return {
      status: 'ok',
      name: PRODUCT_NAME,
      version: VERSION,
      mode: this.info.mode,
      uptime_seconds: Math.round((this.ctx.clock.now().getTime() - this.info.startedAt.getTime()) / 1000),
      data_dir: this.info.dataDir,
    };
  }

  /** Everything at once; secrets masked (profiles), totals per profile (via the tasks' and jobs' profiles). */
  state(): Record<string, unknown> {
    const { store } = this.ctx;
    const runs = store.runs.list();
    const tasks = store.tasks.list();
    const jobs = store.jobs.list();
    const jobProfile = new Map(jobs.map((j) => [j.id, j.profile]));
    const taskProfile = new Map(tasks.map((t) => [t.id, (t.job_id ? jobProfile.get(t.job_id) : null) ?? t.profile]));
    const byProfile = totalsBy(runs, (r) => taskProfile.get(r.task_id) ?? null);
    const totals = emptyTotals();
    for (const r of runs) addRun(totals, r);
    return {
      version: VERSION,
      mode: this.info.mode,
      jobs,
      tasks,
      runs: runs.slice(-200),
      runs_total: runs.length,
      profiles: store.profiles.list().map((p) => ({ ...maskProfile(p), totals: byProfile.get(p.id) ?? emptyTotals() })),
      settings: store.settings.get(),
      scheduler: { tasks: this.ctx.scheduler.status() },
      running_jobs: jobs.filter((j) => this.ctx.jobs.isRunning(j.id)).map((j) => j.id),
      nodes: store.nodes.list(),
      totals,
    };
  }

  scheduler(): Record<string, unknown> {
    const tasks = this.ctx.scheduler.status();
    return {
      running: true,
      default_timezone: this.ctx.scheduler.defaultTimezone,
      scheduled: tasks.filter((t) => t.next_fire_time !== null || t.watching !== null).length,
      tasks,
    };
  }

  async stats(): Promise<Record<string, unknown>> {
    const { store, clock } = this.ctx;
    const now = clock.now().getTime();
    const runs = store.runs.list();
    const byStatus: Record<string, number> = { upcoming: 0, running: 0, success: 0, failed: 0, cancelled: 0 };
    const totals: RunTotals = emptyTotals();
    const finishedWithin = (min: number): number =>
      runs.filter(
        (r) => isTerminalRunStatus(r.status) && r.end_time && now - new Date(r.end_time).getTime() <= min * 60_000,
      ).length;
    for (const r of runs) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      addRun(totals, r);
    }
    const nodes: Record<string, number> = { online: 0, draining: 0, lost: 0, offline: 0 };
    for (const n of store.nodes.list()) nodes[n.status] = (nodes[n.status] ?? 0) + 1;
    return {
      nodes,
      runs: byStatus,
      throughput: { last_1m: finishedWithin(1), last_5m: finishedWithin(5), last_15m: finishedWithin(15) },
      queues: this.info.queueDepths ? await this.info.queueDepths().catch(() => ({})) : {},
      totals,
    };
  }
}
