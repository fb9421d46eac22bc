import * as path from 'node:path';
import {
  CatchupPolicy,
  Occurrence,
  OccurrenceKind,
  OverlapPolicy,
  ScheduleSlot,
  Task,
  describeSchedule,
  dueSlotsBetween,
  hasTimeBasedFires,
  jobRunDirectory,
  nextFireTimes,
  normalizeOccurrence,
} from '@ccs/core';
import type { DataStore } from '@ccs/storage';
import { Clock, TimerHandle, getLogger } from '@ccs/shared';
import { EventHub } from '../events/event-hub';
import { RunService, RunTrigger } from '../runs/run.service';
import type { FileWatcher, WatchHandle } from './file-watcher.port';
import { TimerHeap } from './timer-heap';

const log = getLogger('coordinator.scheduler');

/** Path segments and file names that never trigger a file watch (VCS, dependencies, editor temp files). */
const IGNORED_SEGMENTS = new Set(['.git', 'node_modules', '.hg', '.svn', '.DS_Store', '.idea', '.vscode']);
const IGNORED_FILE = /(^\.#|~$|\.sw[a-p]$|\.tmp$|^4913$|\.crswap$|^#.*#$)/;

export function isIgnoredWatchPath(file: string, extraIgnoredDirs: readonly string[] = []): boolean {
  const parts = file.split(path.sep);
  if (parts.some((p) => IGNORED_SEGMENTS.has(p))) return true;
  if (IGNORED_FILE.test(parts[parts.length - 1] ?? '')) return true;
  return extraIgnoredDirs.some((d) => file === d || file.startsWith(d + path.sep));
}

export interface SchedulerOptions {
  /** Zone of schedules without their own `timezone` (the machine's by default). */
  defaultTimezone: string;
  /** Expands `~` and `$VARS` in a watch directory. */
  expandPath: (p: string) => string;
  /** A timer that fires later than this is treated like downtime (catch-up policy), e.g. after laptop sleep. */
  lateThresholdMs?: number;
  /** Most runs a `run_all` catch-up starts for one task. */
  maxCatchupRuns?: number;
}

export interface ScheduledTaskStatus {
  task_id: string;
  name: string;
  enabled: boolean;
  schedule_type: string;
  description: string;
  next_fire_time: string | null;
  timezone: string | null;
  watching: string | null;
}

interface WatchState {
  handle: WatchHandle | null;
  debounce: TimerHandle | null;
  dir: string;
  closing: Promise<void> | null;
}

/**
 * The coordinator's clock. Decides that a run is due, creates it through the RunService, and leaves a trace for
 * every slot: an occurrence record (`run`, `skipped_overlap`, `queued_overlap`, `replaced_overlap`,
 * `missed_downtime`, `skipped_disabled`, `skipped_invalid_date`). One heap and one timer serve every time-based
 * schedule; file watches use chokidar with a trailing debounce; startup tasks fire once per coordinator start.
 */
export class SchedulerService {
  private readonly heap = new TimerHeap();
  private readonly nextSlots = new Map<string, ScheduleSlot>();
  private timer: TimerHandle | null = null;
  private armedAt: number | null = null;
  private readonly watches = new Map<string, WatchState>();
  /** Tasks with a queued (queue_one) slot waiting for the active run to finish. */
  private readonly queued = new Map<string, Occurrence>();
  /** run_all catch-up backlogs, run one after another. */
  private readonly backlog = new Map<string, ScheduleSlot[]>();
  private started = false;
  private readonly lateThresholdMs: number;
  private readonly maxCatchupRuns: number;
  /** Fire lateness samples (ms) for the precision benchmark. */
  readonly lateness: number[] = [];

  constructor(
    private readonly store: DataStore,
    private readonly runs: RunService,
    private readonly hub: EventHub,
    private readonly clock: Clock,
    private readonly watcher: FileWatcher,
    private readonly options: SchedulerOptions,
  ) {
    this.lateThresholdMs = options.lateThresholdMs ?? 60_000;
    this.maxCatchupRuns = options.maxCatchupRuns ?? 100;
    runs.onRunFinished((run) => this.onRunFinished(run.task_id));
  }

  /**
   * Start: catch up on slots missed while the coordinator was down (per task policy), fire startup tasks once,
   * arm timers and file watches.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const now = this.clock.now();
    const lastHandled = this.lastOccurrenceTimes();
    for (const task of this.store.tasks.list()) {
      if (!hasTimeBasedFires(task.schedule)) continue;
      const since = new Date(Math.max(lastHandled.get(task.id) ?? 0, new Date(task.updated_at).getTime()));
      await this.catchUp(task, now, since).catch((err: unknown) =>
        log.error(`catch-up of task ${task.id} failed:`, err),
      );
    }
    for (const task of this.store.tasks.list()) {
      if (task.enabled && task.schedule.schedule_type === 'startup') await this.fire(task, now, 'startup');
    }
    for (const task of this.store.tasks.list()) await this.arm(task);
    this.rearm();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
    await Promise.all([...this.watches.keys()].map((id) => this.unwatch(id)));
  }

  /** A task was created or edited: reschedule at once (startup tasks do not fire again on edit). */
  async taskChanged(task: Task): Promise<void> {
    if (!this.started) return;
    this.backlog.delete(task.id);
    await this.arm(task);
    this.rearm();
  }

  async taskDeleted(taskId: string): Promise<void> {
    this.heap.delete(taskId);
    this.nextSlots.delete(taskId);
    this.queued.delete(taskId);
    this.backlog.delete(taskId);
    await this.unwatch(taskId);
    this.rearm();
  }

  /** The next fire time of one task (null when it has none or is disabled). */
  nextFireTime(taskId: string): string | null {
    const task = this.store.tasks.get(taskId);
    return task?.enabled ? (this.nextSlots.get(taskId)?.at.toISOString() ?? null) : null;
  }

  get defaultTimezone(): string {
    return this.options.defaultTimezone;
  }

  /** Each task's next fire time, for `GET /api/scheduler`. */
  status(): ScheduledTaskStatus[] {
    return this.store.tasks.list().map((t) => ({
      task_id: t.id,
      name: t.name,
      enabled: t.enabled,
      schedule_type: t.schedule.schedule_type,
      description: safeDescribe(t),
      next_fire_time: t.enabled ? (this.nextSlots.get(t.id)?.at.toISOString() ?? null) : null,
      timezone: t.schedule.timezone,
      watching: this.watches.get(t.id)?.dir ?? null,
    }));
  }

  /** The next `count` fire times of a task in its zone and UTC (schedule preview). */
  preview(task: Task, count: number): { at: string; local: string; time_zone: string; skipped: string | null }[] {
    return nextFireTimes(task.schedule, {
      after: this.clock.now(),
      count,
      defaultTimezone: this.options.defaultTimezone,
      anchor: new Date(task.created_at),
    }).map((s) => ({
      at: s.at.toISOString(),
      local: s.local,
      time_zone: s.timeZone,
      skipped: s.skipped?.message ?? null,
    }));
  }

  // ── time-based schedules ────────────────────────────────────────────────────────────────────────────────

  private async arm(task: Task): Promise<void> {
    this.heap.delete(task.id);
    this.nextSlots.delete(task.id);
    if (hasTimeBasedFires(task.schedule)) {
      const slot = this.nextSlot(task, this.clock.now());
      if (slot) {
        this.nextSlots.set(task.id, slot);
        this.heap.set(task.id, slot.at.getTime());
      }
    }
    if (task.schedule.schedule_type === 'file_watch' && task.enabled) await this.watchTask(task);
    else await this.unwatch(task.id);
  }

  private nextSlot(task: Task, after: Date): ScheduleSlot | null {
    try {
      return (
        nextFireTimes(task.schedule, {
          after,
          count: 1,
          defaultTimezone: this.options.defaultTimezone,
          anchor: new Date(task.created_at),
        })[0] ?? null
      );
    } catch (err) {
      log.warn(
        `task ${task.id} ("${task.name}") has an invalid schedule and will not fire:`,
        err instanceof Error ? err.message : err,
      );
      return null;
    }
  }

  private rearm(): void {
    const top = this.heap.peek();
    if (!top) {
      this.timer?.cancel();
      this.timer = null;
      this.armedAt = null;
      return;
    }
    if (this.timer && this.armedAt === top.at) return;
    this.timer?.cancel();
    this.armedAt = top.at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.armedAt = null;
      this.tick();
    }, top.at - this.clock.now().getTime());
  }

  private tick(): void {
    const now = this.clock.now();
    const due = this.heap.popDue(now.getTime());
    for (const entry of due) {
      const slot = this.nextSlots.get(entry.key);
      this.nextSlots.delete(entry.key);
      const task = this.store.tasks.get(entry.key);
      if (!task || !slot) continue;
      this.lateness.push(now.getTime() - slot.at.getTime());
      if (this.lateness.length > 100_000) this.lateness.splice(0, 50_000);
      const late = now.getTime() - slot.at.getTime() > this.lateThresholdMs;
      const work = late ? this.catchUp(task, now, new Date(slot.at.getTime() - 1)) : this.handleSlot(task, slot);
      work.catch((err: unknown) => log.error(`firing task ${task.id} failed:`, err));
      const next = this.nextSlot(task, late ? now : slot.at);
      if (next) {
        this.nextSlots.set(task.id, next);
        this.heap.set(task.id, next.at.getTime());
      }
    }
    this.rearm();
  }

  private async handleSlot(task: Task, slot: ScheduleSlot): Promise<void> {
    if (slot.skipped)
      return void (await this.record(task.id, slot.at, slot.skipped.reason, null, slot.skipped.message));
    if (!task.enabled) return void (await this.record(task.id, slot.at, 'skipped_disabled', null, 'task is disabled'));
    await this.fire(task, slot.at, 'schedule');
  }

  /**
   * Applies the catch-up policy to the slots in (from, now]. At start `from` is the last slot handled for the task
   * (its newest occurrence) or its last edit, whichever is later; for a late timer it is the late slot itself.
   * Slots older than the catch-up window are recorded as missed, never run.
   */
  private async catchUp(task: Task, now: Date, from: Date): Promise<void> {
    const settings = this.store.settings.get();
    const policy: CatchupPolicy = task.schedule.catchup_policy ?? settings.default_catchup_policy;
    const windowMs = (task.schedule.catchup_window_hours ?? settings.catchup_window_hours) * 3_600_000;
    if (from.getTime() >= now.getTime()) return;
    const { slots, capped } = dueSlotsBetween(task.schedule, from, now, {
      defaultTimezone: this.options.defaultTimezone,
      anchor: new Date(task.created_at),
      limit: 10_000,
    });
    if (slots.length === 0) return;
    if (capped) log.warn(`task ${task.id}: more than 10000 missed slots; only the earliest are recorded`);
    const windowStart = now.getTime() - windowMs;
    const fires = slots.filter((s) => !s.skipped && s.at.getTime() >= windowStart);
    const toRun = new Set<ScheduleSlot>();
    if (task.enabled) {
      if (policy === 'run_once' && fires.length > 0) toRun.add(fires[fires.length - 1]);
      if (policy === 'run_all') fires.slice(-this.maxCatchupRuns).forEach((s) => toRun.add(s));
    }
    const reason = (at: Date): string =>
      `coordinator was not running at ${at.toISOString()} (catch-up policy ${policy})`;
    for (const slot of slots) {
      if (toRun.has(slot)) continue;
      if (slot.skipped) await this.record(task.id, slot.at, slot.skipped.reason, null, slot.skipped.message);
      else if (!task.enabled) await this.record(task.id, slot.at, 'skipped_disabled', null, 'task is disabled');
      else await this.record(task.id, slot.at, 'missed_downtime', null, reason(slot.at));
    }
    const runs = [...toRun].sort((a, b) => a.at.getTime() - b.at.getTime());
    if (runs.length === 0) return;
    // run_all never floods: the backlog runs one slot at a time, each after the previous run finished.
    const [first, ...rest] = runs;
    if (rest.length > 0) this.backlog.set(task.id, rest);
    await this.fire(task, first.at, 'catchup');
  }

  /** The newest handled slot of every task, from the occurrence records (one pass, at start). */
  private lastOccurrenceTimes(): Map<string, number> {
    const last = new Map<string, number>();
    for (const o of this.store.occurrences.list()) {
      const t = new Date(o.scheduled_time).getTime();
      if (t > (last.get(o.task_id) ?? -Infinity)) last.set(o.task_id, t);
    }
    return last;
  }

  // ── firing, overlap policies ────────────────────────────────────────────────────────────────────────────

  /** A slot is due: start a run, or record why not, per the task's overlap policy. */
  async fire(task: Task, scheduledTime: Date, trigger: RunTrigger): Promise<void> {
    const policy: OverlapPolicy = task.schedule.overlap_policy ?? this.store.settings.get().default_overlap_policy;
    const busy = policy === 'allow' ? undefined : this.runs.firstActiveRun(task.id);
    if (busy) {
      if (policy === 'skip') {
        return void (await this.record(
          task.id,
          scheduledTime,
          'skipped_overlap',
          null,
          `run ${busy.id} was still active`,
        ));
      }
      if (policy === 'queue_one') {
        if (this.queued.has(task.id)) {
          return void (await this.record(
            task.id,
            scheduledTime,
            'skipped_overlap',
            null,
            'a run was already active and another slot already queued',
          ));
        }
        const occ = await this.record(task.id, scheduledTime, 'queued_overlap', null, `queued behind run ${busy.id}`);
        this.queued.set(task.id, occ);
        return;
      }
      // replace: stop what is running, then start the new run.
      const active = this.runs.activeRuns(task.id);
      for (const r of active) {
        await this.runs
          .stop(r.id, 'scheduler', 'replaced by a newer scheduled run (overlap policy replace)', 0)
          .catch(() => undefined);
      }
      const run = await this.runs.start(task, { trigger, scheduledTime });
      await this.record(
        task.id,
        scheduledTime,
        'replaced_overlap',
        run.id,
        `replaced ${active.map((r) => r.id).join(', ')}`,
      );
      return;
    }
    const run = await this.runs.start(task, { trigger, scheduledTime });
    await this.record(task.id, scheduledTime, 'run', run.id, null);
  }

  private onRunFinished(taskId: string): void {
    if (!this.started || this.runs.firstActiveRun(taskId)) return;
    const task = this.store.tasks.get(taskId);
    const queued = this.queued.get(taskId);
    if (queued) {
      this.queued.delete(taskId);
      if (!task) return;
      void this.runs
        .start(task, { trigger: 'schedule', scheduledTime: new Date(queued.scheduled_time) })
        .then((run) =>
          this.store.occurrences.put({
            ...queued,
            run_id: run.id,
            reason: `${queued.reason ?? ''}; started as run ${run.id}`,
          }),
        )
        .catch((err: unknown) => log.error('queued run failed to start:', err));
      return;
    }
    const backlog = this.backlog.get(taskId);
    if (backlog && backlog.length > 0 && task) {
      const slot = backlog.shift()!;
      if (backlog.length === 0) this.backlog.delete(taskId);
      void this.fire(task, slot.at, 'catchup').catch((err: unknown) => log.error('catch-up run failed to start:', err));
    }
  }

  private async record(
    taskId: string,
    at: Date,
    kind: OccurrenceKind,
    runId: string | null,
    reason: string | null,
  ): Promise<Occurrence> {
    const occ = normalizeOccurrence({
      task_id: taskId,
      scheduled_time: at.toISOString(),
      kind,
      run_id: runId,
      reason,
      created_at: this.clock.now().toISOString(),
    });
    await this.store.occurrences.put(occ);
    this.hub.publish('occurrence.created', occ);
    if (kind !== 'run') log.info(`task ${taskId} slot ${occ.scheduled_time}: ${kind}${reason ? ` (${reason})` : ''}`);
    return occ;
  }

  // ── file watches ────────────────────────────────────────────────────────────────────────────────────────

  private async watchTask(task: Task): Promise<void> {
    const raw = task.schedule.watch_directory;
    if (!raw) return log.warn(`task ${task.id}: file_watch without watch_directory`);
    const dir = path.resolve(this.options.expandPath(raw));
    const existing = this.watches.get(task.id);
    if (existing && existing.dir === dir) return;
    await this.unwatch(task.id);
    const state: WatchState = { handle: null, debounce: null, dir, closing: null };
    this.watches.set(task.id, state);
    const ignoredDirs = this.ownWorktreeDirs();
    try {
      state.handle = await this.watcher.watch(
        dir,
        { recursive: task.schedule.watch_recursive, ignored: (p) => isIgnoredWatchPath(p, ignoredDirs) },
        (file) => this.onFileChange(task.id, file),
        (err) => log.warn(`file watch of ${dir} failed:`, err.message),
      );
      if (this.watches.get(task.id) !== state) await state.handle.close();
    } catch (err) {
      this.watches.delete(task.id);
      log.warn(`cannot watch ${dir} for task ${task.id}:`, err instanceof Error ? err.message : err);
    }
  }

  /** Worktree folders the scheduler itself creates (`<repo>/trees/…`): changes there never trigger a watch. */
  private ownWorktreeDirs(): string[] {
    return this.store.jobs
      .list()
      .filter((j) => j.working_directory.use_git_worktree)
      .map((j) => path.resolve(this.options.expandPath(path.dirname(jobRunDirectory(j)))));
  }

  private onFileChange(taskId: string, file: string): void {
    const state = this.watches.get(taskId);
    const task = this.store.tasks.get(taskId);
    if (!state || !task || !task.enabled) return;
    // A run of this task editing files in the watched tree must not trigger the task again (self-trigger loop).
    if (this.runs.firstActiveRun(taskId)) return log.debug(`ignoring ${file}: task ${taskId} is running`);
    log.debug(`task ${taskId}: change in ${file}`);
    state.debounce?.cancel();
    state.debounce = this.clock.setTimer(
      () => {
        state.debounce = null;
        const current = this.store.tasks.get(taskId);
        if (!current || !current.enabled) return;
        this.fire(current, this.clock.now(), 'file_watch').catch((err: unknown) =>
          log.error('file-watch run failed:', err),
        );
      },
      Math.max(0, task.schedule.watch_debounce_seconds) * 1000,
    );
  }

  private async unwatch(taskId: string): Promise<void> {
    const state = this.watches.get(taskId);
    if (!state) return;
    this.watches.delete(taskId);
    state.debounce?.cancel();
    await state.handle?.close();
  }
}

function safeDescribe(task: Task): string {
  try {
    return describeSchedule(task.schedule);
  } catch {
    return 'invalid schedule';
  }
}
