import * as http from 'node:http';
import * as path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { GuiProcess, fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir, startGui } from '@ccs/testing';

/** A raw HTTP request, so tests control every header (Host, Origin, Content-Type). */
function request(
  port: number,
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; body: string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const json = (port: number, method: string, urlPath: string, body?: unknown) =>
  request(
    port,
    method,
    urlPath,
    body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );

describe('gui binary: REST API contract', () => {
  let dir: string;
  let gui: GuiProcess;
  const env = () => ({ PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, ...fakeClaudeEnv({}) });

  beforeAll(async () => {
    dir = makeTempDir('ccs-e2e-api-');
    gui = await startGui({ dataDir: path.join(dir, 'data'), env: env() });
  });

  afterAll(async () => {
    await gui?.stop();
    removeTempDir(dir);
  });

  it('serves a valid OpenAPI document that lists every API route the server answers', async () => {
    const doc = (await request(gui.port, 'GET', '/api/openapi.json')).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const index = (await request(gui.port, 'GET', '/api')).json() as { endpoints: string[] };
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${p}`);
    }
    const answered = index.endpoints
      .filter(
        (e) =>
          / \/api\//.test(e) &&
          !e.includes('/api/docs') &&
          !e.includes('/api/openapi.json') &&
          !e.startsWith('OPTIONS'),
      )
      .map((e) => e.replace(/:([a-zA-Z_]+)/g, '{$1}'));
    expect(answered.length).toBeGreaterThan(30);
    expect(answered.filter((e) => !documented.has(e))).toEqual([]);
  });

  it('refuses bad input with the right 4xx and one error shape, and stays healthy', async () => {
    const p = gui.port;
    const malformed = await request(p, 'POST', '/api/tasks', {
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json().error.code).toBe('INVALID_JSON');
    const wrongType = await json(p, 'POST', '/api/tasks', { name: 'x', prompt: 'p', enabled: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(JSON.stringify(wrongType.json().error.details)).toContain('enabled');
    const unknownField = await json(p, 'POST', '/api/tasks', { name: 'x', prompt: 'p', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.json().error.details)).toContain('colour');
    const emptyPrompt = await json(p, 'POST', '/api/tasks', { name: 'x', prompt: '   ' });
    expect(emptyPrompt.status).toBe(400);
    expect((await json(p, 'GET', '/api/tasks/0123abcd')).status).toBe(404);
    expect((await json(p, 'GET', '/api/runs/ffffffff-ffff-4fff-8fff-ffffffffffff')).status).toBe(404);
    expect((await json(p, 'GET', '/api/tasks/..%2F..%2Fetc')).status).toBe(400);
    // Prefix ambiguity: create tasks until two ids share their first character.
    const ids: string[] = [];
    let prefix: string | null = null;
    while (!prefix) {
      ids.push((await json(p, 'POST', '/api/tasks', { name: `t${ids.length}`, prompt: 'p' })).json().task.id);
      const firsts = ids.map((i) => i[0]);
      prefix = firsts.find((c, i) => firsts.indexOf(c) !== i) ?? null;
    }
    const ambiguous = await json(p, 'GET', `/api/tasks/${prefix}`);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json().error.code).toBe('AMBIGUOUS_ID');
    expect((await json(p, 'GET', `/api/tasks/${ids[0].slice(0, 8)}`)).json().task.id).toBe(ids[0]);
    const textPlain = await request(p, 'POST', '/api/tasks', {
      headers: { 'content-type': 'text/plain' },
      body: '{"name":"x","prompt":"p"}',
    });
    expect(textPlain.status).toBe(415);
    const foreignOrigin = await request(p, 'POST', '/api/tasks', {
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{"name":"x","prompt":"p"}',
    });
    expect(foreignOrigin.status).toBe(403);
    const foreignHost = await request(p, 'GET', '/api/tasks', { headers: { host: 'evil.example' } });
    expect(foreignHost.status).toBe(403);
    const oversized = await request(p, 'POST', '/api/tasks', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', prompt: 'p'.repeat(2 * 1024 * 1024) }),
    });
    expect(oversized.status).toBe(413);
    for (const r of [malformed, wrongType, textPlain, foreignOrigin, foreignHost, oversized]) {
      expect(Object.keys(r.json().error).sort()).toEqual(['code', 'details', 'message']);
    }
    expect((await json(p, 'GET', '/api/health')).json().status).toBe('ok');
  });

  it('keeps all of 50 parallel task creations', async () => {
    const before = (await json(gui.port, 'GET', '/api/tasks')).json().count as number;
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        json(gui.port, 'POST', '/api/tasks', { name: `parallel-${i}`, prompt: 'p' }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(50).fill(201));
    const after = (await json(gui.port, 'GET', '/api/tasks')).json();
    expect(after.count).toBe(before + 50);
    const names = new Set(after.tasks.map((t: { name: string }) => t.name));
    for (let i = 0; i < 50; i++) expect(names.has(`parallel-${i}`)).toBe(true);
  });
});

describe('gui binary: token and crash safety', () => {
  let dir: string;
  beforeAll(() => (dir = makeTempDir('ccs-e2e-api2-')));
  afterAll(() => removeTempDir(dir));

  it('requires the bearer token when one is set, and refuses a public bind without one', async () => {
    const gui = await startGui({ dataDir: path.join(dir, 'tok'), args: ['--api-token', 'a-long-enough-token-123'] });
    try {
      expect((await request(gui.port, 'GET', '/api/tasks')).status).toBe(401);
      const ok = await request(gui.port, 'GET', '/api/tasks', {
        headers: { authorization: 'Bearer a-long-enough-token-123' },
      });
      expect(ok.status).toBe(200);
      // The dashboard page itself holds no data: a browser loads it, then it asks for the token.
      expect((await request(gui.port, 'GET', '/')).status).toBe(200);
      // EventSource cannot send headers: the event stream takes the token as a query parameter.
      const events = await new Promise<{ code: number; type: string }>((resolve, reject) => {
        const req = http.get(
          { host: '127.0.0.1', port: gui.port, path: '/api/events?access_token=a-long-enough-token-123' },
          (res) => {
            resolve({ code: res.statusCode ?? 0, type: String(res.headers['content-type']) });
            req.destroy();
          },
        );
        req.on('error', reject);
      });
      expect(events.code).toBe(200);
      expect(events.type).toContain('text/event-stream');
    } finally {
      await gui.stop();
    }
    await expect(startGui({ dataDir: path.join(dir, 'pub'), args: ['--host', '0.0.0.0'] })).rejects.toThrow(
      /without an API token/,
    );
  });

  it('refuses at start a token that could never arrive intact (spaces), from the flag or the environment', async () => {
    await expect(startGui({ dataDir: path.join(dir, 'sp1'), args: ['--api-token', ' '.repeat(20)] })).rejects.toThrow(
      /The API token must be printable ASCII without spaces; character 1 is not/,
    );
    await expect(
      startGui({ dataDir: path.join(dir, 'sp2'), env: { CLAUDE_SCHEDULER_API_TOKEN: `${'a'.repeat(16)} b` } }),
    ).rejects.toThrow(/character 17 is not/);
  });

  it('answers the names and origins given by --allowed-host / --allowed-origin, and no others', async () => {
    const gui = await startGui({
      dataDir: path.join(dir, 'allowed'),
      args: ['--allowed-host', 'scheduler.example.com', '--allowed-origin', 'https://scheduler.example.com'],
    });
    try {
      const as = (host: string, extra: Record<string, string> = {}) =>
        request(gui.port, 'GET', '/api/health', { headers: { host, ...extra } });
      expect((await as('scheduler.example.com')).status).toBe(200);
      expect((await as('other.example.com')).status).toBe(403);
      expect((await as('scheduler.example.com', { origin: 'https://scheduler.example.com' })).status).toBe(200);
      expect((await as('scheduler.example.com', { origin: 'https://evil.example.com' })).status).toBe(403);
    } finally {
      await gui.stop();
    }
  });

  it('a second gui on the same data directory fails fast naming the holder pid', async () => {
    const gui = await startGui({ dataDir: path.join(dir, 'lock') });
    try {
      await expect(startGui({ dataDir: path.join(dir, 'lock') })).rejects.toThrow(new RegExp(`pid ${gui.proc.pid}`));
    } finally {
      await gui.stop();
    }
  });

  it('kill -9 during a write burst loses no acknowledged write', async () => {
    const dataDir = path.join(dir, 'crash');
    for (let trial = 0; trial < 3; trial++) {
      const gui = await startGui({ dataDir });
      const acked: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await json(gui.port, 'POST', '/api/tasks', { name: `crash-${trial}-${w}-${i}`, prompt: 'p' });
            if (r.status === 201) acked.push(r.json().task.id);
          } catch {
            return; // the server died mid-request: that write was never acknowledged
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + trial * 150));
      await gui.kill();
      stop = true;
      await Promise.all(writers);
      expect(acked.length).toBeGreaterThan(0);
      const again = await startGui({ dataDir });
      try {
        const ids = new Set(
          (await json(again.port, 'GET', '/api/tasks')).json().tasks.map((t: { id: string }) => t.id),
        );
        expect(acked.filter((id) => !ids.has(id))).toEqual([]);
      } finally {
        await again.stop();
      }
    }
  });

  it('SIGTERM cancels running runs with a reason, records them and exits cleanly', async () => {
    const dataDir = path.join(dir, 'shutdown');
    const env = { PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, ...fakeClaudeEnv({ mode: 'hang' }) };
    const gui = await startGui({ dataDir, env });
    const task = (await json(gui.port, 'POST', '/api/tasks', { name: 'long', prompt: 'p' })).json().task;
    const runId = (await json(gui.port, 'POST', `/api/tasks/${task.id}/run`)).json().run_id as string;
    for (
      let i = 0;
      i < 100 && (await json(gui.port, 'GET', `/api/runs/${runId}`)).json().run.status !== 'running';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await gui.stop()).toBe(0);
    const again = await startGui({ dataDir });
    try {
      const run = (await json(again.port, 'GET', `/api/runs/${runId}`)).json().run;
      expect(run.status).toBe('cancelled');
      expect(run.status_reason).toMatch(/scheduler stopped \(SIGTERM\)/);
    } finally {
      await again.stop();
    }
  });
});
