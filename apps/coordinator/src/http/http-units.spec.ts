import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  BadRequestException,
  HttpException,
  InternalServerErrorException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ConflictError, ValidationError } from '@ccs/core';
import {
  DEFAULT_HTTP_LIMITS,
  HttpSecurityOptions,
  assertBindAllowed,
  codeForStatus,
  createFastifyAdapterOptions,
  isLoopbackHost,
  mapHttpError,
  parseHostHeader,
  registerSecurity,
  tokensMatch,
} from './index';

describe('mapHttpError', () => {
  it('maps domain errors with their details', () => {
    const details = [{ field: 'name', message: 'name is required' }];
    expect(mapHttpError(new ValidationError('name is required', details))).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'name is required', details } },
    });
    expect(mapHttpError(new ValidationError('bad')).body.error.details).toEqual([]);
    expect(mapHttpError(new ConflictError('busy')).status).toBe(409);
  });

  it('maps Fastify body errors, raw or wrapped by Nest', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      name: 'FastifyError',
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(mapHttpError(tooLarge, { bodyLimit: 10 }).body.error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is larger than the limit of 10 bytes',
      details: { limit_bytes: 10 },
    });
    const wrapped = new HttpException('Unsupported Media Type', 415, {
      cause: Object.assign(new Error('x'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }),
    });
    expect(mapHttpError(wrapped)).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    const empty = Object.assign(new Error('x'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 });
    expect(mapHttpError(empty).body.error.code).toBe('INVALID_JSON');
    const otherFastify = Object.assign(new Error('Method not allowed here'), { name: 'FastifyError', statusCode: 405 });
    expect(mapHttpError(otherFastify)).toMatchObject({
      status: 405,
      body: { error: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed here' } },
    });
  });

  it('keeps the status and message of 4xx HttpExceptions', () => {
    expect(mapHttpError(new NotFoundException('Cannot GET /x'))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /x', details: null } },
    });
    expect(mapHttpError(new BadRequestException(['a is bad', 'b is bad'])).body.error.message).toBe(
      'a is bad; b is bad',
    );
  });

  it('keeps the message of a 503, which says what is missing (not an internal error)', () => {
    const mapped = mapHttpError(new ServiceUnavailableException('The web dashboard is not built: run make build'));
    expect(mapped).toEqual({
      status: 503,
      body: {
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'The web dashboard is not built: run make build',
          details: null,
        },
      },
    });
  });

  it('hides the internals of 5xx errors behind an error id', () => {
    const mapped = mapHttpError(new InternalServerErrorException('db password is hunter2'));
    expect(mapped.status).toBe(500);
    expect(mapped.errorId).toBeDefined();
    expect(mapped.body.error).toEqual({
      code: 'INTERNAL',
      message: `Internal Server Error (error id ${mapped.errorId})`,
      details: { error_id: mapped.errorId },
    });
    const plain = mapHttpError('a thrown string');
    expect(plain.status).toBe(500);
    expect(plain.errorId).not.toBe(mapped.errorId);
  });

  it('has a code for every common status', () => {
    expect(codeForStatus(401)).toBe('UNAUTHORIZED');
    expect(codeForStatus(418)).toBe('BAD_REQUEST');
    expect(codeForStatus(502)).toBe('INTERNAL');
  });
});

describe('host helpers and assertBindAllowed', () => {
  it('parses Host headers', () => {
    expect(parseHostHeader('LocalHost:5679')).toEqual({ name: 'localhost', port: 5679 });
    expect(parseHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(parseHostHeader('example.com')).toEqual({ name: 'example.com', port: null });
    for (const bad of ['', ':80', '::1', 'a:b', 'a:99999', '[::1', 'a:0']) expect(parseHostHeader(bad)).toBeNull();
  });

  it('knows loopback names', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackHost(h)).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('refuses a non-loopback bind without a token, with the fix in the message', () => {
    expect(() => assertBindAllowed({ host: '0.0.0.0' })).toThrow(
      new ValidationError(
        'Refusing to listen on 0.0.0.0 without an API token: pass --api-token or set CLAUDE_SCHEDULER_API_TOKEN',
      ),
    );
    expect(() => assertBindAllowed({ host: '192.168.1.5', token: null })).toThrow(
      /Refusing to listen on 192\.168\.1\.5/,
    );
    expect(() => assertBindAllowed({ host: '0.0.0.0', token: 'a'.repeat(32) })).not.toThrow();
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(() => assertBindAllowed({ host })).not.toThrow();
  });

  it('refuses a token too short to be a secret', () => {
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: 'secret' })).toThrow(/too short \(6 characters\)/);
  });

  it('refuses tokens that could never arrive intact in a header: empty, spaces, control or non-ASCII characters', () => {
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: '' })).toThrow(/The API token is empty/);
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: ' '.repeat(20) })).toThrow(
      new ValidationError(
        'The API token must be printable ASCII without spaces; character 1 is not (a space, a control character ' +
          'or a non-ASCII letter). Use e.g. the output of "openssl rand -hex 32"',
      ),
    );
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: `${'a'.repeat(16)} b` })).toThrow(/character 17 is/);
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: `${'a'.repeat(16)}\t` })).toThrow(/character 17/);
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: `${'a'.repeat(16)}é` })).toThrow(/character 17/);
    expect(() => assertBindAllowed({ host: '127.0.0.1', token: `${'a'.repeat(16)}\u007f` })).toThrow(/character 17/);
    expect(() =>
      assertBindAllowed({ host: '0.0.0.0', token: '!#$%&()*+,-./0123456789:;<=>?@[\\]^_`{|}~' }),
    ).not.toThrow();
  });

  it('compares tokens exactly', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
  });
});

