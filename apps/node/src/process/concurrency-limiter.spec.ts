import { ValidationError } from '@ccs/core';
import { AcquireCancelledError, ConcurrencyLimiter } from './concurrency-limiter';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ConcurrencyLimiter', () => {
  it('lets at most N hold a slot and serves waiters in FIFO order', async () => {
    const lim = new ConcurrencyLimiter(2);
    const order: string[] = [];
    const a = await lim.acquire();
    const b = await lim.acquire();
    const waits = ['c', 'd', 'e'].map((name) => lim.acquire().then((release) => (order.push(name), release)));
    await tick();
    expect(lim.active).toBe(2);
    expect(lim.waiting).toBe(3);
    expect(order).toEqual([]);
    a();
    a(); // a double release frees only one slot
    await tick();
    expect(order).toEqual(['c']);
    expect(lim.active).toBe(2);
    b();
    await tick();
    expect(order).toEqual(['c', 'd']);
    const [c, d] = await Promise.all([waits[0], waits[1]]);
    c();
    await tick();
    expect(order).toEqual(['c', 'd', 'e']);
    d();
    (await waits[2])();
    expect(lim.active).toBe(0);
  });

  it('tryAcquire does not jump the queue', async () => {
    const lim = new ConcurrencyLimiter(1);
    const a = lim.tryAcquire();
    expect(a).not.toBeNull();
    expect(lim.tryAcquire()).toBeNull();
    const waiting = lim.acquire();
    a?.();
    expect(lim.tryAcquire()).toBeNull(); // the waiter got it
    (await waiting)();
    expect(lim.tryAcquire()).not.toBeNull();
  });

  it('resizes: growing starts waiters, shrinking only holds back new starts', async () => {
    const lim = new ConcurrencyLimiter(1);
    const r1 = await lim.acquire();
    const started: number[] = [];
    const waits = [2, 3, 4].map((n) => lim.acquire().then((rel) => (started.push(n), rel)));
    lim.resize(3);
    await tick();
    expect(started).toEqual([2, 3]);
    lim.resize(1);
    expect(lim.active).toBe(3); // running ones keep running
    r1();
    const [r2, r3] = await Promise.all([waits[0], waits[1]]);
    r2();
    await tick();
    expect(started).toEqual([2, 3]); // 1 still active ≥ limit 1
    r3();
    await tick();
    expect(started).toEqual([2, 3, 4]);
    (await waits[2])();
  });

  it('limit 0 pauses new starts until resized', async () => {
    const lim = new ConcurrencyLimiter(0);
    let got = false;
    const w = lim.acquire().then((rel) => ((got = true), rel));
    await tick();
    expect(got).toBe(false);
    lim.resize(1);
    (await w)();
    expect(got).toBe(true);
  });

  it('cancels a waiting entry through its AbortSignal without disturbing the order of others', async () => {
    const lim = new ConcurrencyLimiter(1);
    const hold = await lim.acquire();
    const ac = new AbortController();
    const cancelled = lim.acquire(ac.signal);
    const next = lim.acquire();
    ac.abort('run stopped');
    await expect(cancelled).rejects.toThrow(new AcquireCancelledError('run stopped'));
    expect(lim.waiting).toBe(1);
    hold();
    (await next)();
    expect(lim.active).toBe(0);
    await expect(lim.acquire(ac.signal)).rejects.toBeInstanceOf(AcquireCancelledError);
  });

  it('cancelAll rejects every waiter; run() releases on error', async () => {
    const lim = new ConcurrencyLimiter(1);
    await expect(lim.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(lim.active).toBe(0);
    const hold = await lim.acquire();
    const w1 = lim.acquire();
    const w2 = lim.acquire();
    lim.cancelAll('shutting down');
    await expect(w1).rejects.toThrow('waiting for a run slot was cancelled: shutting down');
    await expect(w2).rejects.toBeInstanceOf(AcquireCancelledError);
    hold();
    expect(await lim.run(() => 42)).toBe(42);
  });

  it('rejects invalid limits', () => {
    expect(() => new ConcurrencyLimiter(-1)).toThrow(ValidationError);
    expect(() => new ConcurrencyLimiter(1.5)).toThrow(ValidationError);
    expect(() => new ConcurrencyLimiter(1).resize(Number.NaN)).toThrow(ValidationError);
  });
});
