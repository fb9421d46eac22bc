import * as net from 'node:net';
import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir } from '@ccs/testing';
import { api, fakeClaudeGuiEnv, sleep, startDrillGui } from './drill-support';

/**
 * Fault drill: slow and idle clients must not stall anyone else. 50 slow-loris sockets send their request headers
 * one byte per second, 50 sockets connect and say nothing, 50 keep-alive sockets finish one request and stay open.
 * While they hang on, ordinary clients keep reading and writing; every one of their requests must be answered,
 * and none may wait anywhere near as long as the slow clients (seconds).
 */
describe('drill: slow-loris and idle connections', () => {
  let dir: string;
  let gui: GuiProcess;
  const sockets: net.Socket[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    dir = makeTempDir('ccs-drill-slow-');
    gui = await startDrillGui(path.join(dir, 'data'), fakeClaudeGuiEnv(dir));
  });
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    await gui?.stop();
    removeTempDir(dir);
  });

  const connect = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: gui.port }, () => resolve(s));
      s.on('error', () => undefined); // the server may cut these off; that is its right
      s.once('error', reject);
      sockets.push(s);
    });

  it('keeps answering ordinary requests promptly while 150 slow or idle sockets hang on', async () => {
    const port = gui.port;
    // 50 slow-loris: a request's headers, one byte per second, never finished within the test.
    const partial = `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: ${'a'.repeat(200)}`;
    for (let i = 0; i < 50; i++) {
      const s = await connect();
      let pos = 0;
      timers.push(
        setInterval(() => {
          if (!s.destroyed && pos < partial.length) s.write(partial[pos++]);
        }, 1000),
      );
    }
    // 50 silent sockets.
    for (let i = 0; i < 50; i++) await connect();
    // 50 keep-alive sockets: one complete request each, then silence.
    const answered = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const s = await connect();
        return new Promise<boolean>((resolve) => {
          s.once('data', (d: Buffer) => resolve(d.toString().startsWith('HTTP/1.1 200')));
          s.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
        });
      }),
    );
    expect(answered.every(Boolean)).toBe(true);

    // Ordinary clients for ~8 s: reads and writes, one request at a time each, fresh connection per request.
    const latencies: number[] = [];
    const failures: string[] = [];
    const end = Date.now() + 8000;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; Date.now() < end; i++) {
          const started = Date.now();
          try {
            const r =
              i % 3 === 2
                ? await api(port, 'POST', '/api/tasks', { name: `during slow clients ${w}-${i}`, prompt: 'p' })
                : await api(port, 'GET', i % 3 === 0 ? '/api/health' : '/api/tasks');
            if (r.status >= 400) failures.push(`${r.status} ${r.body.slice(0, 100)}`);
          } catch (err) {
            failures.push((err as Error).message);
          }
          latencies.push(Date.now() - started);
          await sleep(20);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(latencies.length).toBeGreaterThan(100);
    latencies.sort((a, b) => a - b);
    // A stall behind the slow clients would last as long as they hang on (the whole 8 s here, or until the server's
    // 30 s header timeout); ordinary requests take milliseconds, on a loaded CI machine still well under 5 s.
    expect(latencies[latencies.length - 1]).toBeLessThan(5000);
    // The slow-loris sockets are still connected (nobody was served by cutting everyone off).
    expect(sockets.filter((s) => !s.destroyed).length).toBeGreaterThanOrEqual(50);
  }, 60_000);
});
