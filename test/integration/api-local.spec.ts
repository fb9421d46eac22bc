import * as fs from 'node:fs';
import * as path from 'node:path';
import { fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir } from '@ccs/testing';
import { LocalRuntime, startLocalRuntime } from '../../apps/cli/src/runtime/local-runtime';

/** The REST API over the real local runtime (in-process), with the fake claude on PATH. */
describe('REST API (local runtime)', () => {
  let dir: string;
  let rt: LocalRuntime;
  let base: string;

  beforeAll(async () => {
    dir = makeTempDir('ccs-api-');
    fs.mkdirSync(path.join(dir, 'work'));
    rt = await startLocalRuntime({
      dataDir: path.join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      apiToken: null,
      mockMode: false,
      env: { PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`, HOME: dir, ...fakeClaudeEnv({ delayMs: 20 }) },
      homeDir: dir,
    });
    base = rt.url;
  });

  afterAll(async () => {
    await rt?.close();
    removeTempDir(dir);
  });

  async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(base + url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  }

  it('creates a job with ordered tasks, runs it, and exposes final states, costs and tokens', async () => {
    const job = await api('POST', '/api/jobs', {
      name: 'Nightly',
      working_directory: { path: path.join(dir, 'work') },
    });
    expect(job.status).toBe(201);
    const jobId = job.json.job.id;
    const t1 = await api('POST', '/api/tasks', {
      name: 'one',
      prompt: 'first',
      job_id: jobId,
      schedule: { schedule_type: 'sequential' },
    });
    const t2 = await api('POST', '/api/tasks', {
      name: 'two',
      command: 'second',
      job_id: jobId,
      schedule: { schedule_type: 'sequential' },
    });
    expect(t1.status).toBe(201);
    expect(t2.status).toBe(201);
    const order = await api('PUT', `/api/jobs/${jobId.slice(0, 8)}/task-order`, [t2.json.task.id, t1.json.task.id]);
    expect(order.status).toBe(200);
    const tasks = await api('GET', `/api/jobs/${jobId}/tasks`);
    expect(tasks.json.tasks.map((t: { name: string }) => t.name)).toEqual(['two', 'one']);
    const run = await api('POST', `/api/jobs/${jobId}/run`);
    expect(run.status).toBe(202);
    expect(run.json.run_id).toBeTruthy();
    const again = await api('POST', `/api/jobs/${jobId}/run`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
    await waitForJob(jobId, 'completed');
    const runs = await api('GET', `/api/runs?job_id=${jobId}`);
    expect(runs.json.runs).toHaveLength(2);
    for (const r of runs.json.runs) {
      expect(r.status).toBe('success');
      expect(r.cost_usd).toBeGreaterThan(0);
      expect(r.output_tokens).toBeGreaterThan(0);
    }
    const detail = await api('GET', `/api/runs/${runs.json.runs[0].id}`);
    expect(detail.json.run.output).toContain('[Completed:');
    const logs = await api('GET', `/api/runs/${runs.json.runs[0].id}/logs`);
    expect(logs.json).toContain('SUCCESS: exit code 0');
    const jobView = await api('GET', `/api/jobs/${jobId}`);
    expect(jobView.json.job.stats.success).toBe(2);
  });

  async function waitForJob(jobId: string, status: string): Promise<void> {
    const end = Date.now() + 15_000;
    for (;;) {
      const j = await api('GET', `/api/jobs/${jobId}`);
      if (j.json.job.status === status) return;
      if (Date.now() > end) throw new Error(`job stayed ${j.json.job.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('answers errors in one shape with the right status codes', async () => {
    const bad = await api('POST', '/api/tasks', { name: 'x', prompt: '' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('VALIDATION_FAILED');
    const unknownField = await api('POST', '/api/tasks', { name: 'x', prompt: 'p', bogus: 1 });
    expect(unknownField.status).toBe(400);
    const missingJob = await api('POST', '/api/tasks', {
      name: 'x',
      prompt: 'p',
      job_id: '00000000-0000-4000-8000-000000000000',
    });
    expect(missingJob.status).toBe(422);
    const notFound = await api('GET', '/api/tasks/ffffffff');
    expect(notFound.status).toBe(404);
    const health = await api('GET', '/api/health');
    expect(health.json.status).toBe('ok');
  });

  it('masks profile secrets and exports/imports a job as a copy', async () => {
    const p = await api('POST', '/api/profiles', {
      name: 'prod',
      env_vars: [{ name: 'ANTHROPIC_API_KEY', source: 'static', value: 'sk-ant-secret-value-123' }],
    });
    expect(p.status).toBe(201);
    expect(JSON.stringify(p.json)).not.toContain('sk-ant-secret-value-123');
    const list = await api('GET', '/api/profiles?unmask=true');
    expect(JSON.stringify(list.json)).not.toContain('sk-ant-secret-value-123');
    const state = await api('GET', '/api/state');
    expect(JSON.stringify(state.json)).not.toContain('sk-ant-secret-value-123');
    const job = await api('POST', '/api/jobs', { name: 'Exported', profile: p.json.profile.id });
    await api('POST', '/api/tasks', { name: 'a', prompt: 'p', job_id: job.json.job.id });
    const exported = await api('GET', `/api/jobs/${job.json.job.id}/export`);
    expect(exported.json.version).toBe('1.0');
    expect(exported.json.profiles_referenced).toEqual([p.json.profile.id]);
    const conflict = await api('POST', '/api/jobs/import', exported.json);
    expect(conflict.status).toBe(409);
    const copy = await api('POST', '/api/jobs/import?new_ids=true', exported.json);
    expect(copy.status).toBe(201);
    expect(copy.json.job.id).not.toBe(job.json.job.id);
    expect(copy.json.tasks).toHaveLength(1);
  });

  it('keeps a secret when its variable is renamed and sent back masked with its id; never stores a mask', async () => {
    const secret = 'SUPERSECRET-renamed-0123';
    const created = await api('POST', '/api/profiles', {
      name: 'rename',
      env_vars: [{ name: 'OLD_NAME', source: 'static', value: secret }],
    });
    const [stored] = created.json.profile.env_vars;
    expect(stored).toMatchObject({ name: 'OLD_NAME', value: 'SUPE****', id: expect.any(String) });
    const renamed = await api('PUT', `/api/profiles/${created.json.profile.id}`, {
      env_vars: [{ ...stored, name: 'NEW_NAME' }],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.profile.env_vars[0]).toMatchObject({ id: stored.id, name: 'NEW_NAME', value: 'SUPE****' });
    const file = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'profiles.json'), 'utf8')) as unknown;
    const onDisk = (Array.isArray(file) ? file : (file as { profiles: any[] }).profiles).find(
      (x: { id: string }) => x.id === created.json.profile.id,
    );
    expect(onDisk.env_vars[0]).toMatchObject({ id: stored.id, name: 'NEW_NAME', value: secret });
    // The same rename without the id (an old client): refused rather than storing "SUPE****" as the secret.
    const { id: _id, ...withoutId } = stored;
    const refused = await api('PUT', `/api/profiles/${created.json.profile.id}`, {
      env_vars: [{ ...withoutId, name: 'THIRD_NAME' }],
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toEqual([
      { field: 'env_vars[0].value', message: expect.stringMatching(/masked/) },
    ]);
  });

  it('serves hot lists pre-encoded with an ETag, answers 304 to pollers, and invalidates on writes', async () => {
    const first = await fetch(`${base}/api/tasks`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${base}/api/tasks`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    await api('POST', '/api/tasks', { name: 'cache-buster', prompt: 'p' });
    const changed = await fetch(`${base}/api/tasks`, { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { tasks: { name: string }[] }).tasks.some((t) => t.name === 'cache-buster')).toBe(
      true,
    );
  });

  it('accepts unique id prefixes for job_id and profile references and stores full ids', async () => {
    const job = (await api('POST', '/api/jobs', { name: 'Prefixed' })).json.job;
    const profile = (await api('POST', '/api/profiles', { name: 'pfx' })).json.profile;
    const task = await api('POST', '/api/tasks', {
      name: 'p',
      prompt: 'p',
      job_id: job.id.slice(0, 8),
      profile: profile.id.slice(0, 8),
    });
    expect(task.status).toBe(201);
    expect(task.json.task.job_id).toBe(job.id);
    expect(task.json.task.profile).toBe(profile.id);
    const moved = await api('PUT', `/api/jobs/${job.id}`, { profile: profile.id.slice(0, 6) });
    expect(moved.json.job.profile).toBe(profile.id);
    expect((await api('GET', `/api/jobs/${job.id}`)).json.job.task_order).toEqual([task.json.task.id]);
  });
});
