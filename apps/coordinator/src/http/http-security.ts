import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '@ccs/core';
import { apiErrorBody } from './api-error';

/**
 * Request-level defences of the API, as Fastify `onRequest` hooks. They run after Fastify has routed the request
 * (so `request.routeOptions.url` names the route the router chose, with its own percent-decoding and matching
 * rules) and before body parsing, Nest, static files and the 404 handler, so nothing escapes them:
 *
 * 1. Host allow-list (DNS rebinding): a page on evil.example whose name is re-pointed at 127.0.0.1 reaches us with
 *    `Host: evil.example:<port>`. Only our own names pass → 403 HOST_NOT_ALLOWED. (403 rather than 421: 421 makes
 *    HTTP/2 clients retry on a new connection, which cannot help here.)
 * 2. Bearer token, deny by default: when a token is set, every request needs it → 401 UNAUTHORIZED (constant-time
 *    compare), except requests the router sent to one of `publicRoutes` (the dashboard's static files). The
 *    decision is taken on the matched route, never on the raw URL: `/%61pi/tasks` is routed to `/api/tasks` and
 *    needs the token like `/api/tasks`; a spelling that routes nowhere needs it too.
 * 3. Cross-site requests (CSRF and cross-site reads): a browser page of another site may send requests to a local
 *    port. On every non-public route, a request whose `Sec-Fetch-Site` is `cross-site` or `same-site` (another port
 *    of the same host name counts as the same *site*), or whose `Origin` is not one of ours, → 403
 *    ORIGIN_NOT_ALLOWED. Requests without these headers (curl, the CLI) and same-origin ones (the dashboard) pass.
 * 4. JSON only: bodies of POST/PUT/PATCH must be `application/json` → else 415. This closes the "simple request"
 *    hole (text/plain and form posts need no CORS preflight). A body-less POST (e.g. `POST /api/tasks/{id}/run`)
 *    needs no Content-Type.
 *
 * Body size and slow-client limits live in the Fastify options (`createFastifyAdapterOptions`).
 */
export interface HttpSecurityOptions {
  /** The address the server listens on, as given to `listen` (e.g. `127.0.0.1`, `0.0.0.0`, `myhost.lan`). */
  host: string;
  /**
   * Further names clients use for this server (a reverse proxy's name, a LAN name): `name` (any port) or
   * `name:port`. IPv6 literals in brackets: `[fd00::1]:8787`.
   */
  allowedHosts?: readonly string[];
  /** Further origins allowed to send state-changing requests, e.g. `https://scheduler.example.com`. */
  allowedOrigins?: readonly string[];
  /** When set, every request except those routed to `publicRoutes` must send `Authorization: Bearer <token>`. */
  apiToken?: string | null;
  /**
   * Routes, as registered (`/*`, `/`), that need no token and may be loaded from other sites: only routes that
   * serve static files holding no data (the dashboard). Default: none.
   */
  publicRoutes?: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Routes where a browser cannot send headers (EventSource), so the token may come as `?access_token=`. */
const QUERY_TOKEN_ROUTES = new Set(['/api/events']);
/** `Sec-Fetch-Site` values of requests a page of this origin (or the user, typing the URL) made. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);
/** Printable ASCII without the space: what can travel in `Authorization: Bearer <token>` unchanged. */
const TOKEN_RE = /^[\x21-\x7e]+$/;

function queryToken(url: string): string | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  return new URLSearchParams(url.slice(q + 1)).get('access_token');
}

/** A host[:port] split into a lower-case name without IPv6 brackets and a port (null when absent). */
export interface HostAndPort {
  name: string;
  port: number | null;
}

export function parseHostHeader(value: string): HostAndPort | null {
  const v = value.trim().toLowerCase();
  if (!v) return null;
  let name: string;
  let rest: string;
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return null;
    name = v.slice(1, end);
    rest = v.slice(end + 1);
  } else {
    const colon = v.lastIndexOf(':');
    if (colon >= 0 && v.indexOf(':') !== colon) return null; // an unbracketed IPv6 literal is not a valid Host
    name = colon >= 0 ? v.slice(0, colon) : v;
    rest = colon >= 0 ? v.slice(colon) : '';
  }
  if (!name) return null;
  if (rest === '') return { name, port: null };
  if (!/^:\d{1,5}$/.test(rest)) return null;
  const port = Number(rest.slice(1));
  return port > 0 && port < 65536 ? { name, port } : null;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function normalizeAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** True for names that only ever reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host.trim().toLowerCase());
  return LOOPBACK_NAMES.has(h) || (isIP(h) === 4 && h.startsWith('127.'));
}

