import { ValidationError } from '../errors';
import {
  assertTimeZone,
  daysInMonth,
  formatWall,
  instantToLocal,
  instantToWall,
  isValidTimeZone,
  localToWall,
  machineTimeZone,
  offsetAt,
  possibleInstants,
  wallToInstant,
} from './zoned-time';

const ms = (iso: string): number => Date.parse(iso);
/** A wall number from "YYYY-MM-DDTHH:MM[:SS]" read as a wall-clock time. */
const wall = (local: string): number => Date.parse(`${local}Z`);
const iso = (t: number): string => new Date(t).toISOString();

describe('zoned time', () => {
  it.each([
    ['Europe/Amsterdam', '2025-01-15T12:00:00Z', 60],
    ['Europe/Amsterdam', '2025-07-15T12:00:00Z', 120],
    ['America/New_York', '2025-01-15T12:00:00Z', -300],
    ['America/New_York', '2025-07-15T12:00:00Z', -240],
    ['Australia/Sydney', '2025-01-15T12:00:00Z', 660],
    ['Australia/Sydney', '2025-07-15T12:00:00Z', 600],
    ['Asia/Kolkata', '2025-07-15T12:00:00Z', 330],
    ['UTC', '2025-07-15T12:00:00Z', 0],
  ])('offset of %s at %s is %d minutes', (zone, at, minutes) => {
    expect(offsetAt(ms(at), zone)).toBe(minutes * 60_000);
  });

  it('reads the wall clock of an instant', () => {
    expect(instantToLocal(ms('2025-03-30T01:00:00Z'), 'Europe/Amsterdam')).toEqual({
      year: 2025,
      month: 3,
      day: 30,
      hour: 3,
      minute: 0,
      second: 0,
    });
    // Midnight is hour 0, not 24 (hourCycle h23).
    expect(formatWall(instantToWall(ms('2025-06-30T22:00:00Z'), 'Europe/Amsterdam'))).toBe('2025-07-01T00:00:00');
  });

  it('round-trips wall numbers through local fields, including years below 100', () => {
    const local = { year: 50, month: 2, day: 28, hour: 23, minute: 59, second: 58 };
    expect(instantToLocal(localToWall(local), 'UTC')).toEqual(local);
  });

  describe('wall time → instant', () => {
    it.each([
      // zone, wall time, expected instant, kind
      ['Europe/Amsterdam', '2025-03-30T01:59:59', '2025-03-30T00:59:59.000Z', 'exact'],
      ['Europe/Amsterdam', '2025-03-30T02:00:00', '2025-03-30T01:00:00.000Z', 'gap'],
      ['Europe/Amsterdam', '2025-03-30T02:30:00', '2025-03-30T01:00:00.000Z', 'gap'],
      ['Europe/Amsterdam', '2025-03-30T03:00:00', '2025-03-30T01:00:00.000Z', 'exact'],
      ['Europe/Amsterdam', '2025-10-26T02:30:00', '2025-10-26T00:30:00.000Z', 'overlap'],
      ['Europe/Amsterdam', '2025-10-26T03:00:00', '2025-10-26T02:00:00.000Z', 'exact'],
      ['America/New_York', '2025-03-09T02:30:00', '2025-03-09T07:00:00.000Z', 'gap'],
      ['America/New_York', '2025-11-02T01:30:00', '2025-11-02T05:30:00.000Z', 'overlap'],
      ['Australia/Sydney', '2025-10-05T02:30:00', '2025-10-04T16:00:00.000Z', 'gap'],
      ['Australia/Sydney', '2025-04-06T02:30:00', '2025-04-05T15:30:00.000Z', 'overlap'],
      ['Australia/Lord_Howe', '2025-10-05T02:15:00', '2025-10-04T15:30:00.000Z', 'gap'],
      ['UTC', '2025-03-30T02:30:00', '2025-03-30T02:30:00.000Z', 'exact'],
    ])('%s %s → %s (%s)', (zone, local, expected, kind) => {
      const r = wallToInstant(wall(local), zone);
      expect({ at: iso(r.at), kind: r.kind }).toEqual({ at: expected, kind });
    });

    it('lists both instants of a repeated time and none of a skipped one', () => {
      expect(possibleInstants(wall('2025-10-26T02:30:00'), 'Europe/Amsterdam').map(iso)).toEqual([
        '2025-10-26T00:30:00.000Z',
        '2025-10-26T01:30:00.000Z',
      ]);
      expect(possibleInstants(wall('2025-03-30T02:30:00'), 'Europe/Amsterdam')).toEqual([]);
    });
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone(42)).toBe(false);
    expect(() => assertTimeZone('Europe/Amsterdm')).toThrow(ValidationError);
    expect(() => assertTimeZone('Europe/Amsterdm')).toThrow(/"Europe\/Amsterdm" is not a known IANA time zone/);
  });

  it('reports the machine zone as a usable IANA name', () => {
    expect(isValidTimeZone(machineTimeZone())).toBe(true);
  });

  it.each([
    [2024, 2, 29],
    [2025, 2, 28],
    [1900, 2, 28],
    [2000, 2, 29],
    [2025, 4, 30],
    [2025, 12, 31],
  ])('%d-%d has %d days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});
