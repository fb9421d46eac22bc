import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventHub } from '../events/event-hub';

interface Entry {
  etag: string;
  body: Buffer;
  /** The gzip encoding of `body`, made on the first request that accepts it (null: not worth compressing). */
  gzip?: { body: Buffer; etag: string } | null;
}

/** Bodies smaller than this are sent as they are: gzip would save next to nothing. */
const GZIP_MIN_BYTES = 1024;

/** True when an Accept-Encoding header value allows gzip: `gzip` or `*` with a q-value above 0 (an explicit `gzip` wins). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  let wildcard = false;
  for (const part of [header].flat().join(',').split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const allowed = !q || Number(q.slice(2)) > 0;
    if (name === 'gzip') return allowed;
    if (name === '*') wildcard = allowed;
  }
  return wildcard;
}

/**
 * Pre-encoded JSON bodies for hot read endpoints (`GET /api/tasks`, `/api/jobs`, …), keyed by URL and dropped on
 * every change the EventHub announces (live output excepted). Pollers get `ETag` and `304 Not Modified`.
 * Re-serialising 1,000 tasks (~1.4 MB) per request caps a list endpoint near 100 req/s; a cached buffer is
 * limited only by the socket — and at 1.4 MB per response the socket (the client reading it) is the limit, so
 * clients that accept gzip (browsers, Node's fetch, `curl --compressed`) get a gzip copy, compressed once per
 * cache entry (~25× smaller for task lists).
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    hub: EventHub,
    private readonly maxEntries = 200,
  ) {
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
    const gzip = acceptsGzip(req.headers['accept-encoding']) ? this.gzipOf(entry) : null;
    // Each encoding has its own strong ETag; a client revalidating with either one gets 304.
    reply
      .header('etag', gzip?.etag ?? entry.etag)
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === entry.etag || t.trim() === entry.gzip?.etag))
      return reply.code(304).send();
    reply.type('application/json; charset=utf-8');
    if (gzip) return reply.header('content-encoding', 'gzip').send(gzip.body);
    return reply.send(entry.body);
  }

  private gzipOf(entry: Entry): { body: Buffer; etag: string } | null {
    if (entry.gzip === undefined) {
      // Level 4: nearly level 6's ratio on JSON at about half the CPU (once per change, on the event loop).
      entry.gzip =
        entry.body.length < GZIP_MIN_BYTES
          ? null
          : { body: gzipSync(entry.body, { level: 4 }), etag: `${entry.etag.slice(0, -1)}-gz"` };
    }
    return entry.gzip;
  }
}
