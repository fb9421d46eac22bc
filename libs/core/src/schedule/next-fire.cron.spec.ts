import { ValidationError } from '../errors';
import { DEFAULT_SCHEDULE, ScheduleConfig } from '../model/task';
import { parseCron } from './cron-expression';
import { dueSlotsBetween, nextFireTimes } from './next-fire';

const cron = (expr: string, timezone: string | null = null): ScheduleConfig => ({
  ...DEFAULT_SCHEDULE,
  schedule_type: 'interval',
  interval_type: 'cron',
  interval_cron: expr,
  timezone,
});
const d = (iso: string): Date => new Date(iso);
const next = (expr: string, zone: string, after: string, count: number): string[] =>
  nextFireTimes(cron(expr, zone), { after: d(after), count, defaultTimezone: 'UTC' }).map((s) => s.at.toISOString());
const nextLocal = (expr: string, zone: string, after: string, count: number): string[] =>
  nextFireTimes(cron(expr, zone), { after: d(after), count, defaultTimezone: 'UTC' }).map((s) => s.local);

describe('cron schedules', () => {
  describe('standard day-of-week numbering', () => {
    // 2025-01-01 is a Wednesday; the next Sunday is 2025-01-05, the next Monday 2025-01-06.
    it.each([
      ['0 9 * * 0', ['2025-01-05T09:00:00.000Z', '2025-01-12T09:00:00.000Z']],
      ['0 9 * * 7', ['2025-01-05T09:00:00.000Z', '2025-01-12T09:00:00.000Z']],
      ['0 9 * * SUN', ['2025-01-05T09:00:00.000Z', '2025-01-12T09:00:00.000Z']],
      ['0 9 * * 1', ['2025-01-06T09:00:00.000Z', '2025-01-13T09:00:00.000Z']],
      [
        '0 9 * * 1-5',
        [
          '2025-01-01T09:00:00.000Z',
          '2025-01-02T09:00:00.000Z',
          '2025-01-03T09:00:00.000Z',
          '2025-01-06T09:00:00.000Z',
        ],
      ],
      ['0 9 * * 6,0', ['2025-01-04T09:00:00.000Z', '2025-01-05T09:00:00.000Z', '2025-01-11T09:00:00.000Z']],
    ])('%s → %j', (expr, expected) => {
      expect(next(expr, 'UTC', '2025-01-01T00:00:00Z', expected.length)).toEqual(expected);
    });

    it('fires when either day field matches if both are restricted (Vixie cron)', () => {
      // the 1st of the month, or any Monday
      expect(next('0 0 1 * 1', 'UTC', '2025-01-20T00:00:00Z', 3)).toEqual([
        '2025-01-27T00:00:00.000Z',
        '2025-02-01T00:00:00.000Z',
        '2025-02-03T00:00:00.000Z',
      ]);
    });

    it('accepts the Vixie nicknames', () => {
      expect(next('@daily', 'UTC', '2025-01-01T12:00:00Z', 1)).toEqual(['2025-01-02T00:00:00.000Z']);
      expect(next('@weekly', 'UTC', '2025-01-01T12:00:00Z', 1)).toEqual(['2025-01-05T00:00:00.000Z']);
      expect(next('@hourly', 'UTC', '2025-01-01T12:00:00Z', 1)).toEqual(['2025-01-01T13:00:00.000Z']);
    });

    it('fires on Feb 29 only in leap years', () => {
      expect(next('0 12 29 2 *', 'UTC', '2025-01-01T00:00:00Z', 2)).toEqual([
        '2028-02-29T12:00:00.000Z',
        '2032-02-29T12:00:00.000Z',
      ]);
    });
  });

  describe('time zones', () => {
    it('evaluates the expression in the schedule zone: same cron, different instants', () => {
      const after = '2025-06-01T00:00:00Z';
      expect(next('0 9 * * *', 'Europe/Amsterdam', after, 1)).toEqual(['2025-06-01T07:00:00.000Z']);
      expect(next('0 9 * * *', 'America/New_York', after, 1)).toEqual(['2025-06-01T13:00:00.000Z']);
      expect(next('0 9 * * *', 'Australia/Sydney', after, 1)).toEqual(['2025-06-01T23:00:00.000Z']);
    });

    it('uses defaultTimezone when the schedule has none', () => {
      const s = cron('0 9 * * *', null);
      const [slot] = nextFireTimes(s, {
        after: d('2025-06-01T00:00:00Z'),
        count: 1,
        defaultTimezone: 'America/New_York',
      });
      expect(slot.at).toEqual(d('2025-06-01T13:00:00Z'));
      expect(slot.timeZone).toBe('America/New_York');
    });

    it('rejects an unknown zone', () => {
      expect(() => next('0 9 * * *', 'Europe/Atlantis', '2025-06-01T00:00:00Z', 1)).toThrow(ValidationError);
      expect(() => next('0 9 * * *', 'Europe/Atlantis', '2025-06-01T00:00:00Z', 1)).toThrow(
        /schedule\.timezone: "Europe\/Atlantis" is not a known IANA time zone/,
      );
      expect(() =>
        nextFireTimes(cron('0 9 * * *'), {
          after: d('2025-06-01T00:00:00Z'),
          count: 1,
          defaultTimezone: 'Nowhere/Land',
        }),
      ).toThrow(/defaultTimezone: "Nowhere\/Land" is not a known IANA time zone/);
    });
  });

  describe('DST, fixed-time expressions (wall-clock semantics)', () => {
    it.each([
      // spring forward: 02:30 does not exist → once at the end of the gap (03:00 local)
      [
        '30 2 * * *',
        'Europe/Amsterdam',
        '2025-03-28T12:00:00Z',
        ['2025-03-29T01:30:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-31T00:30:00.000Z'],
      ],
      [
        '30 2 * * *',
        'America/New_York',
        '2025-03-07T12:00:00Z',
        ['2025-03-08T07:30:00.000Z', '2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z'],
      ],
      [
        '30 2 * * *',
        'Australia/Sydney',
        '2025-10-03T00:00:00Z',
        ['2025-10-03T16:30:00.000Z', '2025-10-04T16:00:00.000Z', '2025-10-05T15:30:00.000Z'],
      ],
      // two times inside one gap collapse into one fire
      [
        '0,30 2 * * *',
        'Europe/Amsterdam',
        '2025-03-29T12:00:00Z',
        ['2025-03-30T01:00:00.000Z', '2025-03-31T00:00:00.000Z'],
      ],
      // fall back: the repeated 02:30 / 01:30 fires once, at its first occurrence
      [
        '30 2 * * *',
        'Europe/Amsterdam',
        '2025-10-24T12:00:00Z',
        ['2025-10-25T00:30:00.000Z', '2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z'],
      ],
      [
        '30 1 * * *',
        'America/New_York',
        '2025-10-31T12:00:00Z',
        ['2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z'],
      ],
      [
        '30 2 * * *',
        'Australia/Sydney',
        '2025-04-04T00:00:00Z',
        ['2025-04-04T15:30:00.000Z', '2025-04-05T15:30:00.000Z', '2025-04-06T16:30:00.000Z'],
      ],
    ])('%s in %s after %s → %j', (expr, zone, after, expected) => {
      expect(next(expr, zone, after, expected.length)).toEqual(expected);
    });

    it('reports the wanted local time of a shifted slot', () => {
      const [slot] = nextFireTimes(cron('30 2 * * *', 'Europe/Amsterdam'), {
        after: d('2025-03-29T12:00:00Z'),
        count: 1,
        defaultTimezone: 'UTC',
      });
      expect(slot).toEqual({
        at: d('2025-03-30T01:00:00Z'),
        local: '2025-03-30T03:00:00',
        timeZone: 'Europe/Amsterdam',
        shiftedFrom: '2025-03-30T02:30:00',
      });
    });

    it('does not fire the repeated time again when `after` lies inside the second copy', () => {
      // after = 02:45 CET, the second copy of 02:xx; the 02:30 of that day already fired at 00:30Z
      expect(next('30 2 * * *', 'Europe/Amsterdam', '2025-10-26T01:45:00Z', 1)).toEqual(['2025-10-27T01:30:00.000Z']);
    });
  });

  describe('DST, wildcard expressions (elapsed-time semantics, as Vixie cron)', () => {
    it.each([
      // every 30 minutes keeps its rhythm through the repeated hour in Amsterdam
      [
        '*/30 * * * *',
        'Europe/Amsterdam',
        '2025-10-25T23:50:00Z',
        5,
        [
          '2025-10-26T00:00:00.000Z',
          '2025-10-26T00:30:00.000Z',
          '2025-10-26T01:00:00.000Z',
          '2025-10-26T01:30:00.000Z',
          '2025-10-26T02:00:00.000Z',
        ],
      ],
      // hourly through the skipped hour: no double fire at 03:00
      [
        '0 * * * *',
        'Europe/Amsterdam',
        '2025-03-29T23:30:00Z',
        3,
        ['2025-03-30T00:00:00.000Z', '2025-03-30T01:00:00.000Z', '2025-03-30T02:00:00.000Z'],
      ],
      // hourly through New York's repeated 01:00 hour: every real hour
      [
        '0 * * * *',
        'America/New_York',
        '2025-11-02T04:30:00Z',
        4,
        [
          '2025-11-02T05:00:00.000Z',
          '2025-11-02T06:00:00.000Z',
          '2025-11-02T07:00:00.000Z',
          '2025-11-02T08:00:00.000Z',
        ],
      ],
      // every 2 hours in Amsterdam on the spring-forward day: local 00, 04, 06 (02 does not exist)
      [
        '0 */2 * * *',
        'Europe/Amsterdam',
        '2025-03-29T22:30:00Z',
        3,
        ['2025-03-29T23:00:00.000Z', '2025-03-30T02:00:00.000Z', '2025-03-30T04:00:00.000Z'],
      ],
      // Sydney's repeated 02:00 hour
      [
        '*/30 2 * * *',
        'Australia/Sydney',
        '2025-04-05T12:00:00Z',
        4,
        [
          '2025-04-05T15:00:00.000Z',
          '2025-04-05T15:30:00.000Z',
          '2025-04-05T16:00:00.000Z',
          '2025-04-05T16:30:00.000Z',
        ],
      ],
    ])('%s in %s after %s', (expr, zone, after, count, expected) => {
      expect(next(expr, zone, after, count)).toEqual(expected);
    });

    it('shows the repeated local times of the fall-back hour', () => {
      expect(nextLocal('*/30 * * * *', 'Europe/Amsterdam', '2025-10-25T23:50:00Z', 5)).toEqual([
        '2025-10-26T02:00:00',
        '2025-10-26T02:30:00',
        '2025-10-26T02:00:00',
        '2025-10-26T02:30:00',
        '2025-10-26T03:00:00',
      ]);
    });

    it('finds the second copy of the repeated hour when `after` is just before the transition', () => {
      // after = 02:50 CEST; the next half hours are 02:00 CET (01:00Z) and 02:30 CET
      expect(next('*/30 * * * *', 'Europe/Amsterdam', '2025-10-26T00:50:00Z', 2)).toEqual([
        '2025-10-26T01:00:00.000Z',
        '2025-10-26T01:30:00.000Z',
      ]);
    });

    it('does not fire inside a skipped hour', () => {
      // every 15 minutes during the 02:00 hour: nothing on the Amsterdam spring-forward day
      expect(next('*/15 2 * * *', 'Europe/Amsterdam', '2025-03-29T12:00:00Z', 1)).toEqual(['2025-03-31T00:00:00.000Z']);
    });
  });

  describe('dueSlotsBetween', () => {
    it('lists 3 slots of an hourly cron in a 3-hour window', () => {
      const due = dueSlotsBetween(cron('0 * * * *'), d('2025-01-01T10:00:00Z'), d('2025-01-01T13:00:00Z'), {
        defaultTimezone: 'UTC',
      });
      expect(due.slots.map((s) => s.at.toISOString())).toEqual([
        '2025-01-01T11:00:00.000Z',
        '2025-01-01T12:00:00.000Z',
        '2025-01-01T13:00:00.000Z',
      ]);
      expect(due.capped).toBe(false);
    });

    it('caps a long downtime of a minutely cron and still reports the latest slot', () => {
      const due = dueSlotsBetween(
        cron('* * * * *', 'Europe/Amsterdam'),
        d('2025-01-01T00:00:00Z'),
        d('2025-01-08T00:00:30Z'),
        {
          defaultTimezone: 'UTC',
          limit: 100,
        },
      );
      expect(due.slots).toHaveLength(100);
      expect(due.capped).toBe(true);
      expect(due.latestFire?.at).toEqual(d('2025-01-08T00:00:00Z'));
    });

    it('counts the repeated hour twice for a wildcard cron and once for a fixed one', () => {
      const window = [d('2025-10-25T22:00:00Z'), d('2025-10-26T03:00:00Z')] as const;
      const opts = { defaultTimezone: 'UTC' };
      expect(dueSlotsBetween(cron('*/30 * * * *', 'Europe/Amsterdam'), ...window, opts).slots).toHaveLength(10);
      expect(dueSlotsBetween(cron('0,30 2 * * *', 'Europe/Amsterdam'), ...window, opts).slots).toHaveLength(2);
    });
  });

  describe('invalid expressions', () => {
    it.each([
      ['61 * * * *', /minute field "61" is invalid/],
      ['* 25 * * *', /hour field "25" is invalid/],
      ['* * 32 * *', /day-of-month field "32" is invalid/],
      ['* * 0 * *', /day-of-month field "0" is invalid/],
      ['* * * 13 *', /month field "13" is invalid/],
      ['* * * * 8', /day-of-week field "8" is invalid/],
      ['*/0 * * * *', /minute field "\*\/0" is invalid/],
      ['5-1 * * * *', /minute field "5-1" is invalid/],
      ['0 9 * * funday', /day-of-week field "funday" is invalid/],
      ['0 0 9 * * *', /has 6 fields; seconds are not supported/],
      ['0 9 * *', /has 4 field\(s\); expected 5/],
      ['0 0 9 * * * 2025', /has 7 field\(s\); expected 5/],
      ['', /a cron expression is required/],
      ['   ', /a cron expression is required/],
      ['0 0 30 2 *', /can never fire/],
      ['H 9 * * *', /minute field "H" is invalid: "H" is not a number; L, W, #, \? and H are not standard cron/],
      ['0 0 L * *', /day-of-month field "L" is invalid: .*not standard cron/],
      ['0 0 * * 5#2', /day-of-week field "5#2" is invalid: .*not standard cron/],
      ['0 0 ? * 1', /day-of-month field "\?" is invalid/],
      ['0 0 * * 1-2-3', /day-of-week field "1-2-3" is invalid: "1-2-3" is not a range/],
      ['0 0 * * 1/2/3', /day-of-week field "1\/2\/3" is invalid/],
      ['0 0 * * ,', /day-of-week field "," is invalid/],
      ['@reboot', /use schedule_type "startup" instead/],
      ['@weekdays', /"@weekdays" is not supported/],
    ])('%j → %s', (expr, message) => {
      const call = () => next(expr, 'UTC', '2025-01-01T00:00:00Z', 1);
      expect(call).toThrow(ValidationError);
      expect(call).toThrow(/schedule\.interval_cron: /);
      expect(call).toThrow(message);
    });

    it('requires an expression', () => {
      expect(() => parseCron(null)).toThrow(/interval_cron: a cron expression \(string\) is required/);
    });

    it('classifies expressions for DST handling', () => {
      expect(parseCron('*/15 * * * *').followsElapsedTime).toBe(true);
      expect(parseCron('0 * * * *').followsElapsedTime).toBe(true);
      expect(parseCron('@hourly').followsElapsedTime).toBe(true);
      expect(parseCron('30 2 * * *').followsElapsedTime).toBe(false);
      expect(parseCron('0 9-17 * * 1-5').followsElapsedTime).toBe(false);
    });
  });
});
