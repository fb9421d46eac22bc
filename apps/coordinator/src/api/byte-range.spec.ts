import { parseByteRange } from './byte-range';

describe('parseByteRange', () => {
  it('reads the three single-range forms, clamped to the size', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 100 });
    expect(parseByteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 1000 });
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 1000 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 1000 });
    expect(parseByteRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 1000 });
    expect(parseByteRange(' Bytes = 1 - 2 ', 10)).toEqual({ start: 1, end: 3 });
  });

  it('says unsatisfiable for a start at or past the end, and for an empty suffix', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=5-9', 0)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-10', 0)).toBe('unsatisfiable');
  });

  it('ignores what it may ignore: no header, other units, several ranges, nonsense', () => {
    for (const h of [undefined, 'items=0-1', 'bytes=0-1,5-6', 'bytes=5-1', 'bytes=-', 'bytes=a-b', 'bytes=1e3-']) {
      expect(parseByteRange(h, 1000)).toBeNull();
    }
  });
});
