'use client';
/**
 * The overview: how the last two weeks went (runs per day by status, cost per day per task or profile, duration
 * trend and p95 per task, success rate), what fires in the next 24 hours, and the nodes and queues.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, humanError, qs } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-store';
import { formatCost, formatDuration, formatWhen, plural } from '@/lib/format';
import {
  type Fire,
  costPerDay,
  durationTrend,
  firesPerHour,
  lastDays,
  profileGroup,
  runsPerDay,
  successRate,
  taskSummaries,
  totalCounts,
} from '@/lib/overview';
import { previewSchedule } from '@/lib/schedule';
import type { ClusterNode, Run, TaskView } from '@/lib/types';
import { RUN_STATUS_LIST } from '@/lib/types';
import { ChartCanvas, type ThemeColors, baseOptions, useThemeColors } from './chart';
import { ErrorBanner, Segmented, StatusBadge } from './ui';

const DAYS = 14;
const PAGE = 1000;
const MAX_PAGES = 20;
/** Fire times computed per task for the timeline: enough for an hourly task over a day. */
const FIRES_PER_TASK = 24;

interface Stats {
  nodes: Record<string, number>;
  runs: Record<string, number>;
  throughput: Record<string, number>;
  queues: Record<string, number>;
}

/** The runs due since `since`, newest first, a page of 1,000 at a time (at most 20 pages). */
async function loadRuns(since: string): Promise<{ runs: Run[]; complete: boolean }> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: { runs: Run[]; next_cursor: string | null } = await api.get(`/api/runs${qs({ limit: PAGE, cursor })}`);
    for (const r of page.runs) {
      if (r.scheduled_time < since) return { runs, complete: true };
      runs.push(r);
    }
    if (!page.next_cursor) return { runs, complete: true };
    cursor = page.next_cursor;
  }
  return { runs, complete: false };
}

/** The next fire times of every enabled task within a day, by the scheduler's own math (run in the browser). */
function upcomingFires(tasks: TaskView[], defaultTimezone: string, now: Date): Fire[] {
  const end = now.getTime() + 86_400_000;
  const fires: Fire[] = [];
  for (const t of tasks) {
    if (!t.enabled) continue;
    const p = previewSchedule(t.schedule, {
      defaultTimezone,
      anchor: new Date(t.created_at),
      now,
      count: FIRES_PER_TASK,
    });
    for (const f of p.fires) {
      const at = new Date(f.at);
      if (!f.skipped && at.getTime() <= end) fires.push({ at, task_id: t.id, name: t.name });
    }
  }
  return fires.sort((a, b) => a.at.getTime() - b.at.getTime());
}

const STATUS_COLOR = (c: ThemeColors): Record<string, string> => ({
  success: c.success,
  failed: c.danger,
  cancelled: c.neutral,
  running: c.running,
  upcoming: c.warn,
});

const pct = (x: number | null): string => (x === null ? '–' : `${Math.round(x * 100)}%`);

