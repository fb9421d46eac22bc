import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { GuiProcess, makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { fakeClaudeGuiEnv, startDrillGui } from './drill-support';

/**
 * Issue #19 item 2: SIGTERM must not wait for clients. Two open dashboard event streams and an idle keep-alive
 * socket used to hold `gui` for 25-100 s (and a restart was refused: "data directory in use"). Now the streams
 * get a final `server.stopping` event, every socket is closed, and the process is gone within 6 s.
 */
describe('drill: SIGTERM with open event streams and keep-alive sockets', () => {
  let dir: string;
  let gui: GuiProcess | null = null;

  beforeAll(() => {
    dir = makeTempDir('ccs-drill-shutdown-');
  });
  afterAll(async () => {
    await gui?.kill();
    removeTempDir(dir);
  });

  function openStream(port: number): Promise<{ text: () => string; ended: Promise<void> }> {
    return new Promise((resolve, reject) => {
      let text = '';
      const req = http.get({ host: '127.0.0.1', port, path: '/api/events', agent: false }, (res) => {
        res.setEncoding('utf8');
        const ended = new Promise<void>((r) => {
          res.on('close', r);
          res.on('error', () => r());
        });
        res.on('data', (d: string) => (text += d));
        resolve({ text: () => text, ended });
      });
      req.on('error', reject);
    });
  }

  it('exits within 6 s whatever the clients hold, tells the streams why, and restarts at once', async () => {
    const dataDir = path.join(dir, 'data');
    gui = await startDrillGui(dataDir, fakeClaudeGuiEnv(dir));
    const { port } = gui;
    const streams = [await openStream(port), await openStream(port)];
    await waitFor(() => streams.every((s) => s.text().includes(': connected')), { what: 'both streams open' });
    const keepAlive = net.connect({ host: '127.0.0.1', port });
    keepAlive.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      keepAlive.once('data', () => resolve());
      keepAlive.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    });

    const signalled = Date.now();
    const code = await gui.stop();
    const took = Date.now() - signalled;
    gui = null;
    expect(code).toBe(0);
    expect(took).toBeLessThan(6000);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams)
      expect(s.text()).toMatch(/event: server\.stopping\ndata: \{"reason":"server stopping"\}\n\n$/);
    keepAlive.destroy();

    // The data directory's lock was released: a new gui starts on it straight away.
    gui = await startDrillGui(dataDir, fakeClaudeGuiEnv(dir));
    expect((await fetch(`${gui.url}/api/health`)).status).toBe(200);
  });
});
