import { ValidationError } from '@ccs/core';

/** Releases a slot; calling it more than once has no further effect. */
export type ReleaseSlot = () => void;

/** A waiting `acquire` was cancelled through its AbortSignal (or by `cancelAll`). */
export class AcquireCancelledError extends Error {
  constructor(reason: string) {
    super(`waiting for a run slot was cancelled: ${reason}`);
    this.name = 'AcquireCancelledError';
  }
}

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

/**
 * At most `limit` holders at once; further `acquire` calls wait in FIFO order. The limit can change at any time
 * (settings.max_concurrent_tasks): growing starts waiters at once; shrinking lets current holders finish and
 * only holds back new starts until the count is under the new limit. A limit of 0 pauses all new starts
 * (e.g. a draining node).
 */
export class ConcurrencyLimiter {
  private max: number;
  private holders = 0;
  private readonly queue: Waiter[] = [];

  constructor(limit: number) {
    this.max = checkLimit(limit);
  }

  get limit(): number {
    return this.max;
  }
  /** Slots in use. */
  get active(): number {
    return this.holders;
  }
  /** Acquires waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with AcquireCancelledError when `signal`
   * aborts while waiting (an already-aborted signal rejects at once).
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(new AcquireCancelledError(abortReason(signal)));
    if (this.queue.length === 0 && this.holders < this.max) return Promise.resolve(this.grant());
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i !== -1) this.queue.splice(i, 1);
        reject(new AcquireCancelledError(abortReason(signal)));
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** A slot now, or null when none is free or others are already waiting (no queue jumping). */
  tryAcquire(): ReleaseSlot | null {
    if (this.queue.length === 0 && this.holders < this.max) return this.grant();
    return null;
  }

  /** Runs `fn` inside a slot and releases the slot however `fn` ends. */
  async run<T>(fn: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Changes the limit; see the class comment. */
  resize(limit: number): void {
    this.max = checkLimit(limit);
    this.drain();
  }

  /** Rejects every waiting acquire (shutdown). Current holders are not affected. */
  cancelAll(reason: string): void {
    const waiters = this.queue.splice(0);
    for (const w of waiters) {
      w.cleanup();
      w.reject(new AcquireCancelledError(reason));
    }
  }

  private grant(): ReleaseSlot {
    this.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.holders < this.max && this.queue.length > 0) {
      const w = this.queue.shift() as Waiter;
      w.cleanup();
      w.resolve(this.grant());
    }
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValidationError(`concurrency limit must be a whole number >= 0, got ${String(limit)}`);
  }
  return limit;
}

function abortReason(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'aborted';
}
