import { ValidationError } from '../errors';
import { DEFAULT_SCHEDULE, ScheduleConfig } from '../model/task';
import { dueSlotsBetween, nextFireTime, nextFireTimes } from './next-fire';

const schedule = (o: Partial<ScheduleConfig>): ScheduleConfig => ({
  ...DEFAULT_SCHEDULE,
  schedule_type: 'interval',
  ...o,
});
const simple = (preset: string): ScheduleConfig => schedule({ interval_type: 'simple', interval_preset: preset });
const d = (iso: string): Date => new Date(iso);
const isoList = (slots: { at: Date }[]): string[] => slots.map((s) => s.at.toISOString());

const ANCHOR = d('2025-01-01T00:00:00Z');
const MIN = 60_000;

describe('interval schedules', () => {
  describe('simple presets', () => {
    it.each([
      // The original GUI's stored names
      ['5min', 5],
      ['15min', 15],
      ['30min', 30],
      ['1hour', 60],
      ['2hours', 120],
      ['6hours', 360],
      ['12hours', 720],
      ['24hours', 1440],
      // The original API's names
      ['5 minutes', 5],
      ['15 minutes', 15],
      ['30 minutes', 30],
      ['1 hour', 60],
      ['2 hours', 120],
      ['4 hours', 240],
      ['6 hours', 360],
      ['12 hours', 720],
      ['24 hours', 1440],
      // Lenient about case and spaces
      [' 1 HOUR ', 60],
      ['2Hours', 120],
      ['30 Min', 30],
      ['15  Minutes', 15],
    ])('%j fires every %d minutes on the anchored grid', (preset, minutes) => {
      const slots = nextFireTimes(simple(preset), { after: ANCHOR, anchor: ANCHOR, count: 3, defaultTimezone: 'UTC' });
      expect(slots.map((s) => s.at.getTime() - ANCHOR.getTime())).toEqual([1, 2, 3].map((k) => k * minutes * MIN));
    });

    it.each(['3 hours', '10min', 'weekly', '', '5', 'five minutes', '1 day'])(
      'rejects the unknown preset %j instead of running every 5 minutes',
      (preset) => {
        const call = () => nextFireTimes(simple(preset), { after: ANCHOR, count: 1, defaultTimezone: 'UTC' });
        expect(call).toThrow(ValidationError);
        expect(call).toThrow(/schedule\.interval_preset: .* is not a preset; use one of 5 minutes, 15 minutes/);
      },
    );

    it('requires a preset', () => {
      expect(() =>
        nextFireTimes(simple(null as unknown as string), { after: ANCHOR, count: 1, defaultTimezone: 'UTC' }),
      ).toThrow(/interval_preset: a preset is required/);
    });
  });

  describe('custom intervals', () => {
    it.each([
      [{ interval_type: 'custom', interval_value: 7, interval_unit: 'minutes' }, 7],
      [{ interval_type: 'custom', interval_value: 3, interval_unit: 'hours' }, 180],
      [{ interval_type: 'custom', interval_value: 2, interval_unit: 'days' }, 2880],
      // interval_type null is custom, as in the original
      [{ interval_type: null, interval_value: 10, interval_unit: 'minutes' }, 10],
      // a missing unit is minutes, the original GUI's default
      [{ interval_type: 'custom', interval_value: 45, interval_unit: null }, 45],
    ] as const)('%j fires every %d minutes', (fields, minutes) => {
      const slots = nextFireTimes(schedule(fields), {
        after: ANCHOR,
        anchor: ANCHOR,
        count: 2,
        defaultTimezone: 'UTC',
      });
      expect(slots.map((s) => s.at.getTime() - ANCHOR.getTime())).toEqual([minutes * MIN, 2 * minutes * MIN]);
    });

    it.each([
      [{ interval_value: 0, interval_unit: 'minutes' }, /interval_value: 0 is not a whole number ≥ 1/],
      [{ interval_value: 1.5, interval_unit: 'hours' }, /interval_value: 1.5 is not a whole number ≥ 1/],
      [{ interval_value: null, interval_unit: 'hours' }, /interval_value: a whole number ≥ 1 is required/],
      [{ interval_value: 5, interval_unit: 'weeks' }, /interval_unit: "weeks" is not one of minutes, hours, days/],
      [{ interval_value: 400, interval_unit: 'days' }, /longer than the maximum of 366 days/],
    ])('rejects %j', (fields, message) => {
      const s = schedule({ interval_type: 'custom', ...(fields as Partial<ScheduleConfig>) });
      expect(() => nextFireTimes(s, { after: ANCHOR, count: 1, defaultTimezone: 'UTC' })).toThrow(message);
    });
  });

  describe('anchoring', () => {
    const hourly = simple('1 hour');

    it('keeps the grid of the anchor (e.g. created_at), whatever `after` is', () => {
      const anchor = d('2025-01-01T09:07:00Z');
      expect(
        isoList(nextFireTimes(hourly, { after: d('2025-01-01T12:00:00Z'), anchor, count: 2, defaultTimezone: 'UTC' })),
      ).toEqual(['2025-01-01T12:07:00.000Z', '2025-01-01T13:07:00.000Z']);
    });

    it('is strictly after `after`: a slot exactly at `after` is not returned', () => {
      const anchor = d('2025-01-01T09:00:00Z');
      expect(nextFireTime(hourly, { after: d('2025-01-01T12:00:00Z'), anchor, defaultTimezone: 'UTC' })).toEqual(
        d('2025-01-01T13:00:00Z'),
      );
    });

    it('accepts an anchor after `after` and still uses its grid', () => {
      const anchor = d('2025-01-01T15:07:00Z');
      expect(nextFireTime(hourly, { after: d('2025-01-01T12:00:00Z'), anchor, defaultTimezone: 'UTC' })).toEqual(
        d('2025-01-01T12:07:00Z'),
      );
    });

    it('starts one interval after `after` when no anchor is given', () => {
      expect(nextFireTime(hourly, { after: d('2025-01-01T12:34:56Z'), defaultTimezone: 'UTC' })).toEqual(
        d('2025-01-01T13:34:56Z'),
      );
    });

    it('counts elapsed time across DST: every 1 day moves an hour on the local clock', () => {
      const daily = schedule({
        interval_type: 'custom',
        interval_value: 1,
        interval_unit: 'days',
        timezone: 'Europe/Amsterdam',
      });
      const anchor = d('2025-03-29T08:00:00Z'); // 09:00 CET
      const slots = nextFireTimes(daily, { after: anchor, anchor, count: 2, defaultTimezone: 'UTC' });
      expect(slots.map((s) => s.local)).toEqual(['2025-03-30T10:00:00', '2025-03-31T10:00:00']);
    });
  });

  describe('dueSlotsBetween', () => {
    const from = d('2025-01-01T10:00:00Z');
    const to = d('2025-01-01T13:00:00Z');

    it('lists the 12 slots of a 15-minute interval in a 3-hour window (from, to]', () => {
      const due = dueSlotsBetween(simple('15min'), from, to, { defaultTimezone: 'UTC' });
      expect(due.slots).toHaveLength(12);
      expect(due.slots[0].at).toEqual(d('2025-01-01T10:15:00Z'));
      expect(due.slots[11].at).toEqual(to);
      expect(due.capped).toBe(false);
      expect(due.latestFire?.at).toEqual(to);
    });

    it('uses the anchor grid: 12 slots from 10:07 to 12:52 with created_at 09:07', () => {
      const due = dueSlotsBetween(simple('15 minutes'), from, to, {
        defaultTimezone: 'UTC',
        anchor: d('2025-01-01T09:07:00Z'),
      });
      expect(isoList(due.slots)).toEqual(
        Array.from({ length: 12 }, (_, k) => new Date(Date.parse('2025-01-01T10:07:00Z') + k * 15 * MIN).toISOString()),
      );
    });

    it('caps the list, says so, and still reports the latest due slot', () => {
      const due = dueSlotsBetween(simple('15min'), from, to, { defaultTimezone: 'UTC', limit: 5 });
      expect(isoList(due.slots)).toEqual([
        '2025-01-01T10:15:00.000Z',
        '2025-01-01T10:30:00.000Z',
        '2025-01-01T10:45:00.000Z',
        '2025-01-01T11:00:00.000Z',
        '2025-01-01T11:15:00.000Z',
      ]);
      expect(due.capped).toBe(true);
      expect(due.latestFire?.at).toEqual(to);
    });

    it('is not capped when exactly `limit` slots are due', () => {
      const due = dueSlotsBetween(simple('15min'), from, to, { defaultTimezone: 'UTC', limit: 12 });
      expect(due.slots).toHaveLength(12);
      expect(due.capped).toBe(false);
    });

    it('returns nothing for an empty or reversed window', () => {
      expect(dueSlotsBetween(simple('15min'), to, to, { defaultTimezone: 'UTC' })).toEqual({
        slots: [],
        capped: false,
        latestFire: null,
      });
      expect(dueSlotsBetween(simple('15min'), to, from, { defaultTimezone: 'UTC' }).slots).toEqual([]);
    });
  });
});
