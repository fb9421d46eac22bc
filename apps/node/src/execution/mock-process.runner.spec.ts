import { OutputLine } from '../process/process-runner.port';
import { MockProcessRunner } from './mock-process.runner';

const argv = [
  'claude',
  '--print',
  '--verbose',
  '--output-format',
  'stream-json',
  '--session-id',
  '11111111-2222-4333-8444-555555555555',
  '--',
  'hello',
];

describe('MockProcessRunner', () => {
  it.each([0, 1, 40])('plays every line in order and only then ends (duration %i ms)', async (durationMs) => {
    const seen: OutputLine[] = [];
    const proc = await new MockProcessRunner(() => durationMs).spawn(argv, {
      cwd: '/tmp',
      env: {},
      onLine: (l) => seen.push(l),
    });
    const result = await proc.done;
    expect(result.exitCode).toBe(0);
    expect(seen.map((l) => l.line)).toEqual(result.output.map((l) => l.line));
    const types = seen.map((l) => (JSON.parse(l.line) as { type: string }).type);
    expect(types[0]).toBe('system');
    expect(types[types.length - 1]).toBe('result');
    expect(result.durationMs).toBeGreaterThanOrEqual(durationMs - 1);
  });

  it('ends every one of many concurrent runs after its result line, with the event loop under load', async () => {
    const runner = new MockProcessRunner(() => 30);
    const runs = await Promise.all(Array.from({ length: 200 }, () => runner.spawn(argv, { cwd: '/tmp', env: {} })));
    // Busy periods make many timers due at once, in the same turn.
    const busy = setInterval(() => {
      const until = Date.now() + 8;
      while (Date.now() < until);
    }, 5);
    try {
      const results = await Promise.all(runs.map((r) => r.done));
      const missing = results.filter((r) => !r.output.some((l) => l.line.includes('"type":"result"')));
      expect(missing).toHaveLength(0);
    } finally {
      clearInterval(busy);
    }
  });

  it('stops mid-way without further lines', async () => {
    const seen: string[] = [];
    const proc = await new MockProcessRunner(() => 10_000).spawn(argv, {
      cwd: '/tmp',
      env: {},
      onLine: (l) => seen.push(l.line),
    });
    await new Promise((r) => setTimeout(r, 50));
    const result = await proc.stop('test over', 'test');
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(result.stopped).toEqual({ by: 'test', reason: 'test over' });
    expect(result.signal).toBe('SIGTERM');
    expect(seen).toHaveLength(count);
    expect(seen.some((l) => l.includes('"type":"result"'))).toBe(false);
  });
});
