import { AmbiguousIdError, NotFoundError, normalizeProfile, normalizeRun, normalizeTask } from '@ccs/core';
import { findProfile, findTask, resolveRunId, runsNewestFirst, scheduleSummary } from './debug-queries';

const task = (id: string, name: string, schedule: Record<string, unknown> = {}) =>
  normalizeTask({ id, name, schedule: { schedule_type: 'manual', ...schedule } });

describe('runsNewestFirst', () => {
  const run = (id: string, scheduled: string, start: string | null = null) =>
    normalizeRun({ id, task_id: 't', scheduled_time: scheduled, start_time: start });

  it('orders by scheduled time, newest first, mixing naive and UTC timestamps, and limits', () => {
    const runs = [
      run('a', '2025-06-01T09:00:00.000001'),
      run('b', '2025-06-03T10:30:00Z'),
      run('c', '2025-06-02T09:00:00.123456'),
    ];
    expect(runsNewestFirst(runs).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(runsNewestFirst(runs, 2).map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('breaks ties by start time, then id, so the order is stable', () => {
    const t = '2025-06-01T09:00:00Z';
    const runs = [
      run('y', t, '2025-06-01T09:00:01Z'),
      run('x', t, '2025-06-01T09:00:01Z'),
      run('z', t, '2025-06-01T09:00:05Z'),
    ];
    expect(runsNewestFirst(runs).map((r) => r.id)).toEqual(['z', 'x', 'y']);
  });
});

describe('findTask / findProfile', () => {
  const tasks = [
    task('1a2b3c4d-0000-4000-8000-000000000001', 'Review'),
    task('1a2b9999-0000-4000-8000-000000000002', 'cafe'),
    task('3c4d5e6f-0000-4000-8000-000000000003', 'Report'),
    task('4d000000-0000-4000-8000-000000000004', 'Report'),
  ];

  it('finds by full id, unique prefix (any case) or name (any case)', () => {
    expect(findTask(tasks, '1a2b3c4d-0000-4000-8000-000000000001').name).toBe('Review');
    expect(findTask(tasks, '3C4D').name).toBe('Report');
    expect(findTask(tasks, 'review').id).toBe(tasks[0].id);
  });

  it('a hex-looking name is found by name when no id starts with it', () => {
    expect(findTask(tasks, 'cafe').id).toBe(tasks[1].id);
  });

  it('an ambiguous prefix stays ambiguous; a shared name is ambiguous and lists the ids', () => {
    expect(() => findTask(tasks, '1a2b')).toThrow(AmbiguousIdError);
    expect(() => findTask(tasks, 'report')).toThrow(
      /2 tasks are named "report" \(3c4d5e6f-.*, 4d000000-.*\); use an id/,
    );
  });

  it('nothing matching is NotFoundError', () => {
    expect(() => findTask(tasks, 'nope')).toThrow(NotFoundError);
    expect(() => findTask(tasks, '  ')).toThrow(NotFoundError);
    expect(() => findProfile([normalizeProfile({ id: 'p1', name: 'Work' })], 'Home')).toThrow(
      'No profile matches "Home" (by id, id prefix or name)',
    );
  });
});

describe('resolveRunId', () => {
  it('resolves among run ids and log-file ids together, case-insensitively', () => {
    expect(resolveRunId(['A1B2C3D4-0000-4000-8000-000000000001', 'ffff0000-0000-4000-8000-000000000002'], 'a1b')).toBe(
      'a1b2c3d4-0000-4000-8000-000000000001',
    );
    expect(() => resolveRunId([], '../etc')).toThrow(/Invalid run/);
  });
});

describe('scheduleSummary', () => {
  it.each([
    [{ schedule_type: 'manual' }, 'manual'],
    [{ schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00' }, 'daily at 09:00'],
    [
      {
        schedule_type: 'calendar',
        calendar_frequency: 'weekly',
        calendar_time: '10:00',
        calendar_days_of_week: [0, 6],
        timezone: 'UTC',
      },
      'weekly Mon,Sun at 10:00 (UTC)',
    ],
    [
      { schedule_type: 'calendar', calendar_frequency: 'monthly', calendar_day_of_month: 31 },
      'monthly on day 31 at 00:00',
    ],
    [{ schedule_type: 'interval', interval_type: 'cron', interval_cron: '*/5 * * * *' }, 'cron "*/5 * * * *"'],
    [{ schedule_type: 'interval', interval_type: 'simple', interval_preset: '15min' }, 'every 15min'],
    [
      { schedule_type: 'interval', interval_type: 'custom', interval_value: 2, interval_unit: 'hours' },
      'every 2 hours',
    ],
    [
      { schedule_type: 'file_watch', watch_directory: '~/in', watch_debounce_seconds: 3 },
      'file_watch ~/in (recursive), debounce 3s',
    ],
  ])('%j → %s', (schedule, text) => {
    expect(scheduleSummary(task('t', 'x', schedule))).toBe(text);
  });
});
