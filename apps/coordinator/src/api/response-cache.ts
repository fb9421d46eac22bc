import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventHub } from '../events/event-hub';

interface Entry {
  etag: string;
  body: Buffer;
}

/**
 * Pre-encoded JSON bodies for hot read endpoints (`GET /api/tasks`, `/api/jobs`, …), keyed by URL and dropped on
 * every change the EventHub announces (live output excepted). Pollers get `ETag` and `304 Not Modified`.
 * Re-serialising 1,000 tasks (~1 MB) per request caps a list endpoint near 100 req/s; a cached buffer is
 * limited only by the socket.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(hub: EventHub, private readonly maxEntries = 200) {
    hub.subscribe((e) => {
      if (e.type !== 'run.output') this.entries.clear();
    });
  }

  /** Sends the cached body for the request's URL, computing it with `produce` when absent. */
  send(req: FastifyRequest, reply: FastifyReply, produce: () => unknown): FastifyReply {
    const key = req.url;
    let entry = this.entries.get(key);
    if (entry) this.hits++;
    else {
      this.misses++;
      const body = Buffer.from(JSON.stringify(produce()));
      entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, entry);
    }
    reply.header('etag', entry.etag).header('cache-control', 'no-cache');
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === entry.etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(entry.body);
  }
}
