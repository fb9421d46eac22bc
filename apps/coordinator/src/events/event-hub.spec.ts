import { EventHub } from './event-hub';

const ids = (frames: string[]): number[] => frames.map((f) => Number(/^id: (\d+)/.exec(f)?.[1]));

describe('EventHub', () => {
  it('encodes each event once as an SSE frame and hands it to every listener', () => {
    const hub = new EventHub();
    const seen: string[] = [];
    const stop = hub.subscribe((e) => seen.push(e.sse));
    hub.subscribe(() => {
      throw new Error('a broken listener does not stop the others');
    });
    const e = hub.publish('task.changed', { id: 't1', name: 'a\nb' });
    expect(e.sse).toBe('id: 1\nevent: task.changed\ndata: {"id":"t1","name":"a\\nb"}\n\n');
    stop();
    hub.publish('task.changed', { id: 't2' });
    expect(seen).toEqual([e.sse]);
  });

  it('replays what a client missed, oldest first', () => {
    const hub = new EventHub();
    for (let i = 0; i < 5; i++) hub.publish('task.changed', { i });
    expect(ids(hub.since(2, { maxEvents: 10, maxBytes: 1e6 }).frames)).toEqual([3, 4, 5]);
    expect(hub.since(5, { maxEvents: 10, maxBytes: 1e6 })).toEqual({ frames: [], complete: true });
    expect(hub.since(0, { maxEvents: 10, maxBytes: 1e6 }).complete).toBe(true);
  });

  it('keeps the newest events within both the count and the byte limit', () => {
    const byCount = new EventHub({ maxEvents: 3 });
    for (let i = 0; i < 10; i++) byCount.publish('task.changed', { i });
    expect(ids(byCount.since(7, { maxEvents: 10, maxBytes: 1e6 }).frames)).toEqual([8, 9, 10]);
    expect(byCount.since(6, { maxEvents: 10, maxBytes: 1e6 })).toEqual({ frames: [], complete: false });

    const byBytes = new EventHub({ maxBytes: 10_000 });
    for (let i = 0; i < 50; i++) byBytes.publish('run.output', { line: 'x'.repeat(1000) });
    expect(byBytes.replayBytes).toBeLessThanOrEqual(10_000);
    expect(byBytes.replayBytes).toBeGreaterThan(8_000);
    // ~1040 bytes per frame: the newest 9 fit in 10,000
    const kept = ids(byBytes.since(41, { maxEvents: 100, maxBytes: 1e6 }).frames);
    expect(kept).toEqual([42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(byBytes.since(40, { maxEvents: 100, maxBytes: 1e6 }).complete).toBe(false);
  });

  it('refuses a replay larger than the caller allows (the client must resync instead)', () => {
    const hub = new EventHub();
    for (let i = 0; i < 20; i++) hub.publish('run.output', { line: 'y'.repeat(1000) });
    expect(hub.since(10, { maxEvents: 5, maxBytes: 1e6 })).toEqual({ frames: [], complete: false });
    expect(hub.since(10, { maxEvents: 100, maxBytes: 5000 })).toEqual({ frames: [], complete: false });
    expect(hub.since(17, { maxEvents: 5, maxBytes: 5000 }).frames).toHaveLength(3);
  });

  it('stays correct across many evictions (the ring compacts itself)', () => {
    const hub = new EventHub({ maxEvents: 100 });
    for (let i = 0; i < 10_000; i++) hub.publish('task.changed', { i });
    expect(ids(hub.since(9_995, { maxEvents: 10, maxBytes: 1e6 }).frames)).toEqual([9996, 9997, 9998, 9999, 10000]);
    expect(hub.since(9_900, { maxEvents: 1000, maxBytes: 1e6 })).toMatchObject({ complete: true });
    expect(ids(hub.since(9_900, { maxEvents: 1000, maxBytes: 1e6 }).frames)[0]).toBe(9901);
    expect(hub.since(9_900, { maxEvents: 1000, maxBytes: 1e6 }).frames).toHaveLength(100);
    expect(hub.since(9_899, { maxEvents: 1000, maxBytes: 1e6 }).complete).toBe(false);
  });
});