/**
 * Refuses to expose the API beyond this machine without a token. Call before `listen`.
 * @throws ValidationError (CLI exit code 2) with the fix in the message.
 */
export function assertBindAllowed({ host, token }: { host: string; token?: string | null }): void {
  if (token !== undefined && token !== null) assertTokenFormat(token);
  if (!isLoopbackHost(host) && !token) {
    throw new ValidationError(
      `Refusing to listen on ${host || '0.0.0.0'} without an API token: pass --api-token or set CLAUDE_SCHEDULER_API_TOKEN`,
    );
  }
  if (token && token.length < 16) {
    throw new ValidationError(
      `The API token is too short (${token.length} characters): use at least 16 random characters, e.g. the output of "openssl rand -hex 32"`,
    );
  }
}

/**
 * A token must be printable ASCII without spaces: anything else either cannot be sent in a header (control
 * characters, non-ASCII) or is mangled on the way (spaces split `Bearer <token>`), so it could never match.
 * @throws ValidationError naming the first offending character's position.
 */
export function assertTokenFormat(token: string): void {
  if (token.length === 0) {
    throw new ValidationError(
      'The API token is empty: pass a real token (e.g. the output of "openssl rand -hex 32") or none at all',
    );
  }
  if (!TOKEN_RE.test(token)) {
    const at = [...token].findIndex((ch) => !TOKEN_RE.test(ch));
    throw new ValidationError(
      `The API token must be printable ASCII without spaces; character ${at + 1} is not (a space, a control ` +
        'character or a non-ASCII letter). Use e.g. the output of "openssl rand -hex 32"',
    );
  }
}

interface Connection {
  /** The port the request arrived on (the real one, also when listening on port 0); undefined for `inject()`. */
  localPort: number | undefined;
  /** The local address the request arrived on. */
  localAddress: string | undefined;
}

class HostPolicy {
  private readonly ownNames = new Set(LOOPBACK_NAMES);
  private readonly extraAnyPort = new Set<string>();
  private readonly extraExact = new Set<string>();

  constructor(options: HttpSecurityOptions) {
    const bound = stripBrackets(options.host.trim().toLowerCase());
    if (!WILDCARD_HOSTS.has(bound)) this.ownNames.add(bound);
    for (const entry of options.allowedHosts ?? []) {
      const parsed = parseHostHeader(entry);
      if (!parsed) throw new ValidationError(`Invalid allowed host "${entry}": expected name or name:port`);
      if (parsed.port === null) this.extraAnyPort.add(parsed.name);
      else this.extraExact.add(`${parsed.name}:${parsed.port}`);
    }
  }

  /** Whether `host` (from a Host header or an Origin) names this server, for a request on `conn`. */
  allows(host: HostAndPort, defaultPort: number, conn: Connection): boolean {
    const port = host.port ?? defaultPort;
    if (this.extraAnyPort.has(host.name) || this.extraExact.has(`${host.name}:${port}`)) return true;
    // No socket port: an in-process request (`fastify.inject()` / `app.inject()` in tests), which no browser can
    // send, so only the name is checked. Every real TCP connection has one.
    if (conn.localPort !== undefined && port !== conn.localPort) return false;
    if (this.ownNames.has(host.name)) return true;
    // An IP literal equal to the address the connection arrived on: the client really dialled this address, which
    // a rebinding attack (a *name* re-pointed at us) cannot produce. This covers 0.0.0.0 binds reached by LAN IP.
    return isIP(host.name) !== 0 && host.name === normalizeAddress(conn.localAddress);
  }
}

function normalizeOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin.toLowerCase();
  } catch {
    return null;
  }
}

function tokenDigest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time comparison; hashing first makes the time independent of the lengths too. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(tokenDigest(given), tokenDigest(expected));
}

function reject(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  void reply.code(status).headers(headers).send(apiErrorBody(code, message));
}

/**
 * Adds the security hooks to a Fastify instance (for Nest: `app.getHttpAdapter().getInstance()`). Call before
 * routes and plugins are registered (before `setupOpenApi`, `app.init()` or `listen`), so that they cover all of
 * them.
 */
