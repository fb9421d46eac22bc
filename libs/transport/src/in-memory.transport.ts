import { getLogger } from '@ccs/shared';
import { COMMAND_TYPES, CommandEnvelope, EVENT_TYPES, EventEnvelope, Envelope, parseEnvelope } from './messages';
import type { CommandBus, CommandSource, EventBus, EventSource, MessageHandler } from './ports';

const log = getLogger('transport.memory');

export interface InMemoryTransportOptions {
  /** Delay before a message whose handler failed is delivered again (the SQS visibility timeout). */
  redeliveryDelayMs?: number;
  /** Deliveries before a message is dead-lettered (the SQS redrive policy's maxReceiveCount). */
  maxReceives?: number;
}

interface Queued {
  body: string;
  receives: number;
}

interface CommandConsumer {
  nodeId: string;
  handler: MessageHandler<CommandEnvelope>;
  concurrency: number;
  inFlight: number;
  stopped: boolean;
  pending: Set<Promise<void>>;
}

/**
 * In-process transport with the delivery semantics of the AWS wiring: messages are serialised to JSON and
 * validated on receipt, delivery is asynchronous and at-least-once (a failing handler gets the message again
 * after `redeliveryDelayMs`, up to `maxReceives`, then it is dead-lettered), `ExecuteRun` goes to one node with
 * free capacity, `StopRun` with a `nodeId` goes to that node only.
 */
export class InMemoryTransport {
  readonly deadLetters: { body: string; error: string }[] = [];
  private readonly work: Queued[] = [];
  private readonly targeted = new Map<string, Queued[]>();
  private readonly consumers: CommandConsumer[] = [];
  private rr = 0;
  private readonly events: Queued[] = [];
  private eventHandler: MessageHandler<EventEnvelope> | null = null;
  private eventPumping = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly redeliveryDelayMs: number;
  private readonly maxReceives: number;

  constructor(options: InMemoryTransportOptions = {}) {
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 1000;
    this.maxReceives = options.maxReceives ?? 5;
  }

  readonly commandBus: CommandBus = {
    send: (command) => {
      const body = JSON.stringify(command);
      if (command.type === 'StopRun' && command.nodeId) {
        const q = this.targeted.get(command.nodeId) ?? [];
        q.push({ body, receives: 0 });
        this.targeted.set(command.nodeId, q);
      } else if (command.type === 'StopRun') {
        // An untargeted stop reaches every node (the holder acts, the others ignore it).
        for (const c of this.consumers) {
          const q = this.targeted.get(c.nodeId) ?? [];
          q.push({ body, receives: 0 });
          this.targeted.set(c.nodeId, q);
        }
      } else {
        this.work.push({ body, receives: 0 });
      }
      this.schedulePump();
      return Promise.resolve();
    },
  };

  readonly eventBus: EventBus = {
    publish: (event) => {
      this.events.push({ body: JSON.stringify(event), receives: 0 });
      this.scheduleEventPump();
      return Promise.resolve();
    },
  };

  /** A command source for one node (call once per node). */
  createCommandSource(): CommandSource {
    let consumer: CommandConsumer | null = null;
    let stopping: Promise<void> | null = null;
    return {
      start: (nodeId, handler, options) => {
        consumer = {
          nodeId,
          handler,
          concurrency: Math.max(1, options.concurrency),
          inFlight: 0,
          stopped: false,
          pending: new Set(),
        };
        this.consumers.push(consumer);
        this.schedulePump();
        return Promise.resolve();
      },
      setConcurrency: (concurrency) => {
        if (!consumer) return;
        consumer.concurrency = Math.max(1, concurrency);
        this.schedulePump();
      },
      stop: () => {
        if (!consumer) return Promise.resolve();
        stopping ??= (async () => {
          const c = consumer;
          c.stopped = true;
          const i = this.consumers.indexOf(c);
          if (i >= 0) this.consumers.splice(i, 1);
          await Promise.allSettled([...c.pending]);
        })();
        return stopping;
      },
    };
  }

  readonly eventSource: EventSource = {
    start: (handler) => {
      this.eventHandler = handler;
      this.scheduleEventPump();
      return Promise.resolve();
    },
    stop: () => {
      this.eventHandler = null;
      return Promise.resolve();
    },
  };

  /** Messages waiting (not in flight): the SQS ApproximateNumberOfMessages. */
  depth(): { work: number; events: number } {
    return { work: this.work.length, events: this.events.length };
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private schedulePump(): void {
    setImmediate(() => this.pump());
  }

  private pump(): void {
    for (const c of this.consumers) {
      const q = this.targeted.get(c.nodeId);
      while (q && q.length > 0) this.deliver(c, q.shift()!, q, false);
    }
    while (this.work.length > 0) {
      const c = this.pickConsumer();
      if (!c) break;
      this.deliver(c, this.work.shift()!, this.work, true);
    }
  }

  private pickConsumer(): CommandConsumer | null {
    const n = this.consumers.length;
    for (let k = 0; k < n; k++) {
      const c = this.consumers[(this.rr + k) % n];
      if (!c.stopped && c.inFlight < c.concurrency) {
        this.rr = (this.rr + k + 1) % n;
        return c;
      }
    }
    return null;
  }

  private deliver(c: CommandConsumer, msg: Queued, origin: Queued[], counts: boolean): void {
    msg.receives++;
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(msg.body, COMMAND_TYPES);
    } catch (err) {
      this.deadLetter(msg, err);
      return;
    }
    if (counts) c.inFlight++;
    const p = c
      .handler(envelope as CommandEnvelope)
      .catch((err: unknown) => this.retry(msg, origin, err, () => this.schedulePump()))
      .finally(() => {
        if (counts) c.inFlight--;
        c.pending.delete(p);
        this.schedulePump();
      });
    c.pending.add(p);
  }

  private retry(msg: Queued, origin: Queued[], err: unknown, pump: () => void): void {
    if (msg.receives >= this.maxReceives) {
      this.deadLetter(msg, err);
      return;
    }
    log.debug(`handler failed, redelivering in ${this.redeliveryDelayMs} ms:`, String(err));
    this.later(() => {
      origin.push(msg);
      pump();
    }, this.redeliveryDelayMs);
  }

  private deadLetter(msg: Queued, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    log.warn(`message dead-lettered: ${error}`);
    this.deadLetters.push({ body: msg.body, error });
  }

  private scheduleEventPump(): void {
    if (!this.eventPumping) setImmediate(() => void this.pumpEvents());
  }

  /** Events are handled one at a time, in publish order (handlers still must tolerate reordering). */
  private async pumpEvents(): Promise<void> {
    if (this.eventPumping) return;
    this.eventPumping = true;
    try {
      while (this.eventHandler && this.events.length > 0) {
        const msg = this.events.shift()!;
        msg.receives++;
        let envelope: Envelope;
        try {
          envelope = parseEnvelope(msg.body, EVENT_TYPES);
        } catch (err) {
          this.deadLetter(msg, err);
          continue;
        }
        try {
          await this.eventHandler(envelope as EventEnvelope);
        } catch (err) {
          this.retry(msg, this.events, err, () => this.scheduleEventPump());
        }
      }
    } finally {
      this.eventPumping = false;
    }
  }
}
