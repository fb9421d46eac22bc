import { ValidationError } from '../errors';
import { DEFAULT_SCHEDULE, ScheduleConfig } from '../model/task';
import { describeSchedule } from './describe-schedule';
import { dueSlotsBetween, hasTimeBasedFires, nextFireTime, nextFireTimes, resolveTimeZone } from './next-fire';
import { ScheduleInput, compileSchedule, validateSchedule } from './schedule-spec';

const schedule = (o: Partial<ScheduleConfig>): ScheduleConfig => ({ ...DEFAULT_SCHEDULE, ...o });
const d = (iso: string): Date => new Date(iso);
const after = d('2025-01-01T00:00:00Z');

describe('schedule kinds without time-based fires', () => {
  it.each([
    ['manual', schedule({ schedule_type: 'manual' })],
    ['startup', schedule({ schedule_type: 'startup' })],
    ['sequential', schedule({ schedule_type: 'sequential' })],
    ['file_watch', schedule({ schedule_type: 'file_watch', watch_directory: '/tmp/src' })],
    // not time-based, so its own problems (checked by validateSchedule) do not stop the scheduler's clock math
    ['file_watch without a directory', schedule({ schedule_type: 'file_watch', watch_directory: null })],
  ])('%s never fires by the clock', (_name, s) => {
    expect(hasTimeBasedFires(s)).toBe(false);
    expect(nextFireTimes(s, { after, count: 5, defaultTimezone: 'UTC' })).toEqual([]);
    expect(nextFireTime(s, { after, defaultTimezone: 'UTC' })).toBeNull();
    expect(dueSlotsBetween(s, after, d('2025-02-01T00:00:00Z'), { defaultTimezone: 'UTC' })).toEqual({
      slots: [],
      capped: false,
      latestFire: null,
    });
  });

  it('interval and calendar do fire by the clock', () => {
    expect(hasTimeBasedFires(schedule({ schedule_type: 'interval' }))).toBe(true);
    expect(hasTimeBasedFires(schedule({ schedule_type: 'calendar' }))).toBe(true);
  });
});

