import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { ValidationError } from '@ccs/core';
import { EXIT_FAILURE, EXIT_UNREACHABLE } from '../cli.errors';
import { ApiClient } from './api-client';
import { ApiRequestError, ApiUnreachableError, describeApiError } from './api-client.errors';
import { ApiClientFactory, apiUrlProblem } from './api-client.factory';
import { ConfirmPrompt } from './confirm.prompt';
import { followRunLog } from './run-log.follower';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

/** A loopback HTTP server whose answers each test scripts; records the requests it got. */
async function serve(handler: Handler): Promise<{
  url: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A port with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('ApiClient', () => {
  it('sends JSON with the bearer token and query values, and parses the answer', async () => {
    const srv = await serve((_req, res) => json(res, 201, { task: { id: 't1' } }));
    try {
      const client = new ApiClient({ baseUrl: `${srv.url}/`, token: 'tok-1234567890abcdef' });
      const answer = await client.post<{ task: { id: string } }>(
        '/api/tasks',
        { name: 'x' },
        { force: true, skip: undefined },
      );
      expect(answer).toEqual({ task: { id: 't1' } });
      const [req] = srv.requests;
      expect(req).toMatchObject({ method: 'POST', url: '/api/tasks?force=true', body: '{"name":"x"}' });
      expect(req.headers['authorization']).toBe('Bearer tok-1234567890abcdef');
      expect(req.headers['content-type']).toBe('application/json');
    } finally {
      await srv.close();
    }
  });

  it('sends no Content-Type and no Authorization when there is no body and no token; keeps a base path', async () => {
    const srv = await serve((_req, res) => json(res, 202, { run_id: 'r' }));
    try {
      await new ApiClient({ baseUrl: `${srv.url}/scheduler`, token: null }).post('/api/tasks/abc/run');
      expect(srv.requests[0].url).toBe('/scheduler/api/tasks/abc/run');
      expect(srv.requests[0].headers['content-type']).toBeUndefined();
      expect(srv.requests[0].headers['authorization']).toBeUndefined();
    } finally {
      await srv.close();
    }
  });

  it('turns an error answer into ApiRequestError (exit 1) with the message and field details', async () => {
    const srv = await serve((_req, res) =>
      json(res, 400, {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid request body',
          details: [
            { field: 'schedule.calendar_time', message: 'schedule.calendar_time must be HH:MM' },
            { field: 'name', message: 'must not be empty' },
          ],
        },
      }),
    );
    try {
      const err = await new ApiClient({ baseUrl: srv.url, token: null }).get('/api/tasks').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiRequestError);
      expect(err).toMatchObject({ status: 400, apiCode: 'VALIDATION_FAILED', exitCode: EXIT_FAILURE });
      expect((err as Error).message).toBe(
        'Invalid request body\n  - schedule.calendar_time must be HH:MM\n  - name: must not be empty',
      );
    } finally {
      await srv.close();
    }
  });

  it('a connection refused is ApiUnreachableError (exit 3) naming the URL tried', async () => {
    const port = await closedPort();
    const err = await new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, token: null })
      .get('/api/jobs')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect((err as ApiUnreachableError).exitCode).toBe(EXIT_UNREACHABLE);
    expect((err as Error).message).toContain(`GET http://127.0.0.1:${port}/api/jobs`);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('a server that does not answer in time is unreachable too, and says how long it waited', async () => {
    const srv = await serve(() => undefined); // never answers
    try {
      const err = await new ApiClient({ baseUrl: srv.url, token: null, timeoutMs: 200 })
        .get('/api/health')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiUnreachableError);
      expect((err as Error).message).toContain('no answer within 200 ms');
    } finally {
      await srv.close();
    }
  });

  it('a 2xx answer that is not JSON is reported, not parsed into garbage', async () => {
    const srv = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    try {
      const err = await new ApiClient({ baseUrl: srv.url, token: null }).get('/api/tasks').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiRequestError);
      expect((err as Error).message).toMatch(/did not answer JSON/);
    } finally {
      await srv.close();
    }
  });
});

describe('describeApiError', () => {
  it('adds the hint of object details, a token hint for 401, and copes with bodies without the error shape', () => {
    expect(
      describeApiError(409, { error: { code: 'CONFLICT', message: 'exists', details: { hint: 'use force' } } }).message,
    ).toBe('exists\n  hint: use force');
    expect(
      describeApiError(401, { error: { code: 'UNAUTHORIZED', message: 'Missing token', details: null } }).message,
    ).toMatch(/--api-token/);
    expect(describeApiError(502, 'Bad gateway')).toMatchObject({
      code: 'HTTP_502',
      message: expect.stringMatching(/HTTP 502/),
    });
    // A field message already in the main message is not repeated.
    expect(
      describeApiError(400, {
        error: { code: 'V', message: 'Invalid schedule: x bad', details: [{ field: 'x', message: 'x bad' }] },
      }).message,
    ).toBe('Invalid schedule: x bad');
  });
});

