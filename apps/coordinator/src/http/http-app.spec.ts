import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Put, Query } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  AmbiguousIdError,
  ConflictError,
  CorruptDataError,
  CreateProfileDto,
  CreateTaskDto,
  NotFoundError,
  RunsQueryDto,
  TaskOrderDto,
  UnprocessableError,
  UpdateTaskDto,
  VERSION,
} from '@ccs/core';
import { setupLogging } from '@ccs/shared';
import { HttpSecurityOptions, configureHttpApp, createFastifyAdapterOptions } from './index';

/** A controller that exists only in this test, to drive the HTTP infrastructure through real routes. */
@Controller('api/demo')
class DemoController {
  @Get('ping')
  ping(): { ok: true } {
    return { ok: true };
  }

  @Post('tasks')
  create(@Body() dto: CreateTaskDto): { received: CreateTaskDto; is_dto: boolean } {
    return { received: dto, is_dto: dto instanceof CreateTaskDto };
  }

  @Put('tasks/:id')
  update(@Param('id') id: string, @Body() dto: UpdateTaskDto): { id: string; received: UpdateTaskDto } {
    return { id, received: dto };
  }

  @Post('tasks/:id/run')
  @HttpCode(202)
  run(@Param('id') id: string): { started: string } {
    return { started: id };
  }

  @Post('profiles')
  createProfile(@Body() dto: CreateProfileDto): CreateProfileDto {
    return dto;
  }

  @Put('jobs/:id/task-order')
  order(@Body() dto: TaskOrderDto): TaskOrderDto {
    return dto;
  }

  @Get('runs')
  runs(@Query() query: RunsQueryDto): { query: RunsQueryDto; limit_type: string } {
    return { query, limit_type: typeof query.limit };
  }

  @Get('fail/:kind')
  fail(@Param('kind') kind: string): never {
    switch (kind) {
      case 'not-found':
        throw new NotFoundError('No task matches "abc"');
      case 'ambiguous':
        throw new AmbiguousIdError('Task id prefix "ab" matches 2 tasks', { candidates: ['ab1', 'ab2'] });
      case 'conflict':
        throw new ConflictError('Job is already running');
      case 'unprocessable':
        throw new UnprocessableError('Profile 1234 does not exist');
      case 'corrupt':
        throw new CorruptDataError('tasks.json: line 3 is not valid JSON');
      default:
        throw new TypeError('kaboom: internal detail that must not reach the client');
    }
  }
}

@Module({ controllers: [DemoController] })
class DemoModule {}

const BODY_LIMIT = 16 * 1024;

interface Server {
  app: NestFastifyApplication;
  base: string;
  port: number;
  close(): Promise<void>;
}

async function boot(security: Partial<HttpSecurityOptions> = {}): Promise<Server> {
  const moduleRef = await Test.createTestingModule({ imports: [DemoModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter(createFastifyAdapterOptions({ bodyLimitBytes: BODY_LIMIT })),
    { logger: false },
  );
  configureHttpApp(app, { security: { host: '127.0.0.1', ...security }, bodyLimitBytes: BODY_LIMIT });
  await app.listen(0, '127.0.0.1');
  await app.getHttpAdapter().getInstance().ready();
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http instead of fetch where fetch would not send what the test needs (a forged Host, chunked bodies). */
function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | string[] },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    for (const chunk of Array.isArray(opts.body) ? opts.body : opts.body ? [opts.body] : []) req.write(chunk);
    req.end();
  });
}

async function json(res: Response): Promise<{ error: { code: string; message: string; details: unknown } }> {
  return (await res.json()) as { error: { code: string; message: string; details: unknown } };
}