describe('options', () => {
  const hourly = schedule({ schedule_type: 'interval', interval_type: 'simple', interval_preset: '1hour' });

  it.each([
    [{ after: new Date('nope'), count: 1 }, /after must be a valid Date/],
    [{ after, count: -1 }, /count must be a whole number from 0 to 100000/],
    [{ after, count: 1.5 }, /count must be a whole number/],
    [{ after, count: 1, anchor: new Date(Number.NaN) }, /anchor must be a valid Date/],
  ])('rejects %j', (opts, message) => {
    expect(() => nextFireTimes(hourly, { defaultTimezone: 'UTC', ...opts })).toThrow(ValidationError);
    expect(() => nextFireTimes(hourly, { defaultTimezone: 'UTC', ...opts })).toThrow(message);
  });

  it('returns nothing for count 0', () => {
    expect(nextFireTimes(hourly, { after, count: 0, defaultTimezone: 'UTC' })).toEqual([]);
  });

  it('nextFireTime skips over skipped slots to the next real fire', () => {
    const s = schedule({ schedule_type: 'calendar', calendar_frequency: 'monthly', calendar_day_of_month: 31 });
    expect(nextFireTime(s, { after: d('2025-02-01T00:00:00Z'), defaultTimezone: 'UTC' })).toEqual(
      d('2025-03-31T00:00:00Z'),
    );
  });

  it('resolves the zone: schedule first, then the default', () => {
    expect(resolveTimeZone({ timezone: 'Asia/Tokyo' }, 'UTC')).toBe('Asia/Tokyo');
    expect(resolveTimeZone({ timezone: null }, 'Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(() => resolveTimeZone({ timezone: null }, 'Bad/Zone')).toThrow(ValidationError);
  });

  it('does not mutate the schedule', () => {
    const s = schedule({ schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_days_of_week: [4, 1] });
    const copy = structuredClone(s);
    nextFireTimes(s, { after, count: 3, defaultTimezone: 'UTC' });
    expect(s).toEqual(copy);
  });
});

describe('validateSchedule', () => {
  it.each<[string, ScheduleInput]>([
    ['manual', { schedule_type: 'manual' }],
    ['startup', { schedule_type: 'startup' }],
    ['sequential', { schedule_type: 'sequential' }],
    ['file watch', { schedule_type: 'file_watch', watch_directory: '~/src', watch_debounce_seconds: 5 }],
    [
      'daily',
      {
        schedule_type: 'calendar',
        calendar_frequency: 'daily',
        calendar_time: '09:00:00',
        timezone: 'Europe/Amsterdam',
      },
    ],
    [
      'weekly',
      {
        schedule_type: 'calendar',
        calendar_frequency: 'weekly',
        calendar_days_of_week: [0, 6],
        calendar_time: '10:00',
      },
    ],
    ['monthly', { schedule_type: 'calendar', calendar_frequency: 'monthly', calendar_day_of_month: 31 }],
    ['preset', { schedule_type: 'interval', interval_type: 'simple', interval_preset: '2hours' }],
    ['custom', { schedule_type: 'interval', interval_type: 'custom', interval_value: 3, interval_unit: 'days' }],
    ['cron', { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5' }],
    ['an empty body (manual)', {}],
    ['the defaults', DEFAULT_SCHEDULE],
    [
      'unused fields of other kinds are not checked',
      { schedule_type: 'manual', calendar_time: 'garbage', interval_value: -3 },
    ],
  ])('accepts %s', (_name, s) => {
    expect(validateSchedule(s)).toEqual([]);
  });

  it.each<[string, ScheduleInput, { field: string; message: RegExp }[]]>([
    [
      'weekly with day 9 and time 25:00',
      { schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_days_of_week: [9], calendar_time: '25:00' },
      [
        { field: 'calendar_time', message: /"25:00" is not a time of day/ },
        { field: 'calendar_days_of_week', message: /9 is not a day/ },
      ],
    ],
    [
      'interval value 0 and an unknown unit',
      { schedule_type: 'interval', interval_type: 'custom', interval_value: 0, interval_unit: 'fortnights' as never },
      [
        { field: 'interval_unit', message: /"fortnights" is not one of minutes, hours, days/ },
        { field: 'interval_value', message: /0 is not a whole number ≥ 1/ },
      ],
    ],
    [
      'a bad zone',
      { schedule_type: 'manual', timezone: 'Europe/Nowhere' },
      [{ field: 'timezone', message: /"Europe\/Nowhere" is not a known IANA time zone/ }],
    ],
    [
      'file watch without a directory',
      { schedule_type: 'file_watch', watch_directory: '  ' },
      [{ field: 'watch_directory', message: /a directory to watch is required/ }],
    ],
    [
      'a negative debounce',
      { schedule_type: 'file_watch', watch_directory: '/x', watch_debounce_seconds: -1 },
      [{ field: 'watch_debounce_seconds', message: /-1 is not a number of seconds/ }],
    ],
    [
      'an unknown type',
      { schedule_type: 'hourly' as never },
      [{ field: 'schedule_type', message: /"hourly" is not one of manual, interval/ }],
    ],
    [
      'an unknown interval type',
      { schedule_type: 'interval', interval_type: 'weekly' as never },
      [{ field: 'interval_type', message: /"weekly" is not one of simple, custom, cron/ }],
    ],
    [
      'a six-field cron',
      { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 0 9 * * *' },
      [{ field: 'interval_cron', message: /6 fields; seconds are not supported/ }],
    ],
    [
      'days of week not a list',
      { schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_days_of_week: 3 as never },
      [{ field: 'calendar_days_of_week', message: /3 is not a day/ }],
    ],
    [
      'an unknown overlap policy',
      { schedule_type: 'manual', overlap_policy: 'sometimes' as never },
      [{ field: 'overlap_policy', message: /"sometimes" is not one of skip, queue_one, allow, replace/ }],
    ],
    [
      'a negative catch-up window',
      { schedule_type: 'manual', catchup_window_hours: -2 },
      [{ field: 'catchup_window_hours', message: /-2 is not a number of hours ≥ 0/ }],
    ],
  ])('reports %s', (_name, s, expected) => {
    const problems = validateSchedule(s);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(problems[i].field).toBe(e.field);
      expect(problems[i].message).toMatch(e.message);
    });
  });

  it('compileSchedule throws one ValidationError carrying every problem as details', () => {
    const s: ScheduleInput = {
      schedule_type: 'calendar',
      calendar_frequency: 'weekly',
      calendar_days_of_week: [7],
      calendar_time: '24:00',
    };
    let caught: unknown;
    try {
      compileSchedule(s);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.message).toMatch(/^Invalid schedule: schedule\.calendar_time: .*; schedule\.calendar_days_of_week: /);
    expect(err.details).toEqual(validateSchedule(s));
  });
});

describe('describeSchedule', () => {
  it.each<[ScheduleInput, string]>([
    [{ schedule_type: 'manual' }, 'Manual'],
    [{}, 'Manual'],
    [{ schedule_type: 'startup' }, 'On startup'],
    [{ schedule_type: 'sequential' }, 'Sequential (runs in job order)'],
    [{ schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00:00' }, 'Daily at 09:00'],
    [{ schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: null }, 'Daily at 00:00'],
    [{ schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00:30' }, 'Daily at 09:00:30'],
    [
      {
        schedule_type: 'calendar',
        calendar_frequency: 'weekly',
        calendar_days_of_week: [1, 0],
        calendar_time: '10:00',
      },
      'Weekly on Mon, Tue at 10:00',
    ],
    [
      { schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_days_of_week: [], calendar_time: '10:00' },
      'Weekly on Mon at 10:00',
    ],
    [
      {
        schedule_type: 'calendar',
        calendar_frequency: 'weekly',
        calendar_days_of_week: [5, 6],
        calendar_time: '10:00',
      },
      'Weekly on Sat, Sun at 10:00',
    ],
    [
      { schedule_type: 'calendar', calendar_frequency: 'monthly', calendar_day_of_month: 31, calendar_time: '08:00' },
      'Monthly on day 31 at 08:00',
    ],
    [
      { schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00', timezone: 'Europe/Amsterdam' },
      'Daily at 09:00 (Europe/Amsterdam)',
    ],
    [{ schedule_type: 'interval', interval_type: 'simple', interval_preset: '5min' }, 'Every 5 minutes'],
    [{ schedule_type: 'interval', interval_type: 'simple', interval_preset: '5 minutes' }, 'Every 5 minutes'],
    [{ schedule_type: 'interval', interval_type: 'simple', interval_preset: '2hours' }, 'Every 2 hours'],
    [{ schedule_type: 'interval', interval_type: 'simple', interval_preset: '1 hour' }, 'Every hour'],
    [
      { schedule_type: 'interval', interval_type: 'simple', interval_preset: 'fortnightly' },
      'Every fortnightly (unknown preset)',
    ],
    [{ schedule_type: 'interval', interval_type: 'custom', interval_value: 3, interval_unit: 'days' }, 'Every 3 days'],
    [{ schedule_type: 'interval', interval_type: null, interval_value: 1, interval_unit: 'minutes' }, 'Every minute'],
    [{ schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5' }, 'Cron: 0 9 * * 1-5'],
    [
      { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5', timezone: 'America/New_York' },
      'Cron: 0 9 * * 1-5 (America/New_York)',
    ],
    [
      { schedule_type: 'file_watch', watch_directory: '~/src', watch_debounce_seconds: 5 },
      'On file change in ~/src (debounce 5 s)',
    ],
    [
      { schedule_type: 'file_watch', watch_directory: '~/src', watch_recursive: false, watch_debounce_seconds: 2 },
      'On file change in ~/src (top level only, debounce 2 s)',
    ],
    [
      { schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '25:00' },
      'Daily at 25:00 (invalid time)',
    ],
  ])('%j → %s', (s, text) => {
    expect(describeSchedule(s)).toBe(text);
  });
});