export function OverviewView() {
  const { state, subscribe } = useDashboard();
  const colors = useThemeColors();
  const [now, setNow] = useState(() => new Date());
  const [data, setData] = useState<{ runs: Run[]; complete: boolean } | null>(null);
  const [nodes, setNodes] = useState<ClusterNode[] | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [costBy, setCostBy] = useState<'task' | 'profile'>('task');
  const days = useMemo(() => lastDays(DAYS, now), [now]);

  const load = useCallback(() => {
    const at = new Date();
    const since = new Date(at.getFullYear(), at.getMonth(), at.getDate() - (DAYS - 1)).toISOString();
    Promise.all([loadRuns(since), api.get<{ nodes: ClusterNode[] }>('/api/nodes'), api.get<Stats>('/api/stats')])
      .then(([runs, n, s]) => {
        setNow(at);
        setData(runs);
        setNodes(n.nodes);
        setStats(s);
        setError(null);
      })
      .catch((err: unknown) => setError(humanError(err, 'load the overview')));
  }, []);

  // Loaded on open, and again a few seconds after runs change (a burst of events is one reload).
  useEffect(() => {
    load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = subscribe((type) => {
      if (timer || !/^(run|node)\./.test(type) || type === 'run.output') return;
      timer = setTimeout(() => {
        timer = null;
        load();
      }, 3000);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [load, subscribe]);

  const runs = useMemo(() => data?.runs ?? [], [data]);
  const perDay = useMemo(() => runsPerDay(runs, days), [runs, days]);
  const total = useMemo(() => totalCounts(perDay), [perDay]);
  const jobProfile = useMemo(() => new Map(state.jobs.map((j) => [j.id, j.profile])), [state.jobs]);
  const cost = useMemo(
    () =>
      costPerDay(
        runs,
        days,
        costBy === 'task'
          ? (r) => r.task_name || r.task_id.slice(0, 8)
          : profileGroup(state.tasks, state.profiles, jobProfile),
      ),
    [runs, days, costBy, state.tasks, state.profiles, jobProfile],
  );
  const trend = useMemo(() => durationTrend(runs, days), [runs, days]);
  const summaries = useMemo(() => taskSummaries(runs), [runs]);
  const fires = useMemo(
    () => upcomingFires(state.tasks, state.defaultTimezone, now),
    [state.tasks, state.defaultTimezone, now],
  );
  const hours = useMemo(() => firesPerHour(fires, now), [fires, now]);
  const totalCost = cost.reduce((n, s) => n + s.values.reduce((a, b) => a + b, 0), 0);
  const allDurations = runs.filter((r) => r.duration !== null && r.status !== 'running').map((r) => r.duration!);
  const p95All = allDurations.length
    ? [...allDurations].sort((a, b) => a - b)[Math.ceil(0.95 * allDurations.length) - 1]
    : null;
  const dayLabels = days.map((d) => d.slice(5));

  const charts = useMemo(() => {
    if (!colors) return null;
    const sc = STATUS_COLOR(colors);
    return {
      runs: {
        type: 'bar' as const,
        data: {
          labels: dayLabels,
          datasets: RUN_STATUS_LIST.filter((s) => s !== 'upcoming').map((s) => ({
            label: s,
            data: perDay.map((c) => c[s]),
            backgroundColor: sc[s],
          })),
        },
        options: baseOptions(colors, 'runs', true),
      },
      cost: {
        type: 'bar' as const,
        data: {
          labels: dayLabels,
          datasets: cost.map((s, i) => ({
            label: s.label,
            data: s.values.map((v) => Math.round(v * 10000) / 10000),
            backgroundColor: colors.palette[i % colors.palette.length],
          })),
        },
        options: baseOptions(colors, 'USD', true),
      },
      duration: {
        type: 'line' as const,
        data: {
          labels: dayLabels,
          datasets: [
            { label: 'median', data: trend.p50, borderColor: colors.accent, backgroundColor: colors.accent },
            { label: 'p95', data: trend.p95, borderColor: colors.warn, backgroundColor: colors.warn },
          ],
        },
        options: { ...baseOptions(colors, 'seconds'), spanGaps: true },
      },
      success: {
        type: 'line' as const,
        data: {
          labels: dayLabels,
          datasets: [
            {
              label: 'success rate',
              data: perDay.map((c) => {
                const r = successRate(c);
                return r === null ? null : Math.round(r * 100);
              }),
              borderColor: colors.success,
              backgroundColor: colors.success,
            },
          ],
        },
        options: (() => {
          const o = baseOptions(colors, '%');
          return { ...o, spanGaps: true, scales: { ...o?.scales, y: { ...o?.scales?.['y'], max: 100 } } };
        })(),
      },
      fires: {
        type: 'bar' as const,
        data: {
          labels: hours.map((h) => `${String(h.start.getHours()).padStart(2, '0')}:00`),
          datasets: [{ label: 'scheduled runs', data: hours.map((h) => h.count), backgroundColor: colors.accent }],
        },
        options: baseOptions(colors, 'runs'),
      },
    };
    // dayLabels is derived from days.
  }, [colors, perDay, cost, trend, hours, days]);

  if (!data || !charts) {
    return (
      <div className="page">
        <ErrorBanner error={error} />
        {!error && <p className="muted">Loading the overview…</p>}
      </div>
    );
  }

  const queues = Object.entries(stats?.queues ?? {});
  return (
    <div className="page overview" aria-labelledby="overview-title">
      <div className="page-head">
        <h2 id="overview-title">Overview</h2>
        <span className="muted small">
          Last {DAYS} days: {plural(runs.length, 'run')}
          {data.complete ? '' : ` (the newest ${runs.length}; older runs of the period are left out)`} · updated{' '}
          {formatWhen(now.toISOString())}
        </span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={load}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <dl className="cards">
        <div className="card">
          <dt>Runs</dt>
          <dd>{runs.length}</dd>
        </div>
        <div className="card">
          <dt>Success rate</dt>
          <dd>{pct(successRate(total))}</dd>
        </div>
        <div className="card">
          <dt>Failed</dt>
          <dd>{total.failed}</dd>
        </div>
        <div className="card">
          <dt>Cost</dt>
          <dd>{formatCost(totalCost) || '$0'}</dd>
        </div>
        <div className="card">
          <dt>Duration p95</dt>
          <dd>{formatDuration(p95All) || '–'}</dd>
        </div>
        <div className="card">
          <dt>Due in 24 h</dt>
          <dd>{fires.length}</dd>
        </div>
      </dl>
      <div className="chart-grid">
        <section className="panel" aria-labelledby="ov-runs">
          <h3 id="ov-runs">Runs per day by status</h3>
          <ChartCanvas
            config={charts.runs}
            label={`Runs per day over the last ${DAYS} days: ${total.success} succeeded, ${total.failed} failed, ${total.cancelled} cancelled, ${total.running} running.`}
          />
        </section>
        <section className="panel" aria-labelledby="ov-cost">
          <div className="panel-head">
            <h3 id="ov-cost">Cost per day</h3>
            <Segmented
              label="Cost per"
              small
              value={costBy}
              onChange={setCostBy}
              options={[
                { value: 'task', label: 'per task' },
                { value: 'profile', label: 'per profile' },
              ]}
            />
          </div>
          <ChartCanvas
            config={charts.cost}
            label={`Cost per day per ${costBy}: ${cost.map((s) => `${s.label} ${formatCost(s.values.reduce((a, b) => a + b, 0)) || '$0'}`).join(', ') || 'no cost recorded'}.`}
          />
        </section>
        <section className="panel" aria-labelledby="ov-duration">
          <h3 id="ov-duration">Duration trend</h3>
          <ChartCanvas
            config={charts.duration}
            label={`Median and p95 run duration per day; p95 over the period ${formatDuration(p95All) || 'unknown'}.`}
          />
        </section>
        <section className="panel" aria-labelledby="ov-success">
          <h3 id="ov-success">Success rate</h3>
          <ChartCanvas
            config={charts.success}
            label={`Share of finished runs that succeeded, per day; ${pct(successRate(total))} over the period.`}
          />
        </section>
        <section className="panel" aria-labelledby="ov-fires">
          <h3 id="ov-fires">Upcoming: the next 24 hours</h3>
          <ChartCanvas
            config={charts.fires}
            label={`${plural(fires.length, 'scheduled run')} in the next 24 hours, per hour.`}
            height={160}
          />
          <p className="muted small">
            Time-based schedules only (file watches and sequential tasks fire on events); at most {FIRES_PER_TASK} per
            task.
          </p>
          {fires.length > 0 && (
            <ol className="fire-list" aria-label="Next scheduled runs">
              {fires.slice(0, 10).map((f) => (
                <li key={`${f.task_id}-${f.at.getTime()}`}>
                  <span className="mono">{formatWhen(f.at.toISOString(), now)}</span> {f.name}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="panel" aria-labelledby="ov-tasks">
          <h3 id="ov-tasks">Busiest tasks</h3>
          {summaries.length === 0 ? (
            <p className="muted">No runs in the period.</p>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col" className="num">
                      Runs
                    </th>
                    <th scope="col" className="num">
                      Success
                    </th>
                    <th scope="col" className="num">
                      Median
                    </th>
                    <th scope="col" className="num">
                      p95
                    </th>
                    <th scope="col" className="num">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {summaries.map((s) => (
                    <tr key={s.task_id}>
                      <td>{s.name}</td>
                      <td className="num">{s.runs}</td>
                      <td className="num">{pct(s.success_rate)}</td>
                      <td className="num">{formatDuration(s.p50)}</td>
                      <td className="num">{formatDuration(s.p95)}</td>
                      <td className="num">{formatCost(s.cost_usd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="panel" aria-labelledby="ov-nodes">
          <h3 id="ov-nodes">Nodes and queues</h3>
          {nodes && nodes.length > 0 ? (
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Node</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Running
                    </th>
                    <th scope="col">Last heartbeat</th>
                  </tr>
                </thead>
                <tbody>
                  {nodes.map((n) => (
                    <tr key={n.id}>
                      <td>{n.name || n.id}</td>
                      <td>
                        <StatusBadge status={n.status} />
                      </td>
                      <td className="num">
                        {n.running_run_ids.length} / {n.capacity}
                      </td>
                      <td>{formatWhen(n.last_heartbeat)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">
              {state.health?.mode === 'daemon'
                ? 'No node has registered yet. Start one with `claude-code-scheduler node`.'
                : 'This scheduler runs its tasks itself (gui mode): there are no worker nodes.'}
            </p>
          )}
          <dl className="stats-list">
            <div>
              <dt>Running now</dt>
              <dd>{stats?.runs['running'] ?? 0}</dd>
            </div>
            <div>
              <dt>Waiting to start</dt>
              <dd>{stats?.runs['upcoming'] ?? 0}</dd>
            </div>
            <div>
              <dt>Finished in the last 15 min</dt>
              <dd>{stats?.throughput['last_15m'] ?? 0}</dd>
            </div>
            {queues.map(([k, v]) => (
              <div key={k}>
                <dt>Queue {k.replace(/_/g, ' ')}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
          {queues.length === 0 && <p className="muted small">No message queues (they exist in daemon mode).</p>}
        </section>
      </div>
    </div>
  );
}
