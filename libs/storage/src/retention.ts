import { Run, Settings, isTerminalRunStatus } from '@ccs/core';
import { DataStore } from './ports';
import { RunLogFileInfo, RunLogFiles } from './run-log.files';

const DAY_MS = 24 * 60 * 60 * 1000;

function time(iso: string | null): number {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Runs beyond the newest `keepPerTask` finished runs of each task (newest by scheduled_time, then start_time).
 * Runs that are not finished are never selected and do not count. `keepPerTask` < 1 disables the limit.
 */
export function selectRunsToPrune(runs: readonly Run[], keepPerTask: number): Run[] {
  if (!(keepPerTask >= 1)) return [];
  const byTask = new Map<string, Run[]>();
  for (const r of runs) {
    if (!isTerminalRunStatus(r.status)) continue;
    const list = byTask.get(r.task_id) ?? [];
    list.push(r);
    byTask.set(r.task_id, list);
  }
  const out: Run[] = [];
  for (const list of byTask.values()) {
    list.sort(
      (a, b) =>
        time(b.scheduled_time) - time(a.scheduled_time) ||
        time(b.start_time) - time(a.start_time) ||
        a.id.localeCompare(b.id),
    );
    out.push(...list.slice(Math.floor(keepPerTask)));
  }
  return out;
}

/**
 * Log files last modified more than `retentionDays` before `now`, except those of `protectedRunIds` (runs still
 * going). `retentionDays` <= 0 disables age pruning.
 */
export function selectLogFilesToPrune(
  files: readonly RunLogFileInfo[],
  retentionDays: number,
  now: Date,
  protectedRunIds: ReadonlySet<string> = new Set(),
): RunLogFileInfo[] {
  if (!(retentionDays > 0)) return [];
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  return files.filter((f) => f.mtime.getTime() < cutoff && !protectedRunIds.has(f.runId));
}

export interface RetentionReport {
  /** Ids of the runs removed from runs.json. */
  runsDeleted: string[];
  /** Log files removed (those of pruned runs plus those past the age limit). */
  logFilesDeleted: number;
}

/**
 * Enforces `run_retention_count` (finished runs kept per task; their log files go with them) and
 * `log_retention_days` (log files older than that are deleted, unless their run is still active).
 */
export async function pruneRetention(
  store: DataStore,
  settings: Pick<Settings, 'run_retention_count' | 'log_retention_days'> = store.settings.get(),
  opts: { now?: Date; logs?: RunLogFiles } = {},
): Promise<RetentionReport> {
  const logs = opts.logs ?? RunLogFiles.forDataDir(store.dataDir);
  const now = opts.now ?? new Date();
  const runs = store.runs.list();

  const prune = selectRunsToPrune(runs, settings.run_retention_count);
  const runsDeleted = prune.map((r) => r.id);
  if (runsDeleted.length > 0) await store.runs.deleteMany(runsDeleted);

  let logFilesDeleted = 0;
  const pruned = new Set(runsDeleted.map((id) => id.toLowerCase()));
  const active = new Set(runs.filter((r) => !isTerminalRunStatus(r.status)).map((r) => r.id.toLowerCase()));
  const files = await logs.list();
  const old = new Set(selectLogFilesToPrune(files, settings.log_retention_days, now, active));
  for (const f of files) {
    if (!pruned.has(f.runId) && !old.has(f)) continue;
    logFilesDeleted += await logs.delete(f.runId, [f.kind]);
  }
  return { runsDeleted, logFilesDeleted };
}
