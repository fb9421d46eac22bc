import { CronExpressionParser } from 'cron-parser';
import { cronWallTimes, parseCron } from './cron-expression';

/** The first `n` matches after `after`, read in UTC (where wall numbers and instants coincide). */
function ours(expr: string, after: string, n: number): string[] {
  const out: string[] = [];
  for (const wall of cronWallTimes(parseCron(expr), Date.parse(after))) {
    out.push(new Date(wall).toISOString());
    if (out.length === n) break;
  }
  return out;
}

function cronParser(expr: string, after: string, n: number): string[] {
  const it = CronExpressionParser.parse(expr, { tz: 'UTC', currentDate: new Date(after) });
  return Array.from({ length: n }, () => it.next().toDate().toISOString());
}

/** Small deterministic PRNG (mulberry32) so the generated expressions are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomField(rand: () => number, min: number, max: number): string {
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const kind = int(0, 5);
  if (kind === 0) return '*';
  if (kind === 1) return `*/${int(1, Math.max(1, Math.floor((max - min) / 2)))}`;
  const a = int(min, max);
  const b = int(a, max);
  if (kind === 2) return String(a);
  if (kind === 3) return `${a}-${b}`;
  if (kind === 4) return `${a}-${b}/${int(1, 5)}`;
  // a list of distinct single values (cron-parser rejects duplicates)
  return [...new Set([a, b, int(min, max)])].join(',');
}

describe('cron matcher', () => {
  it.each([
    '* * * * *',
    '*/15 * * * *',
    '0 9 * * 1-5',
    '30 2 * * *',
    '0 0 1 * *',
    '0 0 1 * 1',
    '0 12 13 * 5',
    '0 0 * * 0',
    '0 0 * * 7',
    '5-10/2 3,7 * * *',
    '0 0 29 2 *',
    '0 0 31 * *',
    '15 10 * jan-mar mon-fri',
    '0 0 */5 * *',
    '0 6 * * 5-7',
  ])('agrees with cron-parser in UTC on %s', (expr) => {
    expect(ours(expr, '2024-01-01T00:00:00Z', 40)).toEqual(cronParser(expr, '2024-01-01T00:00:00Z', 40));
  });

  it('agrees with cron-parser in UTC on 300 generated expressions', () => {
    const rand = prng(20250330);
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const expr = [
        randomField(rand, 0, 59),
        randomField(rand, 0, 23),
        randomField(rand, 1, 28),
        randomField(rand, 1, 12),
        randomField(rand, 0, 6),
      ].join(' ');
      // cron-parser ORs the day fields when one is a `*/n` step; Vixie ANDs them (tested separately below).
      const [, , dom, , dow] = expr.split(' ');
      const stepStar = (f: string): boolean => f.startsWith('*/');
      if ((stepStar(dom) && dow !== '*') || (stepStar(dow) && dom !== '*')) continue;
      const after = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 3 * 365) * 86_400_000).toISOString();
      expect([expr, ours(expr, after, 10)]).toEqual([expr, cronParser(expr, after, 10)]);
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('reads lists, ranges, steps and names as Vixie cron', () => {
    const c = parseCron('5/20 9-11 1,15 JAN-mar,dec sun,7');
    expect(c.minutes).toEqual([5, 25, 45]);
    expect(c.hours).toEqual([9, 10, 11]);
    expect([...c.daysOfMonth]).toEqual([1, 15]);
    expect([...c.months]).toEqual([1, 2, 3, 12]);
    expect([...c.daysOfWeek]).toEqual([0]);
  });

  it('accepts 0 and 7 for Sunday in one list, which cron-parser refuses', () => {
    expect(ours('0 9 * * 0,7', '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-01-05T09:00:00.000Z',
      '2025-01-12T09:00:00.000Z',
    ]);
  });

  it('ANDs the day fields when either starts with * (Vixie DOM_STAR/DOW_STAR), ORs them otherwise', () => {
    // day 1, 11, 21 or 31 AND a Monday. cron-parser ORs here; Vixie cron and cronie AND.
    expect(ours('0 0 */10 * 1', '2025-01-01T00:00:00Z', 3)).toEqual([
      '2025-03-31T00:00:00.000Z',
      '2025-04-21T00:00:00.000Z',
      '2025-07-21T00:00:00.000Z',
    ]);
    // the 13th OR a Friday
    expect(ours('0 0 13 * 5', '2025-01-01T00:00:00Z', 3)).toEqual([
      '2025-01-03T00:00:00.000Z',
      '2025-01-10T00:00:00.000Z',
      '2025-01-13T00:00:00.000Z',
    ]);
  });
});