describe('followRunLog', () => {
  it('reconnects at the byte offset when the stream ends early, and stops once the run has ended', async () => {
    const log = 'line one ✓\nline two\nline three\n';
    let status = 'running';
    let streams = 0;
    const srv = await serve((req, res) => {
      const u = new URL(req.url!, 'http://x');
      if (u.pathname === '/api/runs/r1') return json(res, 200, { run: { id: 'r1', status } });
      const offset = Number(u.searchParams.get('offset') ?? 0);
      const rest = Buffer.from(log).subarray(offset);
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (u.searchParams.get('follow') !== 'true') return res.end(rest);
      streams++;
      if (streams === 1) {
        // Ends in the middle of the multi-byte ✓, as a server cutting an idle socket might.
        res.end(rest.subarray(0, 9));
        return;
      }
      status = 'success';
      res.end(rest);
    });
    try {
      const chunks: Buffer[] = [];
      const run = await followRunLog(
        new ApiClient({ baseUrl: srv.url, token: null }),
        'r1',
        (c) => chunks.push(Buffer.from(c)),
        {
          reconnectDelayMs: 10,
        },
      );
      expect(run.status).toBe('success');
      expect(Buffer.concat(chunks).toString('utf8')).toBe(log);
      expect(
        srv.requests
          .filter((r) => r.url.includes('follow=true'))
          .map((r) => new URL(r.url, 'http://x').searchParams.get('offset')),
      ).toEqual(['0', '9']);
    } finally {
      await srv.close();
    }
  });
});

describe('ApiClientFactory', () => {
  const config = (env: { url?: string; token?: string }) =>
    new ApiClientFactory({
      dataDirEnv: undefined,
      home: '/h',
      hostName: 'h',
      processEnv: {},
      apiUrlEnv: env.url,
      apiTokenEnv: env.token,
      allowedHostsEnv: [],
      allowedOriginsEnv: [],
    });

  it('flag beats env beats the default URL', () => {
    expect(config({}).create({}).baseUrl).toBe('http://127.0.0.1:5679');
    expect(config({ url: 'http://10.0.0.2:8787' }).create({}).baseUrl).toBe('http://10.0.0.2:8787');
    expect(config({ url: 'http://10.0.0.2:8787' }).create({ apiUrl: 'http://localhost:1234' }).baseUrl).toBe(
      'http://localhost:1234',
    );
  });

  it('an unusable URL in the environment is a usage error naming the variable', () => {
    expect(() => config({ url: 'localhost:5679' }).create({})).toThrow(ValidationError);
    expect(() => config({ url: 'ftp://x' }).create({})).toThrow(/CLAUDE_SCHEDULER_API_URL/);
    expect(apiUrlProblem('http://h:1/p?q=1')).toMatch(/no query/);
    expect(apiUrlProblem('https://h/scheduler')).toBeNull();
  });
});

describe('ConfirmPrompt', () => {
  it('-f skips the question; without a terminal it refuses with a usage error that names -f', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: false });
    const prompt = new ConfirmPrompt({ input, output: new PassThrough() });
    await expect(prompt.confirm('Delete task "x"?', { force: true })).resolves.toBe(true);
    await expect(prompt.confirm('Delete task "x"?', { force: false })).rejects.toThrow(ValidationError);
    await expect(prompt.confirm('Delete task "x"?', { force: false })).rejects.toThrow(/pass -f/);
  });

  it('on a terminal, y/yes confirms and anything else (or end of input) declines', async () => {
    const ask = async (answer: string | null): Promise<boolean> => {
      const input = Object.assign(new PassThrough(), { isTTY: true });
      const output = new PassThrough();
      const p = new ConfirmPrompt({ input, output }).confirm('Delete?', { force: false });
      if (answer === null) input.end();
      else input.write(`${answer}\n`);
      return p;
    };
    expect(await ask('y')).toBe(true);
    expect(await ask('YES')).toBe(true);
    expect(await ask('n')).toBe(false);
    expect(await ask('')).toBe(false);
    expect(await ask(null)).toBe(false);
  });
});
