import { getLogger, registerSecret } from '@ccs/shared';
import { ApiRequestError, ApiUnreachableError, describeApiError } from './api-client.errors';

const log = getLogger('cli.http');

export const DEFAULT_API_URL = 'http://127.0.0.1:5679';
/** How long a request may take before the CLI gives up (the original's httpx client used 30 s as well). */
export const DEFAULT_API_TIMEOUT_MS = 30_000;

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface ApiClientOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:5679` (a path prefix such as `https://host/scheduler` is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token: string | null;
  /** Per request; for streams, until the response headers arrive. */
  timeoutMs?: number;
  /** Injected in tests; Node's global fetch (undici) otherwise. */
  fetch?: typeof fetch;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Node's fetch wraps the socket error in `cause` (sometimes an AggregateError for IPv4+IPv6 attempts). */
function networkReason(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR_')) {
      const known: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ENOTFOUND: 'unknown host',
        EAI_AGAIN: 'host name lookup failed',
        ECONNRESET: 'connection reset',
        EHOSTUNREACH: 'host unreachable',
        ENETUNREACH: 'network unreachable',
        ETIMEDOUT: 'connection timed out',
      };
      return known[code] ? `${known[code]} (${code})` : code;
    }
    const inner = (e as { errors?: unknown[] }).errors;
    const next = Array.isArray(inner) && inner.length > 0 ? inner[0] : (e as { cause?: unknown }).cause;
    if (!next && e instanceof Error) {
      // fetch refuses some ports outright ("bad port", e.g. 1, 6000) without a socket error code.
      return e.message === 'bad port' ? 'fetch refuses to connect to this port ("bad port")' : e.message;
    }
    e = next;
  }
  return err instanceof Error ? err.message : String(err);
}

function unreachable(method: string, url: string, reason: string): ApiUnreachableError {
  return new ApiUnreachableError(
    `cannot connect to the scheduler API: ${method} ${url}: ${reason}. ` +
      'Is `claude-code-scheduler gui` (or daemon) running there? Point --api-url or CLAUDE_SCHEDULER_API_URL at it.',
  );
}

/**
 * A thin HTTP client of the scheduler's REST API. Every answer is JSON except run logs; error answers become an
 * `ApiRequestError` carrying the API's message (exit 1), network failures an `ApiUnreachableError` (exit 3).
 */
export class ApiClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    if (options.token) registerSecret(options.token);
  }

  get baseUrl(): string {
    return this.base.toString().replace(/\/$/, '');
  }

  /** The absolute URL of an API path (`/api/tasks`), with the query's defined values. */
  url(path: string, query: Query = {}): string {
    const u = new URL(this.base.toString());
    u.pathname = `${u.pathname.replace(/\/$/, '')}${path}`;
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null) u.searchParams.set(k, String(v));
    }
    return u.toString();
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.request<T>('POST', path, { body, query });
  }

  put<T>(path: string, body: unknown, query?: Query): Promise<T> {
    return this.request<T>('PUT', path, { body, query });
  }

  delete<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('DELETE', path, { query });
  }

  /** A JSON request; resolves with the parsed answer of a 2xx response. */
  async request<T>(method: HttpMethod, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const bytes = await this.send(method, path, opts, 'application/json');
    const text = new TextDecoder().decode(bytes.body);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiRequestError(
        `${method} ${bytes.url} did not answer JSON (HTTP ${bytes.status}); is this the scheduler's API?`,
        bytes.status,
        'NOT_JSON',
      );
    }
  }

  /** A non-JSON body (run logs), as bytes. */
  async getBytes(path: string, query?: Query): Promise<Uint8Array> {
    return (await this.send('GET', path, { query }, 'text/plain')).body;
  }

  /**
   * Streams a response body to `onData` until the server ends it. The timeout covers the wait for the headers only:
   * a followed log may stay quiet for minutes. A connection that breaks after the headers ends the stream quietly
   * (`interrupted: true`); the caller decides whether to reconnect.
   */
  async stream(path: string, query: Query, onData: (chunk: Uint8Array) => void): Promise<{ interrupted: boolean }> {
    const url = this.url(path, query);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const started = Date.now();
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'GET',
        headers: this.headers('text/plain', false),
        signal: controller.signal,
      });
    } catch (err) {
      clearTimeout(timer);
      throw this.networkError('GET', url, err, controller.signal.aborted);
    }
    clearTimeout(timer);
    log.info(`GET ${url} → ${res.status} (${Date.now() - started} ms, streaming)`);
    if (!res.ok) throw await this.errorFrom('GET', url, res);
    if (!res.body) return { interrupted: false };
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) onData(chunk);
      return { interrupted: false };
    } catch (err) {
      log.debug(`the stream of ${url} broke off: ${networkReason(err)}`);
      return { interrupted: true };
    }
  }

  private headers(accept: string, withBody: boolean): Record<string, string> {
    const h: Record<string, string> = { accept };
    if (withBody) h['content-type'] = 'application/json';
    if (this.options.token) h['authorization'] = `Bearer ${this.options.token}`;
    return h;
  }

  private async send(
    method: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown },
    accept: string,
  ): Promise<{ url: string; status: number; body: Uint8Array }> {
    const url = this.url(path, opts.query);
    const withBody = opts.body !== undefined;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const started = Date.now();
    try {
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          method,
          headers: this.headers(accept, withBody),
          body: withBody ? JSON.stringify(opts.body) : undefined,
          signal: controller.signal,
        });
      } catch (err) {
        throw this.networkError(method, url, err, controller.signal.aborted);
      }
      log.info(`${method} ${url} → ${res.status} (${Date.now() - started} ms)`);
      if (!res.ok) throw await this.errorFrom(method, url, res);
      let body: Uint8Array;
      try {
        body = new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        throw this.networkError(method, url, err, controller.signal.aborted);
      }
      return { url, status: res.status, body };
    } finally {
      clearTimeout(timer);
    }
  }

  private networkError(method: string, url: string, err: unknown, timedOut: boolean): ApiUnreachableError {
    log.debug(`${method} ${url} failed:`, err);
    const wait = this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`;
    const reason = timedOut ? `no answer within ${wait}` : networkReason(err);
    return unreachable(method, url, reason);
  }

  private async errorFrom(method: string, url: string, res: Response): Promise<ApiRequestError> {
    const text = await res.text().catch(() => '');
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: described by status below
    }
    log.debug(`${method} ${url} answered ${res.status}: ${text.slice(0, 2000)}`);
    const d = describeApiError(res.status, body);
    return new ApiRequestError(d.message, res.status, d.code, d.details);
  }
}
