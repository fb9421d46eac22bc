import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { LocalRuntime, startLocalRuntime } from '../../apps/cli/src/runtime/local-runtime';

/**
 * Reading run output (issue #12 item 5, #13 item 7) over the real local runtime with the fake claude: a run far
 * larger than its cap is stored within the cap, `GET /api/runs/{id}` answers a bounded tail that says so, and
 * `GET /api/runs/{id}/logs` streams the stored log whole, by Range or offset/limit, or following a live run.
 */
describe('reading the output of large runs', () => {
  let dir: string;
  let rt: LocalRuntime | null = null;
  let base: string;
  const CAP = 1024 * 1024;

  const logFile = (runId: string, kind: 'log' | 'jsonl') => path.join(dir, 'data', 'logs', `run_${runId}.${kind}`);

  async function json(method: string, url: string, body?: unknown): Promise<any> {
    const res = await fetch(base + url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  async function runTask(mode: string, wait = true): Promise<string> {
    const { task } = await json('POST', '/api/tasks', { name: `t${Date.now()}`, prompt: `[fake:${mode}] go` });
    const started = await json('POST', `/api/tasks/${task.id}/run`);
    const runId: string = started.run_id ?? started.run.id;
    if (wait) {
      const deadline = Date.now() + 60_000;
      let status = '';
      while (!['success', 'failed', 'cancelled'].includes(status) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await json('GET', `/api/runs/${runId}`)).run.status;
      }
      expect(status).toBe('success');
    }
    return runId;
  }

  beforeAll(async () => {
    dir = makeTempDir('ccs-output-');
    rt = await startLocalRuntime({
      dataDir: path.join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      apiToken: null,
      mockMode: false,
      // Each task picks the fake's behaviour with a "[fake:<mode>]" prompt directive.
      env: {
        PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`,
        HOME: dir,
        ...fakeClaudeEnv({ stdoutMb: 6, delayMs: 150 }),
      },
      homeDir: dir,
      dashboard: null,
    });
    base = rt.url;
    await json('PATCH', '/api/settings', { max_log_bytes: CAP });
  });

  afterAll(async () => {
    await rt?.close();
    removeTempDir(dir);
  });

  describe('a run of 6 MB of stream-json with a 1 MiB cap', () => {
    let runId: string;
    beforeAll(async () => {
      runId = await runTask('flood-stdout');
    }, 90_000);

    it('is stored within the cap, head and tail, with the result line last', () => {
      for (const kind of ['log', 'jsonl'] as const) {
        const stored = fs.readFileSync(logFile(runId, kind), 'utf8');
        expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(CAP);
        expect(stored).toContain('bytes of output left out here; the last');
        expect(stored).toContain('"type":"result"');
      }
    });

    it('GET /api/runs/{id} answers under 1 MiB with the last part of the output, and says how to get the rest', async () => {
      const res = await fetch(`${base}/api/runs/${runId}`);
      const text = await res.text();
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
      const { run } = JSON.parse(text);
      const rawSize = fs.statSync(logFile(runId, 'jsonl')).size;
      expect(run.output_tail).toEqual({
        truncated: true,
        raw_start: expect.any(Number),
        raw_size: rawSize,
        log_size: fs.statSync(logFile(runId, 'log')).size,
        more: expect.stringContaining(`/api/runs/${runId}/logs?kind=jsonl`),
      });
      // raw_output is exactly the stored bytes from raw_start to the end, starting at a line.
      const stored = fs.readFileSync(logFile(runId, 'jsonl'));
      expect(run.raw_output).toBe(stored.subarray(run.output_tail.raw_start).toString('utf8'));
      expect(stored[run.output_tail.raw_start - 1]).toBe(0x0a);
      expect(run.raw_output.trimEnd().split('\n').at(-1)).toMatch(/^\{"type":"result"/);
      expect(run.output).toContain('Fake Claude finished');
    });

    it('GET …/logs streams the whole stored log, either stream', async () => {
      for (const kind of ['log', 'jsonl'] as const) {
        const res = await fetch(`${base}/api/runs/${runId}/logs${kind === 'jsonl' ? '?kind=jsonl' : ''}`);
        expect(res.status).toBe(200);
        const body = Buffer.from(await res.arrayBuffer());
        const stored = fs.readFileSync(logFile(runId, kind));
        expect(body.equals(stored)).toBe(true);
        expect(res.headers.get('x-log-size')).toBe(String(stored.length));
        expect(res.headers.get('accept-ranges')).toBe('bytes');
        expect(res.headers.get('content-type')).toBe(
          kind === 'log' ? 'text/plain; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        );
      }
    });

    it('GET …/logs answers parts: Range (206, 416) and offset/limit', async () => {
      const stored = fs.readFileSync(logFile(runId, 'log'));
      const part = async (query: string, headers: Record<string, string> = {}) => {
        const res = await fetch(`${base}/api/runs/${runId}/logs${query}`, { headers });
        return { res, body: Buffer.from(await res.arrayBuffer()) };
      };
      let r = await part('', { range: 'bytes=0-99' });
      expect([r.res.status, r.res.headers.get('content-range')]).toEqual([206, `bytes 0-99/${stored.length}`]);
      expect(r.body.equals(stored.subarray(0, 100))).toBe(true);
      r = await part('', { range: 'bytes=-300' });
      expect(r.body.equals(stored.subarray(stored.length - 300))).toBe(true);
      r = await part('?offset=5000&limit=1234');
      expect([r.res.status, r.body.length]).toEqual([200, 1234]);
      expect(r.body.equals(stored.subarray(5000, 6234))).toBe(true);
      r = await part(`?offset=${stored.length + 10}`);
      expect([r.res.status, r.body.length]).toEqual([200, 0]);
      r = await part('', { range: `bytes=${stored.length}-` });
      expect([r.res.status, r.res.headers.get('content-range')]).toEqual([416, `bytes */${stored.length}`]);
      r = await part('?kind=text');
      expect(r.res.status).toBe(400);
      r = await part('?limit=0');
      expect(r.res.status).toBe(400);
    });
  });

  it('follow=true streams a live run from its start to its last line', async () => {
    const runId = await runTask('success', false);
    const res = await fetch(`${base}/api/runs/${runId}/logs?follow=true`);
    const streamed = Buffer.from(await res.arrayBuffer()); // ends when the run has ended
    const { run } = await json('GET', `/api/runs/${runId}`);
    expect(run.status).toBe('success');
    expect(streamed.equals(fs.readFileSync(logFile(runId, 'log')))).toBe(true);
    expect(streamed.toString()).toContain('SUCCESS');
  });

  it('a followed log is ended, not waited for, when the server stops', async () => {
    const runId = await runTask('hang', false);
    let text = '';
    const ended = new Promise<void>((resolve, reject) => {
      http
        .get(`${base}/api/runs/${runId}/logs?follow=true`, (res) => {
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('close', () => resolve());
        })
        .on('error', reject);
    });
    await waitFor(() => text.includes('[scheduler] run'), { what: 'the first lines of the followed log' });
    await rt!.close('test');
    rt = null;
    await ended;
    expect(text).toContain('[scheduler] run');
  });
});
