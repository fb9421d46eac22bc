import { firstErrorOffset, parseJsonText, positionAt } from './json-text';

describe('parseJsonText', () => {
  it('parses valid JSON', () => {
    expect(parseJsonText('[1, {"a": null}]')).toEqual({ ok: true, value: [1, { a: null }] });
  });

  it.each([
    ['[\n  {"a": 1,\n  }\n]', 3, 3],
    ['[1,2', 1, 5],
    ['[1] x', 1, 5],
    ['x', 1, 1],
    ['[\n  tru\n]', 2, 3],
    ['[\n"\u0001"]', 2, 2],
  ])('locates the error in %j at line %i, column %i', (text, line, column) => {
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.position.line, r.position.column]).toEqual([line, column]);
  });

  it('the fallback scanner agrees with V8 where V8 gives a position', () => {
    const texts = ['{"a" 1}', '[1 2]', '{"a":1,}', '[-]', '{"a":1} {}', '[\n  {"x": [1, 2,, 3]}\n]', '{"a":tru}'];
    let compared = 0;
    for (const text of texts) {
      let v8: number | null = null;
      try {
        JSON.parse(text);
      } catch (e) {
        const m = /at position (\d+)/.exec((e as Error).message);
        v8 = m ? Number(m[1]) : null;
      }
      if (v8 === null) continue;
      compared++;
      expect([text, firstErrorOffset(text)]).toEqual([text, v8]);
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  });

  it('positions count lines from 1 and columns from 1', () => {
    expect(positionAt('ab\ncd', 4)).toEqual({ offset: 4, line: 2, column: 2 });
  });
});
