import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { LocalRuntime, startLocalRuntime } from '../../apps/cli/src/runtime/local-runtime';

/**
 * Issue #12 item 1: with an API token set, no spelling of any route may reach data or change anything without
 * the token. Every route of the OpenAPI document and of the server's own route index (events, UI, Swagger) is
 * requested in many spellings — each character position percent-encoded, doubled and encoded slashes, dot
 * segments, other letter cases, trailing slash and `;` — without the token. Each must answer 401, or 404/403/400
 * where the spelling routes nowhere; never 2xx/3xx. Afterwards the data is checked to be exactly as before.
 */
const TOKEN = 'sweep-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Answer {
  status: number;
  body: string;
}

/** One request on a keep-alive agent; resolves at the end of the body, or at the headers of an event stream. */
function send(
  agent: http.Agent,
  port: number,
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          // A stream that was opened: that alone is the finding; do not wait for it to end.
          resolve({ status: res.statusCode ?? 0, body: '<event stream>' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function pct(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** The spellings of one concrete path that a lenient router, proxy or decoder might map onto it. */
function spellings(p: string): string[] {
  const out = new Set<string>([p]);
  for (let i = 1; i < p.length; i++) {
    out.add(p.slice(0, i) + pct(p[i]) + p.slice(i + 1));
    out.add(p.slice(0, i) + pct(p[i]).toLowerCase() + p.slice(i + 1));
  }
  const slashes = [...p].flatMap((ch, i) => (ch === '/' ? [i] : []));
  for (const i of slashes) {
    out.add(`${p.slice(0, i)}/${p.slice(i)}`); // doubled slash
    if (i > 0) {
      out.add(`${p.slice(0, i)}%2f${p.slice(i + 1)}`);
      out.add(`${p.slice(0, i)}%2F${p.slice(i + 1)}`);
      out.add(`${p.slice(0, i)}%5c${p.slice(i + 1)}`);
      out.add(`${p.slice(0, i)};${p.slice(i)}`);
      out.add(`${p.slice(0, i)};x=1${p.slice(i)}`);
      out.add(`${p.slice(0, i)}/.${p.slice(i)}`);
      out.add(`${p.slice(0, i)}/x/..${p.slice(i)}`);
      out.add(`${p.slice(0, i)}/x/%2e%2e${p.slice(i)}`);
    }
  }
  for (const prefix of ['/x/..', '/x/%2e%2e', '/x/%2E%2E', '/.', '/%2e', '/x/.%2e', '/x/%2e.']) out.add(prefix + p);
  out.add(p.toUpperCase());
  out.add(p.replace(/^\/api/, '/API'));
  out.add(p.replace(/^\/api/, '/Api'));
  out.add(`${p}/`);
  out.add(`${p};`);
  out.add(`${p};x`);
  out.add(`${p}%2f`);
  out.add(`${p}/.`);
  out.add(`${p}#frag`);
  return [...out];
}

describe('route sweep: no spelling of a route gets past the API token', () => {
  let dir: string;
  let rt: LocalRuntime;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const ids: Record<string, string> = {};
  let jobExport = '';

  const authed = async (method: string, urlPath: string, body?: unknown): Promise<any> => {
    const r = await send(agent, port, method, urlPath, AUTH, body === undefined ? undefined : JSON.stringify(body));
    if (r.status >= 300) throw new Error(`${method} ${urlPath} → ${r.status}: ${r.body}`);
    return JSON.parse(r.body);
  };

  /** Everything a bypass could have changed. */
  const snapshot = async (): Promise<unknown> => ({
    tasks: (await authed('GET', '/api/tasks')).tasks.map((t: any) => [t.id, t.name, t.enabled]),
    jobs: (await authed('GET', '/api/jobs')).jobs.map((j: any) => [j.id, j.name, j.task_order]),
    profiles: (await authed('GET', '/api/profiles')).profiles.map((p: any) => [p.id, p.name]),
    runs: (await authed('GET', '/api/runs?limit=1000')).runs.map((r: any) => [r.id, r.status]),
    settings: (await authed('GET', '/api/settings')).settings,
  });

  beforeAll(async () => {
    dir = makeTempDir('ccs-sweep-');
    const dashboard = path.join(dir, 'dashboard');
    fs.mkdirSync(path.join(dashboard, '_next', 'static'), { recursive: true });
    fs.writeFileSync(path.join(dashboard, 'index.html'), '<!doctype html><title>dashboard</title>');
    fs.writeFileSync(path.join(dashboard, '_next', 'static', 'app.js'), 'console.log("static")');
    rt = await startLocalRuntime({
      dataDir: path.join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      apiToken: TOKEN,
      mockMode: true,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir },
      homeDir: dir,
      dashboard,
    });
    port = Number(new URL(rt.url).port);
    await authed('PATCH', '/api/settings', { mock_duration_ms: 10 });
    // One of everything, addressed by 8-character id prefixes (which the API accepts) to keep paths short.
    const profile = await authed('POST', '/api/profiles', {
      name: 'p',
      env_vars: [{ name: 'SECRET', source: 'command', value: 'echo from-the-host' }],
    });
    const job = await authed('POST', '/api/jobs', { name: 'j', working_directory: { path: dir } });
    const task = await authed('POST', '/api/tasks', { name: 't', prompt: 'p', job_id: job.job.id });
    ids['profiles'] = profile.profile.id.slice(0, 8);
    ids['jobs'] = job.job.id.slice(0, 8);
    ids['tasks'] = task.task.id.slice(0, 8);
    const started = await authed('POST', `/api/tasks/${ids['tasks']}/run`);
    ids['runs'] = String(started.run_id ?? started.run.id).slice(0, 8);
    for (let i = 0; i < 200; i++) {
      const { run } = await authed('GET', `/api/runs/${ids['runs']}`);
      if (['success', 'failed', 'cancelled'].includes(run.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    jobExport = JSON.stringify(await authed('GET', `/api/jobs/${ids['jobs']}/export`));
  });

  afterAll(async () => {
    agent.destroy();
    await rt?.close();
    removeTempDir(dir);
  });

  /** A body for each mutating route that the route would accept, so a bypass would really change something. */
  const bodyFor = (method: string, template: string): string | undefined => {
    const key = `${method} ${template}`;
    const bodies: Record<string, unknown> = {
      'PUT /api/settings': { max_concurrent_tasks: 7 },
      'PATCH /api/settings': { max_concurrent_tasks: 7 },
      'POST /api/tasks': { name: 'injected', prompt: 'x' },
      'PUT /api/tasks/{id}': { name: 'renamed' },
      'POST /api/jobs': { name: 'injected', working_directory: { path: dir } },
      'PUT /api/jobs/{id}': { name: 'renamed' },
      'PUT /api/jobs/{id}/task-order': [],
      'POST /api/profiles': { name: 'injected' },
      'PUT /api/profiles/{id}': { name: 'renamed' },
    };
    if (key === 'POST /api/jobs/import') return jobExport;
    return bodies[key] === undefined ? undefined : JSON.stringify(bodies[key]);
  };

  const concrete = (template: string): string =>
    template.replace(/\{(\w+)\}|:(\w+)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b;
      if (name === 'panel') return 'jobs';
      const collection = /^\/api\/(\w+)\//.exec(template)?.[1] ?? '';
      return ids[collection] ?? 'x';
    });

  it('answers 401 (or 404/400 where nothing is routed) to every spelling of every route, and changes nothing', async () => {
    const doc = await authed('GET', '/api/openapi.json');
    const routes = new Map<string, { method: string; template: string }>();
    for (const [template, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops))
        routes.set(`${method} ${template}`, { method: method.toUpperCase(), template });
    }
    // The routes the server answers beyond the OpenAPI document (its own index lists every registered route).
    const index = await authed('GET', '/api');
    for (const entry of index.endpoints as string[]) {
      const [method, url] = entry.split(' ');
      if (url === '/' || url === '/*') continue; // the dashboard's static files: public on purpose
      const template = url.replace(/\*$/, 'index.html').replace(/:(\w+)/g, '{$1}');
      routes.set(`${method.toLowerCase()} ${template}`, { method, template });
    }
    for (const must of ['GET /api/events', 'GET /api/ui', 'GET /api/docs', 'GET /api/openapi.json', 'GET /api']) {
      expect([...routes.values()].map((r) => `${r.method} ${r.template}`)).toContain(must);
    }
    const before = await snapshot();

    const findings: string[] = [];
    let requests = 0;
    for (const { method, template } of routes.values()) {
      const body = bodyFor(method, template);
      for (const spelling of spellings(concrete(template))) {
        requests++;
        let r: Answer;
        try {
          r = await send(agent, port, method, spelling, {}, body);
        } catch (err) {
          findings.push(`${method} ${spelling} → ${(err as Error).message}`); // e.g. a handler that got to work
          continue;
        }
        // Spellings that match no API route land on the dashboard's static route, which refuses paths with dot
        // segments or doubled slashes (403) and has no such file (404); a broken %-escape is a 400.
        const routedNowhere =
          [400, 403, 404].includes(r.status) && /^\{"error":\{"code":"(NOT_FOUND|BAD_REQUEST|FORBIDDEN)"/.test(r.body);
        if (r.status !== 401 && !routedNowhere)
          findings.push(`${method} ${spelling} → ${r.status} ${r.body.slice(0, 80)}`);
      }
    }
    expect(findings).toEqual([]);
    expect(requests).toBeGreaterThan(2000);
    expect(await snapshot()).toEqual(before);
  });

  it('still serves the dashboard files without the token, and only them', async () => {
    expect((await send(agent, port, 'GET', '/')).status).toBe(200);
    expect((await send(agent, port, 'GET', '/_next/static/app.js')).body).toBe('console.log("static")');
    expect((await send(agent, port, 'GET', '/%5fnext/static/app.js')).status).toBe(200);
    expect((await send(agent, port, 'GET', '/no-such-file.js')).status).toBe(404);
    expect((await send(agent, port, 'POST', '/')).status).toBe(401);
  });

  it('documents the router: which spellings reach a route (with the token) and which route nowhere', async () => {
    const status = async (p: string): Promise<number> => (await send(agent, port, 'GET', p, AUTH)).status;
    // Fastify (find-my-way) percent-decodes the path before matching: these are /api/tasks.
    expect(await status('/%61pi/tasks')).toBe(200);
    expect(await status('/api/%74asks')).toBe(200);
    // Case-sensitive, no trailing-slash or duplicate-slash folding, no `;` parameters, %2F is not a separator,
    // dot segments are not resolved: these route nowhere (here, to the dashboard's static files, which have no
    // such file (404) or refuse the path outright (403)).
    for (const p of ['/API/tasks', '/api/tasks/', '/api/tasks;x', '/api%2ftasks']) {
      expect([p, await status(p)]).toEqual([p, 404]);
    }
    for (const p of ['//api/tasks', '/api//tasks', '/x/../api/tasks', '/api/./tasks', '/x/%2e%2e/api/tasks']) {
      expect([p, await status(p)]).toEqual([p, 403]);
    }
  });
});
