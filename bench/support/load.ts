import autocannon from 'autocannon';

export const LOAD_WORKERS = 2;

export interface LoadResult {
  path: string;
  connections: number;
  duration_s: number;
  requests: number;
  req_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number; mean: number };
  mb_per_s: number;
  status: Record<string, number>;
  errors: number;
  timeouts: number;
}

/**
 * Loads one URL with autocannon (keep-alive, no pipelining) and returns the numbers the report needs. Requests per
 * second are total / duration (autocannon's per-second average drops the partial last second).
 *
 * From 2 connections on, autocannon runs 2 worker threads: its HTTP parser is JavaScript, and on one thread it tops
 * out near 2,000 responses/s for binary (gzip) bodies of ~80 kB on this kind of machine (measured against a bare
 * Fastify server sending the same bytes), which would measure the load generator instead of the server.
 */
export async function load(opts: {
  url: string;
  path: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const r = await autocannon({
    url: new URL(opts.path, opts.url).toString(),
    connections: opts.connections,
    duration: opts.durationS,
    pipelining: 1,
    headers: opts.headers,
    ...(opts.connections >= 2 ? { workers: LOAD_WORKERS } : {}),
  });
  const status: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) status[code] = v.count ?? 0;
  const total = Object.values(status).reduce((s, n) => s + n, 0) || r.requests.total;
  return {
    path: opts.path,
    connections: opts.connections,
    duration_s: r.duration,
    requests: total,
    req_per_s: Math.round(total / r.duration),
    latency_ms: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: Math.round(r.latency.mean * 100) / 100,
    },
    mb_per_s: Math.round((r.throughput.total / r.duration / 1024 / 1024) * 10) / 10,
    status,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
