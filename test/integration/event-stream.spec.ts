import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { LocalRuntime, startLocalRuntime } from '../../apps/cli/src/runtime/local-runtime';

/**
 * `GET /api/events` under bad clients (issue #12 item 5, #19 item 2): a client that stops reading is dropped
 * once its backlog passes the per-client limit while readers get everything; replay after a reconnect is capped;
 * and stopping the server ends every stream with a `server.stopping` event instead of waiting for the clients.
 */
interface SseEvent {
  event: string;
  id: string | null;
  /** The data line; output chunks are summarised as their length (they are large). */
  data: string;
}

interface SseClient {
  connected: () => boolean;
  events: () => SseEvent[];
  ended: Promise<void>;
}

/** An EventSource-like client that parses frames as they arrive. */
function openSse(port: number, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let connected = false;
    const events: SseEvent[] = [];
    let endedResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const req = http.request({ host: '127.0.0.1', port, path: '/api/events', agent: false, headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        pending += d;
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (frame.includes(': connected')) connected = true;
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          if (!event) continue;
          const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
          events.push({
            event,
            id: /^id: (.*)$/m.exec(frame)?.[1] ?? null,
            data: event === 'run.output' ? String(data.length) : data,
          });
        }
      });
      res.on('end', endedResolve);
      res.on('close', endedResolve);
      res.on('error', endedResolve);
      resolve({ connected: () => connected, events: () => events, ended });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw socket that asks for the event stream and then never reads a byte. */
function openNonReader(port: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      socket.pause();
      resolve({ socket, closed });
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined); // a reset is how it ends
    socket.once('error', reject);
  });
}

describe('event stream: bounded per client, capped replay, prompt shutdown', () => {
  let dir: string;
  let rt: LocalRuntime | null;
  let port: number;

  beforeEach(async () => {
    dir = makeTempDir('ccs-sse-');
    rt = await startLocalRuntime({
      dataDir: path.join(dir, 'data'),
      host: '127.0.0.1',
      port: 0,
      apiToken: null,
      mockMode: true,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir },
      homeDir: dir,
      dashboard: null,
    });
    port = Number(new URL(rt.url).port);
  });

  afterEach(async () => {
    await rt?.close();
    removeTempDir(dir);
  });

  const chunk = (seq: number) => ({ run_id: 'r', seq, lines: [{ stream: 'stdout', line: 'z'.repeat(60_000) }] });
  const outputs = (c: SseClient) => c.events().filter((e) => e.event === 'run.output');

  /** Output chunks at the pace a run produces them: each reader has the previous one before the next comes. */
  async function publishPaced(count: number, readers: SseClient[]): Promise<void> {
    for (let i = 1; i <= count; i++) {
      rt!.coordinator.hub.publish('run.output', chunk(i));
      await waitFor(() => readers.every((r) => outputs(r).length >= i), {
        intervalMs: 2,
        what: `chunk ${i} at every reader`,
      });
    }
  }

  it('drops a client that does not read, while a reading client receives every event', async () => {
    const reader = await openSse(port);
    const idle = await openNonReader(port);
    await waitFor(() => reader.connected(), { what: 'the reader to connect' });
    // ~24 MB of output events: far more than the kernel buffers plus the 1 MiB allowed backlog of the idle client.
    await publishPaced(400, [reader]);
    expect(outputs(reader)).toHaveLength(400);
    // The idle client was cut off: once it reads again it gets what the kernel held, then the end.
    let received = 0;
    idle.socket.on('data', (d: Buffer) => (received += d.length));
    idle.socket.resume();
    await idle.closed;
    expect(received).toBeLessThan(24_000_000);
  });

  it('replays missed events after a reconnect, and asks for a resync when too much was missed', async () => {
    const hub = rt!.coordinator.hub;
    const first = hub.publish('task.changed', { id: 'a' });
    for (let i = 0; i < 5; i++) hub.publish('task.changed', { id: `t${i}` });
    const small = await openSse(port, { 'last-event-id': String(first.id) });
    const tasks = () => small.events().filter((e) => e.event === 'task.changed');
    await waitFor(() => tasks().length >= 5, { what: 'the replay' });
    expect(tasks().map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5].map((n) => first.id + n));

    // 20 missed output chunks of 60 kB: more than the 512 KiB a replay may send.
    const mark = hub.lastId;
    for (let i = 0; i < 20; i++) hub.publish('run.output', chunk(i));
    const big = await openSse(port, { 'last-event-id': String(mark) });
    await waitFor(() => big.events().length >= 1, { what: 'the resync' });
    hub.publish('task.changed', { id: 'after' });
    const seen = () => big.events().filter((e) => e.event !== 'node.changed');
    await waitFor(() => seen().length >= 2, { what: 'the live event' });
    expect(seen().map((e) => [e.event, e.data])).toEqual([
      ['resync', '{"reason":"events were missed; reload the state"}'],
      ['task.changed', '{"id":"after"}'],
    ]);
  });

  it('on close ends every stream with server.stopping, closes idle keep-alive sockets, and does not wait', async () => {
    const a = await openSse(port);
    const b = await openSse(port);
    const idle = await openNonReader(port);
    // A keep-alive connection that finished one request and stays open.
    const keepAlive = net.connect({ host: '127.0.0.1', port });
    const keepAliveClosed = new Promise<void>((r) => keepAlive.once('close', () => r()));
    keepAlive.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      keepAlive.once('data', () => resolve());
      keepAlive.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    });
    // Make the idle stream hold unread data, as a sleeping tab would.
    await publishPaced(30, [a, b]);

    const started = Date.now();
    await rt!.close('test');
    const took = Date.now() - started;
    rt = null;
    idle.socket.resume(); // a paused socket notices its end only once it reads
    await Promise.all([a.ended, b.ended, keepAliveClosed, idle.closed]);
    for (const c of [a, b]) {
      const last = c.events().at(-1)!;
      expect(last.event).toBe('server.stopping');
      expect(JSON.parse(last.data)).toEqual({ reason: 'server stopping' });
    }
    // Generous: the point is "not the 25-100 s a browser could hold it", not a tight timing.
    expect(took).toBeLessThan(10_000);
  });
});
