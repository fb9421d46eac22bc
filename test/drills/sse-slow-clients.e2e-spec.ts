import * as net from 'node:net';
import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { api, fakeClaudeGuiEnv, rssMb, sampleRss, sleep, startDrillGui, until } from './drill-support';

/**
 * Issue #12 item 5: event-stream clients that never read used to cost the server everything published meanwhile
 * (20 such clients: +4.1 GB, 2.5 GB still held after they closed). Now each client's backlog is bounded: 20
 * sleeping tabs while ~20 MB of events go out must not raise the gui's RSS by more than 100 MB, each of them is
 * dropped with a log line, and readers keep working.
 */
describe('drill: 20 event-stream clients that never read', () => {
  let dir: string;
  let gui: GuiProcess;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    dir = makeTempDir('ccs-drill-sse-');
    gui = await startDrillGui(path.join(dir, 'data'), fakeClaudeGuiEnv(dir));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await gui?.stop();
    removeTempDir(dir);
  });

  /** Asks for the event stream and never reads a byte of it. */
  const sleeper = (port: number): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        s.pause();
        resolve(s);
      });
      s.on('error', () => undefined);
      s.once('error', reject);
      sockets.push(s);
    });

  it('keeps RSS growth under 100 MB and drops each sleeper with a log line', async () => {
    const { port } = gui;
    const created = await api(port, 'POST', '/api/tasks', { name: 'big', prompt: 'p' });
    const taskId = (created.json() as { task: { id: string } }).task.id;
    // Warm up the paths the test uses, then take the baseline.
    for (let i = 0; i < 3; i++)
      await api(port, 'PUT', `/api/tasks/${taskId}`, { prompt: `warm ${i} ${'w'.repeat(500_000)}` });
    await sleep(500);
    const baseline = rssMb(gui.proc.pid!);
    for (let i = 0; i < 20; i++) await sleeper(port);

    const sampler = sampleRss(gui.proc.pid!);
    // 40 task changes of ~500 kB each: every one goes to all 20 streams (~400 MB if it were all kept).
    for (let i = 0; i < 40; i++) {
      const r = await api(port, 'PUT', `/api/tasks/${taskId}`, { prompt: `${i} ${'p'.repeat(500_000)}` });
      expect(r.status).toBe(200);
    }
    await until(
      () => Promise.resolve((gui.stderr().match(/dropping event-stream client/g) ?? []).length >= 20),
      'every sleeper to be dropped',
    );
    const peak = sampler.stop();
    console.log(
      `SSE drill: baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - baseline).toFixed(0)} MB)`,
    );
    expect(peak - baseline).toBeLessThanOrEqual(100);

    // The server still serves; closing the sleepers leaves nothing behind.
    const health = await api(port, 'GET', '/api/health');
    expect(health.status).toBe(200);
    for (const s of sockets) s.destroy();
    await sleep(500);
    expect(rssMb(gui.proc.pid!) - baseline).toBeLessThanOrEqual(100);
  }, 60_000);
});
