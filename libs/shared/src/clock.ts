/**
 * Time as an injectable: services never call Date.now() or setTimeout directly, so tests can drive schedules,
 * retries and timeouts with a fake clock.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Runs `fn` after `ms` (≥ 0). The timer does not keep the process alive. */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(fn, ms) {
    // setTimeout overflows above 2^31-1 ms (~24.8 days): re-arm in steps so far timers still fire correctly.
    const MAX = 2_147_483_647;
    let t: NodeJS.Timeout;
    const arm = (remaining: number): void => {
      t = setTimeout(() => (remaining > MAX ? arm(remaining - MAX) : fn()), Math.min(Math.max(0, remaining), MAX));
      t.unref();
    };
    arm(ms);
    return { cancel: () => clearTimeout(t) };
  },
};

/** A manual clock for tests: `advance(ms)` fires due timers in time order. */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward, firing every timer that falls due (including ones armed by fired timers). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      due.cancelled = true;
      due.fn();
      // Let promise chains started by the timer settle before the next one fires.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = target;
  }
}
