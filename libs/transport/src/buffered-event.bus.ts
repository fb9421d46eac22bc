import { getLogger } from '@ccs/shared';
import type { EventEnvelope } from './messages';
import type { EventBus } from './ports';

const log = getLogger('transport.events.buffer');

/**
 * Keeps a node's events while the control bus is unreachable: `publish` queues the event and returns at once; one
 * loop sends queued events in order, retrying with backoff (up to `maxDelayMs`) until the bus takes them. So a run
 * that finishes during an SNS outage still reports its outcome when SNS is back, and the executor never blocks on
 * the network. `flush()` waits (up to a deadline) for the queue to drain, e.g. at shutdown.
 */
export class BufferedEventBus implements EventBus {
  private readonly queue: EventEnvelope[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly inner: EventBus,
    private readonly options: { maxQueued?: number; maxDelayMs?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  publish(event: EventEnvelope): Promise<void> {
    const max = this.options.maxQueued ?? 100_000;
    if (this.queue.length >= max) {
      // Live output is the only thing worth dropping; outcomes and registrations must get through.
      const i = this.queue.findIndex((e) => e.type === 'TaskOutput' || e.type === 'NodeHeartbeat');
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.queue.push(event);
    this.drain();
    return Promise.resolve();
  }

  private drain(): void {
    this.draining ??= (async () => {
      let delay = 200;
      const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      while (this.queue.length > 0 && !this.closed) {
        try {
          await this.inner.publish(this.queue[0]);
          this.queue.shift();
          delay = 200;
        } catch (err) {
          log.warn(
            `event publish failed (${this.queue.length} queued), retrying in ${delay} ms:`,
            err instanceof Error ? err.message : err,
          );
          await sleep(delay);
          delay = Math.min(this.options.maxDelayMs ?? 10_000, delay * 2);
        }
      }
    })().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && !this.closed) this.drain();
    });
  }

  /** Resolves when the queue is empty, or after `timeoutMs` (returns the number still queued). */
  async flush(timeoutMs = 10_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
  }
}