describe('createFastifyAdapterOptions', () => {
  it('sets the body limit and the slow/idle client timeouts', () => {
    expect(createFastifyAdapterOptions()).toMatchObject({
      bodyLimit: 1024 * 1024,
      connectionTimeout: DEFAULT_HTTP_LIMITS.connectionTimeoutMs,
      keepAliveTimeout: DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
      requestTimeout: DEFAULT_HTTP_LIMITS.requestTimeoutMs,
      onProtoPoisoning: 'error',
      onConstructorPoisoning: 'error',
    });
    expect(createFastifyAdapterOptions({ bodyLimitBytes: 2048, requestTimeoutMs: undefined })).toMatchObject({
      bodyLimit: 2048,
      requestTimeout: DEFAULT_HTTP_LIMITS.requestTimeoutMs,
    });
  });

  it('rejects nonsense limits', () => {
    expect(() => createFastifyAdapterOptions({ bodyLimitBytes: 0 })).toThrow(RangeError);
    expect(() => createFastifyAdapterOptions({ keepAliveTimeoutMs: 1.5 })).toThrow(/keepAliveTimeoutMs/);
  });

  it('reaches the Node server', async () => {
    const adapter = new FastifyAdapter(createFastifyAdapterOptions({ requestTimeoutMs: 12_000 }));
    const fastify = adapter.getInstance<FastifyInstance>();
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(fastify.server.requestTimeout).toBe(12_000);
      expect(fastify.server.keepAliveTimeout).toBe(DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs);
      expect(fastify.server.timeout).toBe(DEFAULT_HTTP_LIMITS.connectionTimeoutMs);
      // Node caps the headers timeout to the request timeout, so slow headers are cut off too
      expect(fastify.server.headersTimeout).toBeLessThanOrEqual(12_000);
    } finally {
      await fastify.close();
    }
  });
});

