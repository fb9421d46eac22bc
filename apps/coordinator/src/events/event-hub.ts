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
}

export type HubListener = (event: HubEvent) => void;

export class EventHub {
  private nextId = 1;
  private readonly buffer: HubEvent[] = [];
  private readonly listeners = new Set<HubListener>();

  constructor(private readonly capacity = 2000) {}

  publish(type: HubEventType, data: unknown): HubEvent {
    const event: HubEvent = { id: this.nextId++, type, ts: new Date().toISOString(), data };
    this.buffer.push(event);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A failing listener (e.g. a closed SSE socket) must not break publishing for the others.
      }
    }
    return event;
  }

  /** Events after `lastId` still in the buffer; `complete` is false when some were already evicted. */
  since(lastId: number): { events: HubEvent[]; complete: boolean } {
    const events = this.buffer.filter((e) => e.id > lastId);
    const oldest = this.buffer[0]?.id ?? this.nextId;
    return { events, complete: lastId + 1 >= oldest };
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastId(): number {
    return this.nextId - 1;
  }
}
