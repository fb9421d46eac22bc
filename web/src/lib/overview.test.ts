import {
  costPerDay,
  durationTrend,
  firesPerHour,
  lastDays,
  profileGroup,
  quantile,
  runsPerDay,
  successRate,
  taskSummaries,
  totalCounts,
} from './overview';
import type { Run, TaskView } from './types';

const NOW = new Date(2026, 2, 10, 15, 30); // local time, 10 March 2026
let n = 0;
function run(p: Partial<Run> & { day: number; hour?: number }): Run {
  const start = new Date(2026, 2, p.day, p.hour ?? 12).toISOString();
  return {
    id: `r${n++}`,
    task_id: 't1',
    job_id: null,
    task_name: 'Review',
    attempt: 1,
    status: 'success',
    scheduled_time: start,
    start_time: start,
    end_time: null,
    duration: 10,
    session_id: null,
    exit_code: 0,
    errors: null,
    status_reason: null,
    node_id: null,
    trigger: 'schedule',
    dispatched_at: null,
    model: null,
    cost_usd: 0.5,
    input_tokens: null,
    output_tokens: null,
    cache_read_tokens: null,
    cache_creation_tokens: null,
    num_turns: null,
    duration_api_ms: null,
    ...p,
  };
}

describe('overview numbers', () => {
  const days = lastDays(3, NOW);

  it('lists the last days oldest first, today last', () => {
    expect(days).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
  });

  it('counts runs per day by status and leaves out runs of other days', () => {
    const runs = [
      run({ day: 8 }),
      run({ day: 10, status: 'failed' }),
      run({ day: 10 }),
      run({ day: 10, status: 'running', duration: null }),
      run({ day: 1 }),
    ];
    const per = runsPerDay(runs, days);
    expect(per.map((c) => [c.success, c.failed, c.running])).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(successRate(per[2])).toBe(0.5);
    expect(successRate(per[1])).toBeNull();
    expect(totalCounts(per).success).toBe(2);
  });

  it('takes the nearest-rank quantile', () => {
    expect(quantile([], 0.95)).toBeNull();
    expect(quantile([5], 0.95)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 0.95)).toBe(10);
  });

  it('sums cost per day for the most expensive groups and the rest as Other', () => {
    const runs = [
      run({ day: 10, task_name: 'A', cost_usd: 3 }),
      run({ day: 9, task_name: 'B', cost_usd: 2 }),
      run({ day: 10, task_name: 'C', cost_usd: 1 }),
      run({ day: 10, task_name: 'D', cost_usd: 0.5 }),
      run({ day: 10, task_name: 'E', cost_usd: null }),
    ];
    const series = costPerDay(runs, days, (r) => r.task_name, 2);
    expect(series).toEqual([
      { label: 'A', values: [0, 0, 3] },
      { label: 'B', values: [0, 2, 0] },
      { label: 'Other (2)', values: [0, 0, 1.5] },
    ]);
  });

  it('groups cost by the profile the run used: the job’s, else the task’s', () => {
    const tasks = [{ id: 't1', profile: 'p1' } as TaskView, { id: 't2', profile: null } as TaskView];
    const group = profileGroup(
      tasks,
      [{ id: 'p1', name: 'Work' } as never, { id: 'p2', name: 'Team' } as never],
      new Map([['j1', 'p2']]),
    );
    expect(group(run({ day: 10 }))).toBe('Work');
    expect(group(run({ day: 10, task_id: 't2' }))).toBe('No profile');
    expect(group(run({ day: 10, task_id: 't2', job_id: 'j1' }))).toBe('Team');
  });

  it('gives the median and p95 duration of finished runs per day', () => {
    const runs = [10, 20, 30, 40].map((d) => run({ day: 10, duration: d }));
    runs.push(run({ day: 10, status: 'running', duration: 999 }));
    const t = durationTrend(runs, days);
    expect(t.p50).toEqual([null, null, 20]);
    expect(t.p95).toEqual([null, null, 40]);
  });

  it('summarises each task, busiest first', () => {
    const runs = [
      run({ day: 10, task_id: 'a', task_name: 'A', duration: 5 }),
      run({ day: 10, task_id: 'a', task_name: 'A', status: 'failed', duration: 15 }),
      run({ day: 10, task_id: 'b', task_name: 'B' }),
    ];
    const s = taskSummaries(runs);
    expect(s.map((x) => [x.name, x.runs, x.success_rate, x.p95, x.cost_usd])).toEqual([
      ['A', 2, 0.5, 15, 1],
      ['B', 1, 1, 10, 0.5],
    ]);
  });

  it('counts upcoming fires per hour from the current hour on', () => {
    const at = (h: number, m = 0) => new Date(2026, 2, 10, h, m);
    const hours = firesPerHour(
      [
        { at: at(15, 10), task_id: 'x', name: 'X' }, // already past
        { at: at(15, 45), task_id: 'x', name: 'X' },
        { at: at(16, 0), task_id: 'x', name: 'X' },
        { at: at(16, 30), task_id: 'y', name: 'Y' },
        { at: new Date(2026, 2, 12), task_id: 'y', name: 'Y' }, // beyond the window
      ],
      NOW,
      4,
    );
    expect(hours.map((h) => h.count)).toEqual([1, 2, 0, 0]);
    expect(hours[0].start.getHours()).toBe(15);
  });
});