describe('registerSecurity on a bare Fastify instance', () => {
  async function serve(
    listenHost: string,
    options: HttpSecurityOptions,
  ): Promise<{ port: number; close: () => Promise<void> }> {
    const fastify = new FastifyAdapter({ logger: false }).getInstance<FastifyInstance>();
    registerSecurity(fastify, options);
    fastify.get('/api/x', () => ({ ok: true }));
    fastify.get('/dashboard', () => 'page');
    fastify.post('/api/x', () => ({ posted: true }));
    await fastify.listen({ port: 0, host: listenHost });
    return { port: (fastify.server.address() as AddressInfo).port, close: () => fastify.close() };
  }

  function get(
    connectTo: string,
    port: number,
    path: string,
    headers: Record<string, string>,
    method = 'GET',
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: connectTo, port, path, method, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('accepts configured extra hosts (any port, or exact host:port) and the bound name', async () => {
    const s = await serve('127.0.0.1', {
      host: 'my-box.lan',
      allowedHosts: ['scheduler.lan', 'proxy.example:8443'],
    });
    try {
      expect(await get('127.0.0.1', s.port, '/api/x', { host: 'scheduler.lan' })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { host: 'scheduler.lan:9999' })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { host: 'proxy.example:8443' })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { host: 'proxy.example:8444' })).toBe(403);
      expect(await get('127.0.0.1', s.port, '/api/x', { host: `my-box.lan:${s.port}` })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { host: `other.lan:${s.port}` })).toBe(403);
    } finally {
      await s.close();
    }
  });

  it('accepts the IP literal a wildcard-bound server was reached on, and no other', async () => {
    // 127.0.0.2 stands for a LAN address here: the server is told it is bound to 0.0.0.0.
    const s = await serve('127.0.0.2', { host: '0.0.0.0', apiToken: 'x'.repeat(20) });
    const auth = { authorization: `Bearer ${'x'.repeat(20)}` };
    try {
      expect(await get('127.0.0.2', s.port, '/api/x', { host: `127.0.0.2:${s.port}`, ...auth })).toBe(200);
      expect(await get('127.0.0.2', s.port, '/api/x', { host: `127.0.0.3:${s.port}`, ...auth })).toBe(403);
      expect(await get('127.0.0.2', s.port, '/api/x', { host: `0.0.0.0:${s.port}`, ...auth })).toBe(403);
    } finally {
      await s.close();
    }
  });

  it('trusts configured origins for state-changing requests', async () => {
    const s = await serve('127.0.0.1', {
      host: '127.0.0.1',
      allowedHosts: ['scheduler.example.com'],
      allowedOrigins: ['https://scheduler.example.com'],
    });
    try {
      const host = { host: `127.0.0.1:${s.port}` };
      expect(
        await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'https://scheduler.example.com' }, 'POST'),
      ).toBe(200);
      expect(
        await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'https://scheduler.example.org' }, 'POST'),
      ).toBe(403);
      // an origin whose host is an allowed host counts as ours too
      expect(
        await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'http://scheduler.example.com' }, 'POST'),
      ).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'file://' }, 'POST')).toBe(403);
    } finally {
      await s.close();
    }
  });

  it('asks for the token everywhere but on the public routes, decided on the route the router matched', async () => {
    const s = await serve('127.0.0.1', { host: '127.0.0.1', apiToken: 't'.repeat(16), publicRoutes: ['/dashboard'] });
    try {
      const host = { host: `127.0.0.1:${s.port}` };
      expect(await get('127.0.0.1', s.port, '/dashboard', host)).toBe(200);
      // %61 decodes to "a": the router sends this to /api/x, so the token check must too
      expect(await get('127.0.0.1', s.port, '/%61pi/x', host)).toBe(401);
      expect(await get('127.0.0.1', s.port, '/api/x?q=1', host)).toBe(401);
      // a path that routes nowhere is not public either (deny by default)
      expect(await get('127.0.0.1', s.port, '/nothing', host)).toBe(401);
      // a public route is public for reads only
      expect(await get('127.0.0.1', s.port, '/dashboard', host, 'POST')).toBe(401);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, authorization: `Basic ${'t'.repeat(16)}` })).toBe(401);
      expect(await get('127.0.0.1', s.port, '/%61pi/x', { ...host, authorization: `Bearer ${'t'.repeat(16)}` })).toBe(
        200,
      );
    } finally {
      await s.close();
    }
  });

  it('refuses reads by pages of other sites on every route but the public ones', async () => {
    const s = await serve('127.0.0.1', { host: '127.0.0.1', publicRoutes: ['/dashboard'] });
    try {
      const host = { host: `127.0.0.1:${s.port}` };
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, 'sec-fetch-site': 'cross-site' })).toBe(403);
      // another port of the same host name is the same *site*, not the same origin
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, 'sec-fetch-site': 'same-site' })).toBe(403);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'https://evil.example' })).toBe(403);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, origin: 'null' })).toBe(403);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, 'sec-fetch-site': 'same-origin' })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, 'sec-fetch-site': 'none' })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/api/x', { ...host, origin: `http://127.0.0.1:${s.port}` })).toBe(200);
      expect(await get('127.0.0.1', s.port, '/dashboard', { ...host, 'sec-fetch-site': 'cross-site' })).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('lets in-process requests (inject) through with a local Host, and still checks the name', async () => {
    const fastify = new FastifyAdapter({ logger: false }).getInstance<FastifyInstance>();
    registerSecurity(fastify, { host: '127.0.0.1' });
    fastify.get('/api/x', () => ({ ok: true }));
    try {
      expect((await fastify.inject({ method: 'GET', url: '/api/x' })).statusCode).toBe(200);
      const foreign = await fastify.inject({ method: 'GET', url: '/api/x', headers: { host: 'evil.example' } });
      expect(foreign.statusCode).toBe(403);
    } finally {
      await fastify.close();
    }
  });

  it('rejects a malformed configuration early', () => {
    const fastify = new FastifyAdapter({ logger: false }).getInstance<FastifyInstance>();
    expect(() => registerSecurity(fastify, { host: '127.0.0.1', allowedHosts: ['a:b:c'] })).toThrow(
      /Invalid allowed host/,
    );
    expect(() => registerSecurity(fastify, { host: '127.0.0.1', allowedOrigins: ['example.com'] })).toThrow(
      /Invalid allowed origin/,
    );
  });
});
