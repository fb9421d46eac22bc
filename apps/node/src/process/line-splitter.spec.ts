import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  it('joins lines split across chunks, including a UTF-8 character cut in half', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('héllo\nwörld\r\nlast', 'utf8');
    // cut inside the 2-byte "é" (bytes 1..2)
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2, 9));
    expect(lines).toEqual(['héllo']);
    s.push(bytes.subarray(9));
    expect(lines).toEqual(['héllo', 'wörld']);
    s.end();
    expect(lines).toEqual(['héllo', 'wörld', 'last']);
  });

  it('keeps empty lines and emits nothing extra for a trailing newline', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('a\n\nb\n'));
    s.end();
    expect(lines).toEqual(['a', '', 'b']);
  });

  it('splits a line longer than the limit instead of buffering it forever', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 4);
    s.push(Buffer.from('abcdefghij'));
    expect(lines).toEqual(['abcd', 'efgh']);
    s.push(Buffer.from('k\n'));
    expect(lines).toEqual(['abcd', 'efgh', 'ijk']);
  });
});
