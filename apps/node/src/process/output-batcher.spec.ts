import { BatchTimer, OutputBatcher, OutputChunk } from './output-batcher';
import { OutputLine } from './process-runner.port';

/** A manual timer: `advance(ms)` fires what is due. */
class FakeTimer implements BatchTimer {
  private now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
  get armed(): number {
    return this.pending.size;
  }
}

const line = (text: string, stream: OutputLine['stream'] = 'stdout'): OutputLine => ({ stream, line: text, ts: 0 });

describe('OutputBatcher', () => {
  let timer: FakeTimer;
  let chunks: OutputChunk[];
  beforeEach(() => {
    timer = new FakeTimer();
    chunks = [];
  });

  it('emits a chunk intervalMs after its first line, with consecutive sequence numbers from 0', () => {
    const b = new OutputBatcher({ intervalMs: 100, maxLines: 50, timer, onChunk: (c) => chunks.push(c) });
    b.push(line('a'));
    timer.advance(60);
    b.push(line('b'));
    expect(chunks).toEqual([]);
    timer.advance(40); // 100 ms after 'a', not after 'b'
    expect(chunks).toEqual([{ seq: 0, lines: [line('a'), line('b')], bytes: 4 }]);
    b.push(line('ccc', 'stderr'));
    timer.advance(100);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1]);
    expect(chunks[1]).toEqual({ seq: 1, lines: [line('ccc', 'stderr')], bytes: 4 });
    expect(b.nextSeq).toBe(2);
  });

  it('emits at once when maxLines is reached and does not emit empty chunks', () => {
    const b = new OutputBatcher({ intervalMs: 1000, maxLines: 3, timer, onChunk: (c) => chunks.push(c) });
    for (let i = 0; i < 7; i++) b.push(line(String(i)));
    expect(chunks.map((c) => [c.seq, c.lines.map((l) => l.line)])).toEqual([
      [0, ['0', '1', '2']],
      [1, ['3', '4', '5']],
    ]);
    timer.advance(1000);
    expect(chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(chunks[2]?.lines.map((l) => l.line)).toEqual(['6']);
    timer.advance(5000);
    expect(chunks).toHaveLength(3);
    expect(timer.armed).toBe(0);
  });

  it('emits when maxBytes is reached (multi-byte characters counted in UTF-8)', () => {
    const b = new OutputBatcher({
      intervalMs: 1000,
      maxLines: 100,
      maxBytes: 10,
      timer,
      onChunk: (c) => chunks.push(c),
    });
    b.push(line('ééé')); // 6 bytes + newline
    expect(chunks).toHaveLength(0);
    b.push(line('xy')); // 3 → 10
    expect(chunks).toEqual([{ seq: 0, lines: [line('ééé'), line('xy')], bytes: 10 }]);
  });

  it('close() flushes the rest, disarms the timer, and ignores later lines', () => {
    const b = new OutputBatcher({ intervalMs: 100, maxLines: 10, firstSeq: 5, timer, onChunk: (c) => chunks.push(c) });
    b.push(line('x'));
    b.close();
    b.close();
    b.push(line('late'));
    timer.advance(1000);
    expect(chunks).toEqual([{ seq: 5, lines: [line('x')], bytes: 2 }]);
    expect(timer.armed).toBe(0);
  });

  it('rejects nonsensical options', () => {
    expect(() => new OutputBatcher({ intervalMs: 100, maxLines: 0, onChunk: () => undefined })).toThrow(RangeError);
  });

  it('works with the real timer', async () => {
    const b = new OutputBatcher({ intervalMs: 20, maxLines: 100, onChunk: (c) => chunks.push(c) });
    b.push(line('real'));
    await new Promise((r) => setTimeout(r, 80));
    expect(chunks).toEqual([{ seq: 0, lines: [line('real')], bytes: 5 }]);
  });
});