export function registerSecurity(fastify: FastifyInstance, options: HttpSecurityOptions): void {
  const hosts = new HostPolicy(options);
  const trustedOrigins = new Set<string>();
  for (const o of options.allowedOrigins ?? []) {
    const n = normalizeOrigin(o);
    if (!n) throw new ValidationError(`Invalid allowed origin "${o}": expected e.g. https://scheduler.example.com`);
    trustedOrigins.add(n);
  }
  if (options.apiToken) assertTokenFormat(options.apiToken);
  const token = options.apiToken || null;
  const publicRoutes = new Set(options.publicRoutes ?? []);

  const isOurOrigin = (origin: string, conn: Connection): boolean => {
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return false;
    if (trustedOrigins.has(normalized)) return true;
    const url = new URL(normalized);
    const originHost = parseHostHeader(url.host);
    return originHost !== null && hosts.allows(originHost, url.protocol === 'https:' ? 443 : 80, conn);
  };

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const socket = request.raw.socket;
    const conn: Connection = { localPort: socket?.localPort, localAddress: socket?.localAddress };
    const method = request.method.toUpperCase();
    const headers = request.headers;
    // The route the router matched (its pattern, e.g. `/api/runs/:id`); undefined when nothing matched. Deciding
    // on it, not on request.url, means the check and the router can never read a path differently.
    const route = request.is404 ? undefined : request.routeOptions.url;
    const isPublic = (method === 'GET' || method === 'HEAD') && route !== undefined && publicRoutes.has(route);

    // 1. Host
    const hostHeader = headers.host ?? '';
    const host = parseHostHeader(hostHeader);
    if (!host || !hosts.allows(host, 80, conn)) {
      return reject(
        reply,
        403,
        'HOST_NOT_ALLOWED',
        `Host "${hostHeader}" is not a name of this server; use http://127.0.0.1:${conn.localPort ?? '<port>'} ` +
          'or add the name to the allowed hosts',
      );
    }

    // 2. Token (deny by default)
    if (token && !isPublic) {
      const m = /^Bearer +(\S+) *$/i.exec(headers.authorization ?? '');
      const fromQuery =
        method === 'GET' && route !== undefined && QUERY_TOKEN_ROUTES.has(route) ? queryToken(request.url) : null;
      const given = m?.[1] ?? fromQuery;
      if (!given || !tokensMatch(given, token)) {
        return reject(
          reply,
          401,
          'UNAUTHORIZED',
          'Missing or wrong API token: send the header "Authorization: Bearer <token>"',
          { 'www-authenticate': 'Bearer realm="claude-code-scheduler"' },
        );
      }
    }

    // 3. Cross-site requests: refused on every route that is not a static dashboard file.
    if (!isPublic) {
      const origin = headers.origin;
      const site = headers['sec-fetch-site'];
      if (origin !== undefined && !isOurOrigin(origin, conn)) {
        return reject(
          reply,
          403,
          'ORIGIN_NOT_ALLOWED',
          STATE_CHANGING.has(method)
            ? `Requests that change data are not accepted from origin "${origin}"`
            : `The API does not answer pages of origin "${origin}"`,
        );
      }
      // Browsers always send Sec-Fetch-Site (and Origin on these methods); without Origin it still tells a
      // cross-site request, also for plain GETs (an <img>, <script> or navigation from another site).
      if (site !== undefined && !OWN_FETCH_SITES.has(site)) {
        return reject(
          reply,
          403,
          'ORIGIN_NOT_ALLOWED',
          STATE_CHANGING.has(method)
            ? 'Cross-site requests that change data are not accepted'
            : 'The API does not answer requests of other sites: open the dashboard or type the URL',
        );
      }
    }

    // 4. JSON bodies only
    if (WITH_BODY.has(method)) {
      const length = headers['content-length'];
      const hasBody = headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
      const type = headers['content-type'];
      const mediaType = type?.split(';')[0]?.trim().toLowerCase();
      if (hasBody && mediaType !== 'application/json') {
        return reject(
          reply,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Request bodies must be JSON: send Content-Type: application/json${type ? ` (got ${type})` : ''}`,
        );
      }
      if (!hasBody && type !== undefined) {
        // An action without a body (POST …/run) sent with a JSON Content-Type by a generic client: treat it as
        // what it is, a request without a body, instead of failing to parse "".
        delete request.raw.headers['content-type'];
      }
    }
    done();
  });
}
