import type { ServerOptions } from 'node:http';
import type { FastifyReply, FastifyServerOptions } from 'fastify';
import { apiErrorBody } from './api-error';

/** Limits of the HTTP server. Every field is optional; the defaults suit a local API with an SSE stream. */
export interface HttpServerLimits {
  /** Largest request body, bytes (→ 413). Default 1 MiB: the largest legitimate body is a job import. */
  bodyLimitBytes?: number;
  /**
   * A socket with no traffic for this long is closed (Node's `server.timeout`). Default 120 s. Long-lived
   * responses must send something more often (the SSE stream sends heartbeats).
   */
  connectionTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this long. Default 5 s (Node's default). */
  keepAliveTimeoutMs?: number;
  /**
   * The whole request (headers and body) must arrive within this time: slow-loris clients are cut off.
   * Default 30 s. The headers alone get the same time at most (Node's `headersTimeout`, default 60 s).
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_HTTP_LIMITS: Required<HttpServerLimits> = {
  bodyLimitBytes: 1024 * 1024,
  connectionTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
};

/**
 * Options for `new FastifyAdapter(createFastifyAdapterOptions(config))`: body limit, slow/idle client timeouts,
 * and the JSON parser's refusal of `__proto__`/`constructor` keys, stated explicitly. Fastify's own logger stays
 * off: requests are logged by our logger (stderr only).
 */
export function createFastifyAdapterOptions(
  config: HttpServerLimits = {},
): FastifyServerOptions & { http: ServerOptions } {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...withoutUndefined(config) };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0)
      throw new RangeError(`${key} must be a positive integer (got ${value})`);
  }
  return {
    bodyLimit: limits.bodyLimitBytes,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Fastify sets requestTimeout on the server after creating it; the headers timeout is only a creation option.
    http: { headersTimeout: Math.min(limits.requestTimeoutMs, 60_000) },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Answer new requests with 503 while shutting down instead of accepting work that will be cut off.
    return503OnClosing: true,
    // Close idle keep-alive sockets on close() so shutdown does not wait for browsers to let go.
    forceCloseConnections: 'idle',
    // Errors Fastify raises before routing (a broken %-escape in the path): our error shape, not Fastify's.
    frameworkErrors: (err, _req, res) => {
      const badUrl = err.code === 'FST_ERR_BAD_URL';
      // The generic reply type of this option cannot take a status; it is a plain reply at run time.
      const reply = res as unknown as FastifyReply;
      void reply
        .code(400)
        .send(
          apiErrorBody(
            'BAD_REQUEST',
            badUrl ? 'The URL is not valid: it has a broken percent-encoding (%XX)' : err.message,
          ),
        );
    },
    logger: false,
  };
}

function withoutUndefined(o: HttpServerLimits): HttpServerLimits {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
