import { ValidationError } from '../errors';
import { DEFAULT_SCHEDULE, ScheduleConfig } from '../model/task';
import { dueSlotsBetween, nextFireTimes } from './next-fire';
import { ScheduleSlot } from './schedule.types';

const calendar = (o: Partial<ScheduleConfig>): ScheduleConfig => ({
  ...DEFAULT_SCHEDULE,
  schedule_type: 'calendar',
  ...o,
});
const d = (iso: string): Date => new Date(iso);
const next = (s: ScheduleConfig, after: string, count: number): ScheduleSlot[] =>
  nextFireTimes(s, { after: d(after), count, defaultTimezone: 'UTC' });
const isoList = (slots: ScheduleSlot[]): string[] => slots.map((s) => s.at.toISOString());
/** "at" for a fire, "skip <date>" for a skipped slot. */
const summary = (slots: ScheduleSlot[]): string[] =>
  slots.map((s) => (s.skipped ? `skip ${s.skipped.localDate}` : s.at.toISOString()));

describe('calendar schedules', () => {
  describe('daily', () => {
    it('fires every day at the time, strictly after `after`', () => {
      const s = calendar({ calendar_frequency: 'daily', calendar_time: '09:00' });
      expect(isoList(next(s, '2025-01-01T09:00:00Z', 2))).toEqual([
        '2025-01-02T09:00:00.000Z',
        '2025-01-03T09:00:00.000Z',
      ]);
      expect(isoList(next(s, '2025-01-01T08:59:59Z', 1))).toEqual(['2025-01-01T09:00:00.000Z']);
    });

    it.each([
      ['09:15:30', '2025-01-01T09:15:30.000Z'],
      ['7:05', '2025-01-01T07:05:00.000Z'],
      [null, '2025-01-02T00:00:00.000Z'],
    ])('reads calendar_time %j', (time, expected) => {
      const s = calendar({ calendar_frequency: 'daily', calendar_time: time });
      expect(isoList(next(s, '2025-01-01T00:00:00Z', 1))).toEqual([expected]);
    });

    it('honours the schedule zone: same schedule, different instants', () => {
      const base = { calendar_frequency: 'daily', calendar_time: '09:00' } as const;
      expect(isoList(next(calendar({ ...base, timezone: 'Europe/Amsterdam' }), '2025-06-01T00:00:00Z', 1))).toEqual([
        '2025-06-01T07:00:00.000Z',
      ]);
      expect(isoList(next(calendar({ ...base, timezone: 'America/New_York' }), '2025-06-01T00:00:00Z', 1))).toEqual([
        '2025-06-01T13:00:00.000Z',
      ]);
      const fromDefault = nextFireTimes(calendar(base), {
        after: d('2025-05-31T12:00:00Z'),
        count: 1,
        defaultTimezone: 'Asia/Tokyo',
      });
      expect(fromDefault.map((s) => [s.at.toISOString(), s.local, s.timeZone])).toEqual([
        ['2025-06-01T00:00:00.000Z', '2025-06-01T09:00:00', 'Asia/Tokyo'],
      ]);
    });
  });

  describe('weekly (0 = Monday … 6 = Sunday, unlike cron)', () => {
    // 2025-01-01 is a Wednesday.
    it.each([
      [[0], ['2025-01-06T10:00:00.000Z', '2025-01-13T10:00:00.000Z']],
      [[6], ['2025-01-05T10:00:00.000Z', '2025-01-12T10:00:00.000Z']],
      [
        [2, 4],
        ['2025-01-01T10:00:00.000Z', '2025-01-03T10:00:00.000Z', '2025-01-08T10:00:00.000Z'],
      ],
      [
        [5, 0, 5],
        ['2025-01-04T10:00:00.000Z', '2025-01-06T10:00:00.000Z', '2025-01-11T10:00:00.000Z'],
      ],
      // none ticked means Monday, as in the original GUI
      [[], ['2025-01-06T10:00:00.000Z']],
    ])('days %j → %j', (days, expected) => {
      const s = calendar({ calendar_frequency: 'weekly', calendar_time: '10:00', calendar_days_of_week: days });
      expect(isoList(next(s, '2025-01-01T00:00:00Z', expected.length))).toEqual(expected);
    });

    it('rejects a day outside 0–6', () => {
      const s = calendar({ calendar_frequency: 'weekly', calendar_time: '10:00', calendar_days_of_week: [1, 9] });
      expect(() => next(s, '2025-01-01T00:00:00Z', 1)).toThrow(ValidationError);
      expect(() => next(s, '2025-01-01T00:00:00Z', 1)).toThrow(
        /schedule\.calendar_days_of_week: 9 is not a day; use a list of 0 = Monday … 6 = Sunday/,
      );
    });
  });

  describe('monthly', () => {
    it('skips 30-day months for day 31 and reports each skip', () => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: 31, calendar_time: '08:00' });
      expect(summary(next(s, '2025-01-01T00:00:00Z', 6))).toEqual([
        '2025-01-31T08:00:00.000Z',
        'skip 2025-02-31',
        '2025-03-31T08:00:00.000Z',
        'skip 2025-04-31',
        '2025-05-31T08:00:00.000Z',
        'skip 2025-06-31',
        '2025-07-31T08:00:00.000Z',
        '2025-08-31T08:00:00.000Z',
        'skip 2025-09-31',
        '2025-10-31T08:00:00.000Z',
      ]);
    });

    it('describes a skip so the scheduler can record a skipped_invalid_date occurrence', () => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: 30, calendar_time: '08:00' });
      const [, feb] = next(s, '2024-01-15T00:00:00Z', 2);
      expect(feb).toEqual({
        at: d('2024-02-29T08:00:00Z'),
        local: '2024-02-29T08:00:00',
        timeZone: 'UTC',
        skipped: {
          reason: 'skipped_invalid_date',
          localDate: '2024-02-30',
          message: '2024-02-30 does not exist (February 2024 has 29 days); no run this month',
        },
      });
    });

    it.each([
      // day, after, expected around February
      [
        29,
        '2024-01-15T00:00:00Z',
        ['2024-01-29T08:00:00.000Z', '2024-02-29T08:00:00.000Z', '2024-03-29T08:00:00.000Z'],
      ],
      [29, '2025-01-15T00:00:00Z', ['2025-01-29T08:00:00.000Z', 'skip 2025-02-29', '2025-03-29T08:00:00.000Z']],
      [30, '2024-01-15T00:00:00Z', ['2024-01-30T08:00:00.000Z', 'skip 2024-02-30', '2024-03-30T08:00:00.000Z']],
      [30, '2025-01-15T00:00:00Z', ['2025-01-30T08:00:00.000Z', 'skip 2025-02-30', '2025-03-30T08:00:00.000Z']],
      [31, '2024-01-15T00:00:00Z', ['2024-01-31T08:00:00.000Z', 'skip 2024-02-31', '2024-03-31T08:00:00.000Z']],
      [31, '2100-01-15T00:00:00Z', ['2100-01-31T08:00:00.000Z', 'skip 2100-02-31', '2100-03-31T08:00:00.000Z']],
      [
        28,
        '2025-01-15T00:00:00Z',
        ['2025-01-28T08:00:00.000Z', '2025-02-28T08:00:00.000Z', '2025-03-28T08:00:00.000Z'],
      ],
    ])('day %d after %s → %j', (day, after, expected) => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: day, calendar_time: '08:00' });
      const fires = expected.filter((e) => !e.startsWith('skip')).length;
      expect(summary(next(s, after, fires))).toEqual(expected);
    });

    it('defaults to day 1 like the original', () => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: null, calendar_time: '08:00' });
      expect(isoList(next(s, '2025-01-15T00:00:00Z', 1))).toEqual(['2025-02-01T08:00:00.000Z']);
    });

    it('crosses the year boundary', () => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: 31, calendar_time: '23:30' });
      expect(summary(next(s, '2025-11-01T00:00:00Z', 2))).toEqual([
        'skip 2025-11-31',
        '2025-12-31T23:30:00.000Z',
        '2026-01-31T23:30:00.000Z',
      ]);
    });

    it('lists skips among due slots for catch-up', () => {
      const s = calendar({ calendar_frequency: 'monthly', calendar_day_of_month: 31, calendar_time: '08:00' });
      const due = dueSlotsBetween(s, d('2025-01-01T00:00:00Z'), d('2025-05-01T00:00:00Z'), { defaultTimezone: 'UTC' });
      expect(summary(due.slots)).toEqual([
        '2025-01-31T08:00:00.000Z',
        'skip 2025-02-31',
        '2025-03-31T08:00:00.000Z',
        'skip 2025-04-31',
      ]);
      expect(due.latestFire?.at).toEqual(d('2025-03-31T08:00:00Z'));
    });
  });

  describe('DST', () => {
    it.each([
      // spring forward: a daily 02:30 fires once at 03:00 local on the day without 02:30
      [
        'Europe/Amsterdam',
        '02:30',
        '2025-03-28T12:00:00Z',
        ['2025-03-29T01:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z'],
      ],
      [
        'America/New_York',
        '02:30',
        '2025-03-07T12:00:00Z',
        ['2025-03-08T07:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z'],
      ],
      [
        'Australia/Sydney',
        '02:30',
        '2025-10-03T00:00:00Z',
        ['2025-10-03T16:30:00.000Z', '2025-10-04T16:00:00.000Z', '2025-10-05T15:30:00.000Z'],
      ],
      // fall back: the repeated time fires once, at its first occurrence
      [
        'Europe/Amsterdam',
        '02:30',
        '2025-10-24T12:00:00Z',
        ['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
      ],
      [
        'America/New_York',
        '01:30',
        '2025-10-31T12:00:00Z',
        ['2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z'],
      ],
      [
        'Australia/Sydney',
        '02:30',
        '2025-04-04T00:00:00Z',
        ['2025-04-04T15:30:00.000Z', '2025-04-05T15:30:00.000Z', '2025-04-06T16:30:00.000Z'],
      ],
    ])('daily in %s at %s after %s → %j', (timezone, time, after, expected) => {
      const s = calendar({ calendar_frequency: 'daily', calendar_time: time, timezone });
      expect(isoList(next(s, after, expected.length))).toEqual(expected);
    });

    it('marks the shifted slot with the local time that did not exist', () => {
      const s = calendar({
        calendar_frequency: 'weekly',
        calendar_days_of_week: [6],
        calendar_time: '02:30',
        timezone: 'Europe/Amsterdam',
      });
      const [slot] = next(s, '2025-03-29T00:00:00Z', 1);
      expect(slot).toEqual({
        at: d('2025-03-30T01:00:00Z'),
        local: '2025-03-30T03:00:00',
        timeZone: 'Europe/Amsterdam',
        shiftedFrom: '2025-03-30T02:30:00',
      });
    });

    it('fires the repeated time only once even when asked from inside the second copy', () => {
      const s = calendar({ calendar_frequency: 'daily', calendar_time: '01:30', timezone: 'America/New_York' });
      // 06:15Z = 01:15 EST, the second 01:xx; the first 01:30 (05:30Z) is past, the second must not fire
      expect(isoList(next(s, '2025-11-02T06:15:00Z', 1))).toEqual(['2025-11-03T06:30:00.000Z']);
    });

    it('dueSlotsBetween over both transitions in Amsterdam gives one slot per day', () => {
      const s = calendar({ calendar_frequency: 'daily', calendar_time: '02:30', timezone: 'Europe/Amsterdam' });
      const due = dueSlotsBetween(s, d('2025-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), { defaultTimezone: 'UTC' });
      expect(due.slots).toHaveLength(365);
      expect(new Set(due.slots.map((x) => x.local.slice(0, 10))).size).toBe(365);
    });
  });

  describe('invalid', () => {
    it.each([
      [{ calendar_frequency: 'daily', calendar_time: '25:00' }, /calendar_time: "25:00" is not a time of day/],
      [{ calendar_frequency: 'daily', calendar_time: '09:60' }, /calendar_time: "09:60" is not a time of day/],
      [{ calendar_frequency: 'daily', calendar_time: '9am' }, /calendar_time: "9am" is not a time of day/],
      [
        { calendar_frequency: null, calendar_time: '09:00' },
        /calendar_frequency: required: one of daily, weekly, monthly/,
      ],
      [
        { calendar_frequency: 'yearly', calendar_time: '09:00' },
        /calendar_frequency: "yearly" is not one of daily, weekly, monthly/,
      ],
      [
        { calendar_frequency: 'monthly', calendar_day_of_month: 32 },
        /calendar_day_of_month: 32 is not a day of the month; use 1–31/,
      ],
      [
        { calendar_frequency: 'monthly', calendar_day_of_month: 0 },
        /calendar_day_of_month: 0 is not a day of the month/,
      ],
    ])('%j → %s', (fields, message) => {
      const s = calendar(fields as Partial<ScheduleConfig>);
      expect(() => next(s, '2025-01-01T00:00:00Z', 1)).toThrow(ValidationError);
      expect(() => next(s, '2025-01-01T00:00:00Z', 1)).toThrow(message);
    });
  });
});
