import { forEachLimited, sameName } from './bulk';

describe('forEachLimited', () => {
  it('calls every item once, never more than the limit at a time, and collects failures', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    const result = await forEachLimited(
      items,
      async (i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        seen.push(i);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        if (i % 7 === 3) throw new Error(`no ${i}`);
      },
      3,
    );
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    expect(peak).toBe(3);
    expect(result.failed.map((f) => f.item)).toEqual([3, 10, 17]);
    expect(result.done).toHaveLength(17);
  });

  it('does nothing for no items', async () => {
    expect(await forEachLimited([], () => Promise.reject(new Error('never')))).toEqual({ done: [], failed: [] });
  });
});

describe('sameName', () => {
  const list = [
    { id: 'a', name: 'Nightly review' },
    { id: 'b', name: 'Weekly summary' },
  ];
  it('finds another record with the same name, ignoring case and extra spaces', () => {
    expect(sameName('  nightly   REVIEW ', list, null)?.id).toBe('a');
    expect(sameName('Weekly summary', list, 'a')?.id).toBe('b');
  });
  it('does not warn about the record itself, a new name or an empty one', () => {
    expect(sameName('Nightly review', list, 'a')).toBeNull();
    expect(sameName('Something else', list, null)).toBeNull();
    expect(sameName('   ', list, null)).toBeNull();
  });
});
