/**
 * The numbers of the overview page, computed in the browser from the run history (pure functions of the runs, the
 * tasks and "now", so they are tested without a browser).
 */
import type { Profile, Run, RunStatus, TaskView } from './types';
import { RUN_STATUS_LIST } from './types';

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local calendar day of a time, `YYYY-MM-DD`. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last `n` local days up to and including today's, oldest first. */
export function lastDays(n: number, now: Date): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i)));
  return out;
}

/** The run's day: when it started, else when it was due. */
export function runDay(r: Run): string {
  return localDay(new Date(r.start_time ?? r.scheduled_time));
}

/** The q-quantile (0..1) of the numbers, by the nearest-rank method; null for none. */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

export type StatusCounts = Record<RunStatus, number>;

const zeroCounts = (): StatusCounts => ({ upcoming: 0, running: 0, success: 0, failed: 0, cancelled: 0 });

/** Runs per day by status, one entry per day of `days`. Runs outside the days are ignored. */
export function runsPerDay(runs: Run[], days: string[]): StatusCounts[] {
  const at = new Map(days.map((d, i) => [d, i]));
  const out = days.map(zeroCounts);
  for (const r of runs) {
    const i = at.get(runDay(r));
    if (i !== undefined) out[i][r.status]++;
  }
  return out;
}

/** Share of finished runs that succeeded (0..1), or null when none finished. */
export function successRate(c: StatusCounts): number | null {
  const finished = c.success + c.failed + c.cancelled;
  return finished === 0 ? null : c.success / finished;
}

export function totalCounts(list: StatusCounts[]): StatusCounts {
  const t = zeroCounts();
  for (const c of list) for (const s of RUN_STATUS_LIST) t[s] += c[s];
  return t;
}

export interface Series {
  label: string;
  values: number[];
}

/**
 * Cost per day, one series per group (a task, or a profile), the `top` most expensive groups by name and the rest
 * summed as "Other". `groupOf` names a run's group.
 */
export function costPerDay(runs: Run[], days: string[], groupOf: (r: Run) => string, top = 5): Series[] {
  const at = new Map(days.map((d, i) => [d, i]));
  const byGroup = new Map<string, number[]>();
  for (const r of runs) {
    const i = at.get(runDay(r));
    if (i === undefined || !r.cost_usd) continue;
    const g = groupOf(r);
    let v = byGroup.get(g);
    if (!v) byGroup.set(g, (v = days.map(() => 0)));
    v[i] += r.cost_usd;
  }
  const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
  const groups = [...byGroup.entries()].sort((a, b) => sum(b[1]) - sum(a[1]) || a[0].localeCompare(b[0]));
  const out = groups.slice(0, top).map(([label, values]) => ({ label, values }));
  if (groups.length > top) {
    const rest = days.map(() => 0);
    for (const [, v] of groups.slice(top)) v.forEach((x, i) => (rest[i] += x));
    out.push({ label: `Other (${groups.length - top})`, values: rest });
  }
  return out;
}

/** Names a run's group for cost per profile: the profile of its task (the job's profile wins, as when it ran). */
export function profileGroup(tasks: TaskView[], profiles: Profile[], jobProfile: Map<string, string | null>) {
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const name = new Map(profiles.map((p) => [p.id, p.name]));
  return (r: Run): string => {
    const t = taskById.get(r.task_id);
    const id = (r.job_id ? jobProfile.get(r.job_id) : null) ?? t?.profile ?? null;
    return id ? (name.get(id) ?? 'Deleted profile') : 'No profile';
  };
}

/** Median and p95 duration (seconds) of the finished runs of each day; null for a day without any. */
export function durationTrend(runs: Run[], days: string[]): { p50: (number | null)[]; p95: (number | null)[] } {
  const at = new Map(days.map((d, i) => [d, i]));
  const per = days.map((): number[] => []);
  for (const r of runs) {
    const i = at.get(runDay(r));
    if (i !== undefined && r.duration !== null && r.status !== 'running' && r.status !== 'upcoming')
      per[i].push(r.duration);
  }
  return { p50: per.map((v) => quantile(v, 0.5)), p95: per.map((v) => quantile(v, 0.95)) };
}

export interface TaskSummary {
  task_id: string;
  name: string;
  runs: number;
  success_rate: number | null;
  p50: number | null;
  p95: number | null;
  cost_usd: number;
}

/** Per task: runs, success rate, median and p95 duration, cost; the busiest first. */
export function taskSummaries(runs: Run[], limit = 10): TaskSummary[] {
  const by = new Map<string, Run[]>();
  for (const r of runs) {
    let list = by.get(r.task_id);
    if (!list) by.set(r.task_id, (list = []));
    list.push(r);
  }
  const out: TaskSummary[] = [];
  for (const [task_id, list] of by) {
    const c = zeroCounts();
    const durations: number[] = [];
    let cost = 0;
    for (const r of list) {
      c[r.status]++;
      if (r.duration !== null && r.status !== 'running' && r.status !== 'upcoming') durations.push(r.duration);
      cost += r.cost_usd ?? 0;
    }
    out.push({
      task_id,
      name: list[0].task_name || task_id.slice(0, 8),
      runs: list.length,
      success_rate: successRate(c),
      p50: quantile(durations, 0.5),
      p95: quantile(durations, 0.95),
      cost_usd: cost,
    });
  }
  return out.sort((a, b) => b.runs - a.runs || a.name.localeCompare(b.name)).slice(0, limit);
}

export interface Fire {
  at: Date;
  task_id: string;
  name: string;
}

/** Fires per hour over the next `hours` hours from `now` (the hour `now` is in first). */
export function firesPerHour(fires: Fire[], now: Date, hours = 24): { start: Date; count: number }[] {
  const first = new Date(now);
  first.setMinutes(0, 0, 0);
  const out = Array.from({ length: hours }, (_, i) => ({ start: new Date(first.getTime() + i * 3_600_000), count: 0 }));
  for (const f of fires) {
    const i = Math.floor((f.at.getTime() - first.getTime()) / 3_600_000);
    if (i >= 0 && i < hours && f.at >= now) out[i].count++;
  }
  return out;
}
