/**
 * In-process publish/subscribe for everything the dashboard and API clients watch live (`GET /api/events`, SSE):
 * run status changes, output chunks, task/job changes, node changes. Every event gets a monotonic id; a ring
 * buffer keeps the latest ones so a client reconnecting with `Last-Event-ID` receives what it missed.
 */
export type HubEventType =
  | 'run.created'
  | 'run.updated'
  | 'run.deleted'
  | 'run.output'
  | 'task.changed'
  | 'task.deleted'
  | 'job.changed'
  | 'job.deleted'
  | 'profile.changed'
  | 'settings.changed'
  | 'node.changed'
  /** A node left the registry after `node_retention_days` without a heartbeat; data `{ id }`. */
  | 'node.deleted'
  | 'occurrence.created';

export interface HubEvent {
  id: number;
  type: HubEventType;
  ts: string;
  data: unknown;
  /** The event as one Server-Sent Events frame (`id:`, `event:`, `data:` lines), encoded once for every client. */
  sse: string;
}

export type HubListener = (event: HubEvent) => void;

/** Bounds of the replay buffer: the newest events are kept while both limits hold. */
export interface EventHubLimits {
  /** Most events kept (default 2000). */
  maxEvents?: number;
  /** Most bytes of SSE frames kept (default 8 MiB): a burst of large output chunks cannot hold more. */
  maxBytes?: number;
}

/** What a reconnecting client may be sent at most before it is told to reload instead (`resync`). */
export interface ReplayLimits {
  maxEvents: number;
  maxBytes: number;
}

interface Buffered {
  id: number;
  sse: string;
}

export class EventHub {
  private nextId = 1;
  // A ring of frames only (no `data` objects): its memory is what `maxBytes` counts.
  private readonly buffer: Buffered[] = [];
  private head = 0;
  private bufferedBytes = 0;
  private readonly listeners = new Set<HubListener>();
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(limits: EventHubLimits = {}) {
    this.maxEvents = limits.maxEvents ?? 2000;
    this.maxBytes = limits.maxBytes ?? 8 * 1024 * 1024;
  }

  publish(type: HubEventType, data: unknown): HubEvent {
    const id = this.nextId++;
    const sse = `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    const event: HubEvent = { id, type, ts: new Date().toISOString(), data, sse };
    this.buffer.push({ id, sse });
    this.bufferedBytes += sse.length;
    while (this.size > this.maxEvents || (this.bufferedBytes > this.maxBytes && this.size > 0)) {
      this.bufferedBytes -= this.buffer[this.head].sse.length;
      this.head++;
    }
    // Drop the evicted prefix now and then (not on every publish: shifting a large array is O(n)).
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (e.g. a closed SSE socket) must not break publishing for the others.
      }
    }
    return event;
  }

  /**
   * SSE frames of the events after `lastId`, oldest first. `complete` is false when some of them are no longer
   * buffered, or when they exceed `limits` — then `frames` is empty and the client must reload its state.
   */
  since(lastId: number, limits: ReplayLimits): { frames: string[]; complete: boolean } {
    const oldest = this.size > 0 ? this.buffer[this.head].id : this.nextId;
    if (lastId + 1 < oldest) return { frames: [], complete: false };
    const frames: string[] = [];
    let bytes = 0;
    // Ids are consecutive, so the first wanted event sits at a known index.
    for (let i = this.head + Math.max(0, lastId + 1 - oldest); i < this.buffer.length; i++) {
      const { sse } = this.buffer[i];
      bytes += sse.length;
      if (frames.length >= limits.maxEvents || bytes > limits.maxBytes) return { frames: [], complete: false };
      frames.push(sse);
    }
    return { frames, complete: true };
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastId(): number {
    return this.nextId - 1;
  }

  /** Bytes of SSE frames held for replay. */
  get replayBytes(): number {
    return this.bufferedBytes;
  }

  private get size(): number {
    return this.buffer.length - this.head;
  }
}
