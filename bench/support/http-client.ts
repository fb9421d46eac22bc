import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { msSince } from './stats';

export interface TimedResponse<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
  text: string;
  /** Wall time from request start to the last body byte, ms. */
  ms: number;
}

/**
 * A small keep-alive JSON client for the benchmarks: one Agent per client, so "one connection" means one socket,
 * and each call reports its own wall time.
 */
export class BenchClient {
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets = 1,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TimedResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const start = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method,
          agent: this.agent,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers }
            : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
            let parsed: unknown = text;
            if ((res.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text, ms: msSince(start) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like request, but throws unless the status is the expected one. */
  async expect<T = any>(status: number, method: string, path: string, body?: unknown): Promise<TimedResponse<T>> {
    const r = await this.request<T>(method, path, body);
    if (r.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return r;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls GET /api/health until it answers 200; returns when it did. */
export async function waitHealthy(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const client = new BenchClient(baseUrl);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        if ((await client.request('GET', '/api/health')).status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${baseUrl} did not become healthy within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    client.close();
  }
}