const postJson = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('HTTP infrastructure on a real Fastify server', () => {
  let server: Server;
  const logLines: string[] = [];

  beforeAll(async () => {
    setupLogging(0, { write: (line) => void logLines.push(line) });
    server = await boot();
  });

  afterAll(async () => {
    await server.close();
    setupLogging(0, { write: (line) => void process.stderr.write(line) });
  });

  /** After every bad request the server must still answer normally. */
  afterEach(async () => {
    const res = await fetch(`${server.base}/api/demo/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  describe('validation', () => {
    it('passes a valid body to the handler as a DTO instance, legacy aliases mapped', async () => {
      const res = await postJson(
        `${server.base}/api/demo/tasks`,
        JSON.stringify({ name: 'T', command: '/review-pr 12', command_type: 'command', retry: { max_attempts: 2 } }),
      );
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({
        received: { name: 'T', prompt: '/review-pr 12', prompt_type: 'slash_command', retry: { max_attempts: 2 } },
        is_dto: true,
      });
    });

    it('answers malformed JSON with 400 INVALID_JSON', async () => {
      const res = await postJson(`${server.base}/api/demo/tasks`, '{"name": "T", "prompt": ');
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('INVALID_JSON');
      expect(body.error.message).toBe('Request body is not valid JSON (Content-Type is application/json)');
      expect(body.error.details).toBeNull();
    });

    it('refuses prototype poisoning as invalid JSON', async () => {
      const res = await postJson(`${server.base}/api/demo/tasks`, '{"name":"T","prompt":"p","__proto__":{"x":1}}');
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe('INVALID_JSON');
    });

    it('answers wrong types with 400 VALIDATION_FAILED and field details', async () => {
      const res = await postJson(
        `${server.base}/api/demo/tasks`,
        JSON.stringify({ name: 'T', prompt: '', timeout_seconds: '60', schedule: { interval_unit: 'weeks' } }),
      );
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.message).toBe(
        'prompt must not be empty: give the prompt text or a slash command such as /review-pr 12 (and 2 more problems)',
      );
      expect(body.error.details).toEqual([
        {
          field: 'prompt',
          message: 'prompt must not be empty: give the prompt text or a slash command such as /review-pr 12',
        },
        {
          field: 'schedule.interval_unit',
          message: 'schedule.interval_unit must be one of: minutes, hours, days, or null',
        },
        { field: 'timeout_seconds', message: 'timeout_seconds must be an integer from 1 to 604800, or null' },
      ]);
    });

    it('answers unknown fields with 400', async () => {
      const res = await fetch(`${server.base}/api/demo/tasks/abc`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nmae: 'x', schedule: { every: 5 } }),
      });
      expect(res.status).toBe(400);
      const body = await json(res);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details).toEqual([
        { field: 'nmae', message: 'nmae is not a known field; did you mean "name"?' },
        { field: 'schedule.every', message: expect.stringMatching(/^schedule\.every is not a known field/) as string },
      ]);
    });

    it('requires a JSON object body', async () => {
      const res = await postJson(`${server.base}/api/demo/tasks`, '[1,2]');
      expect(res.status).toBe(400);
      expect((await json(res)).error.details).toEqual([
        { field: 'body', message: 'the request body must be a JSON object (got a list)' },
      ]);
    });

    it('accepts the bare-array form of a task order', async () => {
      const res = await fetch(`${server.base}/api/demo/jobs/j/task-order`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(['aaaa', 'bbbb']),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ task_order: ['aaaa', 'bbbb'] });
    });

    it('converts query numbers explicitly and rejects bad ones', async () => {
      let res = await fetch(`${server.base}/api/demo/runs?limit=25&status=failed`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ query: { limit: 25, status: 'failed' }, limit_type: 'number' });
      res = await fetch(`${server.base}/api/demo/runs`);
      expect(await res.json()).toEqual({ query: { limit: 100 }, limit_type: 'number' });
      res = await fetch(`${server.base}/api/demo/runs?limit=lots&sort=asc`);
      expect(res.status).toBe(400);
      expect((await json(res)).error.details).toEqual([
        { field: 'sort', message: expect.stringMatching(/^sort is not a known field/) as string },
        { field: 'limit', message: 'limit must be an integer from 1 to 1000' },
      ]);
    });
  });

  describe('error mapping', () => {
    it.each([
      ['not-found', 404, 'NOT_FOUND', 'No task matches "abc"', null],
      ['ambiguous', 400, 'AMBIGUOUS_ID', 'Task id prefix "ab" matches 2 tasks', { candidates: ['ab1', 'ab2'] }],
      ['conflict', 409, 'CONFLICT', 'Job is already running', null],
      ['unprocessable', 422, 'UNPROCESSABLE', 'Profile 1234 does not exist', null],
    ])('maps %s to %i %s', async (kind, status, code, message, details) => {
      const res = await fetch(`${server.base}/api/demo/fail/${kind}`);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: { code, message, details } });
    });

    it('answers an unknown route with 404 NOT_FOUND in the same shape', async () => {
      const res = await fetch(`${server.base}/api/nothing-here`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'Cannot GET /api/nothing-here', details: null },
      });
    });

    it('answers an unexpected error with 500 INTERNAL and an error_id that is logged with the stack', async () => {
      logLines.length = 0;
      const res = await fetch(`${server.base}/api/demo/fail/boom`);
      expect(res.status).toBe(500);
      const body = await json(res);
      expect(body.error.code).toBe('INTERNAL');
      const errorId = (body.error.details as { error_id: string }).error_id;
      expect(errorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(body.error.message).toBe(`Internal server error (error id ${errorId})`);
      expect(JSON.stringify(body)).not.toContain('kaboom');
      const logged = logLines.join('');
      expect(logged).toContain(`error_id=${errorId}`);
      expect(logged).toContain('GET /api/demo/fail/boom');
      expect(logged).toContain('TypeError: kaboom');
      expect(logged).toMatch(/at DemoController\.fail/);
    });

    it('answers corrupt data with 500 CORRUPT_DATA, its message and a logged error_id', async () => {
      logLines.length = 0;
      const res = await fetch(`${server.base}/api/demo/fail/corrupt`);
      expect(res.status).toBe(500);
      const body = await json(res);
      expect(body.error.code).toBe('CORRUPT_DATA');
      const errorId = (body.error.details as { error_id: string }).error_id;
      expect(body.error.message).toBe(`tasks.json: line 3 is not valid JSON (error id ${errorId})`);
      expect(logLines.join('')).toContain(`error_id=${errorId}`);
    });
  });

  describe('request hygiene', () => {
    it('refuses a text/plain body with 415 (the CSRF "simple request")', async () => {
      const res = await fetch(`${server.base}/api/demo/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ name: 'T', prompt: 'p' }),
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toEqual({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'Request bodies must be JSON: send Content-Type: application/json (got text/plain)',
          details: null,
        },
      });
    });

    it('refuses a form post with 415', async () => {
      const res = await fetch(`${server.base}/api/demo/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=T&prompt=p',
      });
      expect(res.status).toBe(415);
    });

    it('accepts a body-less action POST with or without a JSON content type', async () => {
      let res = await fetch(`${server.base}/api/demo/tasks/abc/run`, { method: 'POST' });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ started: 'abc' });
      res = await fetch(`${server.base}/api/demo/tasks/abc/run`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(202);
    });

    it('refuses an oversized body with 413', async () => {
      const big = JSON.stringify({ name: 'T', prompt: 'x'.repeat(BODY_LIMIT * 2) });
      const res = await raw(server.port, {
        method: 'POST',
        path: '/api/demo/tasks',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) },
        body: big,
      }).catch((err: unknown) => err);
      // The server may answer before it has read the whole body; either way the answer is 413.
      expect(res).toMatchObject({ status: 413 });
      expect(JSON.parse((res as RawResponse).text)).toEqual({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `Request body is larger than the limit of ${BODY_LIMIT} bytes`,
          details: { limit_bytes: BODY_LIMIT },
        },
      });
    });

    it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
      const chunk = 'x'.repeat(4096);
      const res = await raw(server.port, {
        method: 'POST',
        path: '/api/demo/tasks',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: ['{"name":"T","prompt":"', ...Array.from({ length: 8 }, () => chunk), '"}'],
      });
      expect(res.status).toBe(413);
      expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('origin and host checks', () => {
    it('refuses a state-changing request from a foreign origin with 403', async () => {
      const res = await postJson(`${server.base}/api/demo/tasks`, JSON.stringify({ name: 'T', prompt: 'p' }), {
        origin: 'https://evil.example',
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: {
          code: 'ORIGIN_NOT_ALLOWED',
          message: 'Requests that change data are not accepted from origin "https://evil.example"',
          details: null,
        },
      });
      const bodyless = await fetch(`${server.base}/api/demo/tasks/abc/run`, {
        method: 'POST',
        headers: { origin: 'null' },
      });
      expect(bodyless.status).toBe(403);
    });

    it("accepts the server's own origins; GETs from other origins are refused too", async () => {
      for (const origin of [server.base, `http://localhost:${server.port}`, `http://[::1]:${server.port}`]) {
        const res = await postJson(`${server.base}/api/demo/tasks`, JSON.stringify({ name: 'T', prompt: 'p' }), {
          origin,
        });
        expect(res.status).toBe(201);
      }
      const other = await postJson(`${server.base}/api/demo/tasks`, JSON.stringify({ name: 'T', prompt: 'p' }), {
        origin: `http://localhost:${server.port + 1}`,
      });
      expect(other.status).toBe(403);
      const get = await fetch(`${server.base}/api/demo/ping`, { headers: { origin: 'https://evil.example' } });
      expect(get.status).toBe(403);
      const plain = await fetch(`${server.base}/api/demo/ping`);
      expect(plain.status).toBe(200);
    });

    it('refuses a cross-site request without Origin by Sec-Fetch-Site', async () => {
      const res = await fetch(`${server.base}/api/demo/tasks/abc/run`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(res.status).toBe(403);
    });

    it('refuses a foreign Host (DNS rebinding) with 403 HOST_NOT_ALLOWED, on every route', async () => {
      for (const path of ['/api/demo/ping', '/api/nothing-here', '/api/openapi.json', '/api/docs']) {
        const res = await raw(server.port, { path, headers: { host: `rebind.evil.example:${server.port}` } });
        expect(res.status).toBe(403);
        expect((JSON.parse(res.text) as { error: { code: string } }).error.code).toBe('HOST_NOT_ALLOWED');
      }
      const wrongPort = await raw(server.port, { path: '/api/demo/ping', headers: { host: '127.0.0.1:1' } });
      expect(wrongPort.status).toBe(403);
    });

    it('accepts the loopback names on the right port', async () => {
      for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
        const res = await raw(server.port, { path: '/api/demo/ping', headers: { host } });
        expect(res.status).toBe(200);
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves the document with the routes, the DTO schemas and the version', async () => {
      const res = await fetch(`${server.base}/api/openapi.json`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        info: { title: string; version: string };
        paths: Record<string, Record<string, unknown>>;
        components: {
          schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }>;
        };
      };
      expect(doc.info).toMatchObject({ title: 'claude-code-scheduler API', version: VERSION });
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/demo/tasks', '/api/demo/runs', '/api/demo/jobs/{id}/task-order']),
      );
      const create = doc.components.schemas['CreateTaskDto'];
      expect(create.required).toEqual(expect.arrayContaining(['name', 'prompt']));
      expect(create.required).not.toContain('job_id');
      expect(create.properties['permissions']).toMatchObject({
        type: 'string',
        enum: ['default', 'bypass', 'acceptEdits', 'plan', 'auto', 'dontAsk'],
      });
      expect(create.properties['timeout_seconds']).toMatchObject({ type: 'integer', minimum: 1, nullable: true });
      // OpenAPI 3.0 cannot put a description next to a $ref, hence allOf
      expect(create.properties['schedule']).toMatchObject({ allOf: [{ $ref: '#/components/schemas/ScheduleDto' }] });
      expect(doc.components.schemas['CreateProfileDto'].properties['env_vars']).toMatchObject({
        type: 'array',
        items: { $ref: '#/components/schemas/EnvVarDto' },
      });
      expect(doc.components.schemas['RetryDto'].properties['max_attempts']).toMatchObject({
        type: 'integer',
        minimum: 0,
        maximum: 10,
      });
      expect(doc.components.schemas['ApiErrorSchema']).toBeDefined();
      const runsParams = (doc.paths['/api/demo/runs']['get'] as { parameters: { name: string; in: string }[] })
        .parameters;
      expect(runsParams.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'status', 'cursor']));
    });

    it('serves Swagger UI and its assets', async () => {
      const page = await fetch(`${server.base}/api/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('swagger-ui');
      const init = await fetch(`${server.base}/api/docs/swagger-ui-init.js`);
      expect(init.status).toBe(200);
      expect(await init.text()).toContain('claude-code-scheduler API');
      const asset = await fetch(`${server.base}/api/docs/swagger-ui-bundle.js`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    });
  });
});

describe('API token', () => {
  const TOKEN = 'test-token-0123456789abcdef';
  let server: Server;

  beforeAll(async () => {
    server = await boot({ apiToken: TOKEN });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers 401 without the token, with a WWW-Authenticate challenge', async () => {
    const res = await fetch(`${server.base}/api/demo/ping`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="claude-code-scheduler"');
    expect(await res.json()).toEqual({
      error: {
        code: 'UNAUTHORIZED',
        message: 'Missing or wrong API token: send the header "Authorization: Bearer <token>"',
        details: null,
      },
    });
  });

  it('answers 401 for a wrong token, also on unknown API routes and the OpenAPI document', async () => {
    for (const path of ['/api/demo/ping', '/api/nothing', '/api', '/api/openapi.json']) {
      const res = await fetch(`${server.base}${path}`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(res.status).toBe(401);
    }
  });

  it('takes the token from ?access_token= only for GET /api/events (EventSource cannot send headers)', async () => {
    const onEvents = await fetch(`${server.base}/api/events?access_token=${TOKEN}x`);
    expect(onEvents.status).toBe(401);
    const elsewhere = await fetch(`${server.base}/api/demo/ping?access_token=${TOKEN}`);
    expect(elsewhere.status).toBe(401);
  });

  it('answers 200 with the right token, and 401 again without it', async () => {
    let res = await fetch(`${server.base}/api/demo/ping`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    res = await postJson(`${server.base}/api/demo/tasks`, JSON.stringify({ name: 'T', prompt: 'p' }), {
      authorization: `bearer ${TOKEN}`,
    });
    expect(res.status).toBe(201);
    res = await fetch(`${server.base}/api/demo/ping`);
    expect(res.status).toBe(401);
  });
});
