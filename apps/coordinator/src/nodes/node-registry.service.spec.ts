import { normalizeNode, normalizeTask, Task } from '@ccs/core';
import { DataStore, openDataStore } from '@ccs/storage';
import { FakeClock } from '@ccs/shared';
import { CommandEnvelope, InMemoryTransport, makeEnvelope } from '@ccs/transport';
import { makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { EventHub } from '../events/event-hub';
import { RunService } from '../runs/run.service';
import { NodeRegistry } from './node-registry.service';

describe('NodeRegistry', () => {
  let dir: string;
  let store: DataStore;
  let clock: FakeClock;
  let transport: InMemoryTransport;
  let runs: RunService;
  let registry: NodeRegistry;
  let hub: EventHub;
  const received: Record<string, CommandEnvelope[]> = {};

  beforeEach(async () => {
    dir = makeTempDir('ccs-nodes-');
    store = await openDataStore({ dataDir: dir });
    clock = new FakeClock('2026-03-01T00:00:00Z');
    transport = new InMemoryTransport();
    hub = new EventHub();
    runs = new RunService(store, transport.commandBus, hub, clock);
    await transport.eventSource.start((e) => runs.handleEvent(e));
    registry = new NodeRegistry(store, runs, hub, clock, { nodeTimeoutMs: 15_000, checkIntervalMs: 1000 });
    for (const id of ['a', 'b']) {
      received[id] = [];
      await transport.createCommandSource().start(
        id,
        async (cmd) => {
          received[id].push(cmd);
          if (cmd.type === 'ExecuteRun') {
            const r = cmd.payload.run;
            await transport.eventBus.publish(
              makeEnvelope('TaskStarted', {
                run_id: r.id,
                attempt: r.attempt,
                node_id: id,
                pid: 1,
                start_time: clock.now().toISOString(),
                session_id: null,
                command_line: 'claude',
              }),
            );
          }
        },
        { concurrency: 10 },
      );
      await transport.eventBus.publish(
        makeEnvelope('NodeRegistered', { node: normalizeNode({ id, name: id, host: 'h' }) }),
      );
    }
    await waitFor(() => store.nodes.count() === 2);
    registry.start();
  });

  afterEach(async () => {
    registry.stop();
    runs.close();
    transport.close();
    await store.close();
    removeTempDir(dir);
  });

  async function heartbeat(id: string, running: string[] = []): Promise<void> {
    await transport.eventBus.publish(
      makeEnvelope('NodeHeartbeat', {
        node_id: id,
        capacity: 2,
        running_run_ids: running,
        version: 'x',
        draining: false,
      }),
    );
  }

  it('marks a silent node lost and fails its runs as node_lost; the retry runs elsewhere', async () => {
    const task: Task = normalizeTask({
      name: 't',
      prompt: 'p',
      retry: { enabled: true, max_attempts: 1, delay_seconds: 1, backoff_multiplier: 1 },
    });
    await store.tasks.put(task);
    const run = await runs.start(task, { trigger: 'manual' });
    await waitFor(() => store.runs.get(run.id)!.status === 'running');
    const holder = store.runs.get(run.id)!.node_id!;
    const other = holder === 'a' ? 'b' : 'a';
    // The other node keeps beating; the holder falls silent.
    for (let t = 0; t < 16; t++) {
      await heartbeat(other);
      await clock.advance(1000);
    }
    await waitFor(() => store.nodes.get(holder)!.status === 'lost', { what: 'holder lost' });
    expect(store.nodes.get(other)!.status).toBe('online');
    await waitFor(() => store.runs.get(run.id)!.status === 'failed');
    expect(store.runs.get(run.id)!.status_reason).toBe('node_lost');
    // The retry timer is armed once the failure is fully applied; keep the fake time moving until it fires.
    const retry = await waitFor(() => {
      void clock.advance(500);
      return store.runs.list().find((r) => r.attempt === 2);
    });
    await waitFor(() => store.runs.get(retry.id)!.status === 'running');
    // Both nodes consume the shared queue; a retry can only be held by a node that is still alive.
    expect(store.runs.get(retry.id)!.node_id).toBeTruthy();
  });

  it('tells a node that comes back to stop a run the coordinator already ended', async () => {
    const task = normalizeTask({ name: 't', prompt: 'p' });
    await store.tasks.put(task);
    const run = await runs.start(task, { trigger: 'manual' });
    await waitFor(() => store.runs.get(run.id)!.status === 'running');
    const holder = store.runs.get(run.id)!.node_id!;
    await clock.advance(17_000);
    await waitFor(() => store.runs.get(run.id)!.status === 'failed');
    await heartbeat(holder, [run.id]);
    await waitFor(() => received[holder].some((c) => c.type === 'StopRun' && c.payload.run_id === run.id));
    await waitFor(() => store.nodes.get(holder)!.status === 'online');
  });

  it('clears the "no heartbeat" reason of a lost node that beats again', async () => {
    await clock.advance(17_000);
    await waitFor(() => store.nodes.get('a')!.status === 'lost');
    expect(store.nodes.get('a')!.status_reason).toMatch(/^no heartbeat for \d+ s/);
    await heartbeat('a');
    await waitFor(() => store.nodes.get('a')!.status === 'online');
    expect(store.nodes.get('a')!.status_reason).toBeNull();
  });

  it('removes a lost or offline node after node_retention_days without a heartbeat, and only then', async () => {
    const events: { type: string; data: unknown }[] = [];
    hub.subscribe((e) => events.push(e));
    await store.settings.update({ node_retention_days: 2 });
    // a goes silent and is lost; b shuts down cleanly (offline) and comes back a day later.
    await transport.eventBus.publish(
      makeEnvelope('NodeDeregistered', { node: normalizeNode({ id: 'b', name: 'b', host: 'h' }) }),
    );
    await waitFor(() => store.nodes.get('b')!.status === 'offline');
    await clock.advance(17_000);
    await waitFor(() => store.nodes.get('a')!.status === 'lost');
    registry.stop();
    await clock.advance(86_400_000);
    await registry.check();
    expect(
      store.nodes
        .list()
        .map((n) => n.id)
        .sort(),
    ).toEqual(['a', 'b']);
    await heartbeat('b');
    await waitFor(() => store.nodes.get('b')!.status === 'online');
    await clock.advance(86_400_000 + 1000);
    await registry.check();
    expect(store.nodes.list().map((n) => n.id)).toEqual(['b']);
    expect(events.filter((e) => e.type === 'node.deleted').map((e) => e.data)).toEqual([{ id: 'a' }]);
  });
});
