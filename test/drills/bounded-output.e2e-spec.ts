import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { api, fakeClaudeGuiEnv, rssMb, sampleRss, sleep, startDrillGui, until } from './drill-support';

/**
 * Issue #12 item 5 / #13 item 7: a run's output is bounded where it is stored and where it is read. The fake
 * claude's flood mode writes stream-json far past the cap (max_log_bytes set to 8 MiB here, so that a 120 MB run
 * stays quick): both stored logs stay within the cap, `GET /api/runs/{id}` answers under 1 MiB, and reading large
 * runs concurrently (details and whole logs) raises the gui's RSS by at most 50 MB — also five concurrent reads of
 * an uncapped 12 MB run.
 */
describe('drill: output far past the cap, read concurrently', () => {
  let dir: string;
  let gui: GuiProcess;
  const CAP = 8 * 1024 * 1024;

  beforeAll(async () => {
    dir = makeTempDir('ccs-drill-output-');
    gui = await startDrillGui(path.join(dir, 'data'), fakeClaudeGuiEnv(dir));
    expect((await api(gui.port, 'PATCH', '/api/settings', { max_log_bytes: CAP })).status).toBe(200);
  });
  afterAll(async () => {
    await gui?.stop();
    removeTempDir(dir);
  });

  const logFile = (runId: string, kind: string) => path.join(dir, 'data', 'logs', `run_${runId}.${kind}`);

  async function run(prompt: string): Promise<string> {
    const { task } = (await api(gui.port, 'POST', '/api/tasks', { name: prompt, prompt })).json();
    const started = (await api(gui.port, 'POST', `/api/tasks/${task.id}/run`)).json();
    const runId: string = started.run_id;
    let status = '';
    await until(
      async () => {
        status = (await api(gui.port, 'GET', `/api/runs/${runId}`)).json().run.status;
        return ['success', 'failed', 'cancelled'].includes(status);
      },
      `run ${runId} to end`,
      45_000,
    );
    expect(status).toBe('success');
    return runId;
  }

  /** Downloads a URL, reading at full speed, and returns how many bytes came. */
  const download = (urlPath: string): Promise<number> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: gui.port, path: urlPath, agent: false }, (res) => {
          let n = 0;
          res.on('data', (d: Buffer) => (n += d.length));
          res.on('end', () => resolve(n));
          res.on('error', reject);
        })
        .on('error', reject);
    });

  it('stores a 120 MB run within the cap and answers its detail under 1 MiB; 5+5 concurrent reads stay under 50 MB', async () => {
    const runId = await run('[fake:flood-stdout:120] flood');
    for (const kind of ['log', 'jsonl']) {
      const size = fs.statSync(logFile(runId, kind)).size;
      expect(size).toBeLessThanOrEqual(CAP);
      expect(size).toBeGreaterThan(CAP - 64 * 1024);
    }
    const detail = await api(gui.port, 'GET', `/api/runs/${runId}`);
    expect(Buffer.byteLength(detail.body)).toBeLessThanOrEqual(1024 * 1024);
    expect(detail.json().run.output_tail.truncated).toBe(true);

    await sleep(1000);
    const baseline = rssMb(gui.proc.pid!);
    const sampler = sampleRss(gui.proc.pid!);
    const sizes = await Promise.all([
      ...Array.from({ length: 5 }, () => download(`/api/runs/${runId}`)),
      ...Array.from({ length: 5 }, (_, i) => download(`/api/runs/${runId}/logs${i % 2 ? '?kind=jsonl' : ''}`)),
    ]);
    const peak = sampler.stop();
    console.log(`read drill (capped run): baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
    expect(sizes.slice(5).every((n) => n > CAP - 64 * 1024)).toBe(true);
    expect(peak - baseline).toBeLessThanOrEqual(50);
  }, 60_000);

  it('five concurrent reads of an uncapped 12 MB run (detail and whole log each) raise RSS by at most 50 MB', async () => {
    expect((await api(gui.port, 'PATCH', '/api/settings', { max_log_bytes: 50 * 1024 * 1024 })).status).toBe(200);
    const runId = await run('[fake:flood-stdout:12] twelve');
    const size = fs.statSync(logFile(runId, 'jsonl')).size;
    expect(size).toBeGreaterThan(12 * 1024 * 1024);
    await sleep(1000);
    const baseline = rssMb(gui.proc.pid!);
    const sampler = sampleRss(gui.proc.pid!);
    const reads = await Promise.all(
      Array.from({ length: 5 }, async () => [
        await download(`/api/runs/${runId}`),
        await download(`/api/runs/${runId}/logs?kind=jsonl`),
      ]),
    );
    const peak = sampler.stop();
    console.log(`read drill (12 MB run): baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
    for (const [detail, whole] of reads) {
      expect(detail).toBeLessThanOrEqual(1024 * 1024);
      expect(whole).toBe(size);
    }
    expect(peak - baseline).toBeLessThanOrEqual(50);
  }, 60_000);
});
