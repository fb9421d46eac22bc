import { BufferedEventBus } from './buffered-event.bus';
import { EventEnvelope, makeEnvelope } from './messages';
import type { EventBus } from './ports';

describe('BufferedEventBus', () => {
  it('keeps events in order while the bus is down and delivers them once it is back', async () => {
    const delivered: number[] = [];
    let down = true;
    const inner: EventBus = {
      publish: (e: EventEnvelope) => {
        if (down) return Promise.reject(new Error('SNS unavailable'));
        if (e.type === 'TaskOutput') delivered.push(e.payload.seq);
        return Promise.resolve();
      },
    };
    const bus = new BufferedEventBus(inner, { sleep: () => new Promise((r) => setTimeout(r, 5)) });
    for (let seq = 1; seq <= 5; seq++) await bus.publish(makeEnvelope('TaskOutput', { run_id: 'r', seq, lines: [] }));
    await new Promise((r) => setTimeout(r, 30));
    expect(delivered).toEqual([]);
    expect(bus.pending).toBe(5);
    down = false;
    expect(await bus.flush(2000)).toBe(0);
    expect(delivered).toEqual([1, 2, 3, 4, 5]);
    bus.close();
  });
});
