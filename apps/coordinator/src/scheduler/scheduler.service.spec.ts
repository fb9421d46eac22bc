import * as fs from 'node:fs';
import * as path from 'node:path';
import { Run, Task, normalizeTask } from '@ccs/core';
import { DataStore, openDataStore } from '@ccs/storage';
import { FakeClock } from '@ccs/shared';
import { CommandEnvelope, InMemoryTransport, RunOutcome, makeEnvelope } from '@ccs/transport';
import { makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { EventHub } from '../events/event-hub';
import { RunService } from '../runs/run.service';
import { SchedulerService } from './scheduler.service';
import { ChokidarFileWatcher } from './chokidar.file-watcher';
import type { FileWatcher } from './file-watcher.port';

/** A node that starts every run it is sent and finishes it only when the test says so. */
class ScriptedNode {
  readonly started: string[] = [];
  constructor(private readonly transport: InMemoryTransport) {}

  async start(): Promise<void> {
    await this.transport.createCommandSource().start('n1', (cmd) => this.handle(cmd), { concurrency: 100 });
  }

  private async handle(cmd: CommandEnvelope): Promise<void> {
    if (cmd.type === 'ExecuteRun') {
      const run = cmd.payload.run;
      this.started.push(run.id);
      await this.transport.eventBus.publish(
        makeEnvelope('TaskStarted', {
          run_id: run.id,
          attempt: run.attempt,
          node_id: 'n1',
          pid: 1,
          start_time: new Date().toISOString(),
          session_id: null,
          command_line: 'claude',
        }),
      );
    } else {
      await this.finish(cmd.payload.run_id, 'cancelled');
    }
  }

  async finish(runId: string, status: RunOutcome['status'] = 'success'): Promise<void> {
    const now = new Date().toISOString();
    const outcome: RunOutcome = {
      status,
      exit_code: status === 'success' ? 0 : null,
      start_time: now,
      end_time: now,
      duration: 0,
      session_id: null,
      errors: null,
      status_reason: null,
      model: null,
      cost_usd: null,
      input_tokens: null,
      output_tokens: null,
      cache_read_tokens: null,
      cache_creation_tokens: null,
      num_turns: null,
      duration_api_ms: null,
      warnings: [],
    };
    await this.transport.eventBus.publish(
      makeEnvelope(status === 'success' ? 'TaskCompleted' : 'TaskFailed', {
        run_id: runId,
        attempt: 1,
        node_id: 'n1',
        outcome,
      }),
    );
  }
}

const noWatcher: FileWatcher = { watch: () => Promise.reject(new Error('not in this test')) };

describe('SchedulerService', () => {
  let dir: string;
  let store: DataStore;
  let clock: FakeClock;
  let transport: InMemoryTransport;
  let runs: RunService;
  let scheduler: SchedulerService;
  let node: ScriptedNode;

  async function boot(watcher: FileWatcher = noWatcher): Promise<void> {
    transport = new InMemoryTransport();
    const hub = new EventHub();
    runs = new RunService(store, transport.commandBus, hub, clock);
    await transport.eventSource.start((e) => runs.handleEvent(e));
    node = new ScriptedNode(transport);
    await node.start();
    scheduler = new SchedulerService(store, runs, hub, clock, watcher, {
      defaultTimezone: 'UTC',
      expandPath: (p) => p,
    });
    await scheduler.start();
  }

  async function shutdown(): Promise<void> {
    await scheduler.stop();
    runs.close();
    transport.close();
  }

  beforeEach(async () => {
    dir = makeTempDir('ccs-sched-');
    store = await openDataStore({ dataDir: dir });
    clock = new FakeClock('2026-03-01T00:00:00Z');
  });

  afterEach(async () => {
    await shutdown().catch(() => undefined);
    await store.close();
    removeTempDir(dir);
  });

  async function addTask(schedule: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Task> {
    const t = normalizeTask({
      name: 't',
      prompt: 'p',
      created_at: clock.now().toISOString(),
      updated_at: clock.now().toISOString(),
      schedule,
      ...extra,
    });
    await store.tasks.put(t);
    return t;
  }

  const every15 = { schedule_type: 'interval', interval_type: 'custom', interval_value: 15, interval_unit: 'minutes' };
  const kinds = (taskId: string) =>
    store.occurrences
      .list()
      .filter((o) => o.task_id === taskId)
      .map((o) => o.kind);
  const runsOf = (taskId: string): Run[] => store.runs.list().filter((r) => r.task_id === taskId);
  const settle = () => new Promise((r) => setTimeout(r, 30));

  it('fires an interval task on its slots and reports the next fire time', async () => {
    const t = await addTask(every15);
    await boot();
    expect(scheduler.status().find((s) => s.task_id === t.id)!.next_fire_time).toBe('2026-03-01T00:15:00.000Z');
    await clock.advance(15 * 60_000);
    await waitFor(() => runsOf(t.id).length === 1);
    await node.finish(runsOf(t.id)[0].id);
    await waitFor(() => runsOf(t.id)[0].status === 'success');
    await clock.advance(15 * 60_000);
    await waitFor(() => kinds(t.id).length === 2);
    expect(kinds(t.id)).toEqual(['run', 'run']);
    expect(
      runsOf(t.id)
        .map((r) => r.scheduled_time)
        .sort(),
    ).toEqual(['2026-03-01T00:15:00.000Z', '2026-03-01T00:30:00.000Z']);
  });

  it.each([
    ['skip', 1, ['run', 'skipped_overlap', 'skipped_overlap']],
    ['allow', 3, ['run', 'run', 'run']],
    ['queue_one', 2, ['run', 'queued_overlap', 'skipped_overlap']],
  ])('overlap policy %s: %i runs, occurrences %j', async (policy, nRuns, expected) => {
    const t = await addTask({ ...every15, overlap_policy: policy });
    await boot();
    for (let i = 0; i < 3; i++) {
      await clock.advance(15 * 60_000);
      await settle();
    }
    await waitFor(() => kinds(t.id).length === 3);
    expect(kinds(t.id)).toEqual(expected);
    if (policy === 'queue_one') {
      expect(runsOf(t.id)).toHaveLength(1);
      await node.finish(runsOf(t.id)[0].id);
      await waitFor(() => runsOf(t.id).length === 2, { what: 'queued run to start' });
      const queuedOcc = store.occurrences.list().find((o) => o.kind === 'queued_overlap')!;
      await waitFor(() => store.occurrences.get(queuedOcc.id)!.run_id !== null);
    }
    expect(runsOf(t.id)).toHaveLength(nRuns);
  });

  it('overlap policy replace stops the active run and starts a new one', async () => {
    const t = await addTask({ ...every15, overlap_policy: 'replace' });
    await boot();
    await clock.advance(15 * 60_000);
    await waitFor(() => runsOf(t.id)[0]?.status === 'running');
    await clock.advance(15 * 60_000);
    await waitFor(() => runsOf(t.id).length === 2);
    await waitFor(() => runsOf(t.id).some((r) => r.status === 'cancelled'));
    await waitFor(() => kinds(t.id).length === 2);
    expect(kinds(t.id)).toEqual(['run', 'replaced_overlap']);
  });

  it.each([
    ['skip', 0, 12],
    ['run_once', 1, 11],
    ['run_all', 12, 0],
  ])('catch-up %s after a 3-hour outage: %i runs, %i missed_downtime records', async (policy, nRuns, nMissed) => {
    const t = await addTask({ ...every15, catchup_policy: policy });
    // The coordinator handled the 00:00 slot, then was down from 00:00 until 03:00.
    await store.occurrences.put({
      id: 'o0',
      task_id: t.id,
      scheduled_time: '2026-03-01T00:00:00.000Z',
      kind: 'run',
      run_id: null,
      reason: null,
      created_at: '2026-03-01T00:00:00.000Z',
    });
    await clock.advance(3 * 3_600_000);
    await boot();
    await settle();
    const missed = () => kinds(t.id).filter((k) => k === 'missed_downtime').length;
    expect(missed()).toBe(nMissed);
    // run_all runs the backlog one at a time: finish each run to let the next start.
    for (let i = 0; i < nRuns; i++) {
      await waitFor(() => runsOf(t.id).length === i + 1, { what: `catch-up run ${i + 1}` });
      const active = runsOf(t.id).filter((r) => r.status === 'upcoming' || r.status === 'running');
      expect(active).toHaveLength(1);
      await node.finish(active[0].id);
      await waitFor(() => store.runs.get(active[0].id)!.status === 'success');
    }
    await settle();
    expect(runsOf(t.id)).toHaveLength(nRuns);
    expect(kinds(t.id).filter((k) => k === 'run')).toHaveLength(nRuns + 1);
    expect(runsOf(t.id).every((r) => r.trigger === 'catchup')).toBe(true);
  });

  it('fires startup tasks once per start, not again on edit', async () => {
    const t = await addTask({ schedule_type: 'startup' });
    await boot();
    await waitFor(() => runsOf(t.id).length === 1);
    await scheduler.taskChanged({ ...t, name: 'edited' });
    await settle();
    expect(runsOf(t.id)).toHaveLength(1);
    await node.finish(runsOf(t.id)[0].id);
    await waitFor(() => runsOf(t.id)[0].status === 'success');
    await shutdown();
    await boot();
    await waitFor(() => runsOf(t.id).length === 2);
  });

  it('reschedules at once on edit and unschedules on delete; disabled slots are recorded', async () => {
    const t = await addTask(every15);
    await boot();
    const hourly = {
      ...t,
      schedule: { ...t.schedule, interval_value: 1, interval_unit: 'hours' as const },
      updated_at: clock.now().toISOString(),
    };
    await store.tasks.put(hourly);
    await scheduler.taskChanged(hourly);
    expect(scheduler.status()[0].next_fire_time).toBe('2026-03-01T01:00:00.000Z');
    const disabled = { ...hourly, enabled: false };
    await store.tasks.put(disabled);
    await scheduler.taskChanged(disabled);
    await clock.advance(3_600_000);
    await waitFor(() => kinds(t.id).length === 1);
    expect(kinds(t.id)).toEqual(['skipped_disabled']);
    expect(runsOf(t.id)).toHaveLength(0);
    await store.tasks.delete(t.id);
    await scheduler.taskDeleted(t.id);
    expect(scheduler.status()).toHaveLength(0);
    await clock.advance(5 * 3_600_000);
    await settle();
    expect(kinds(t.id)).toHaveLength(1);
  });

  it('file watch: a burst of 20 writes within the debounce yields one run; writes under .git yield none', async () => {
    const watched = path.join(dir, 'watched');
    fs.mkdirSync(path.join(watched, '.git'), { recursive: true });
    const t = await addTask({
      schedule_type: 'file_watch',
      watch_directory: watched,
      watch_debounce_seconds: 2,
      watch_recursive: true,
    });
    await boot(new ChokidarFileWatcher());
    await waitFor(() => scheduler.status()[0].watching === watched);
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(watched, '.git', `obj${i}`), String(i));
    await new Promise((r) => setTimeout(r, 400));
    await clock.advance(5000);
    await settle();
    expect(runsOf(t.id)).toHaveLength(0);
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(watched, `f${i % 3}.txt`), String(i));
      await clock.advance(100);
    }
    await new Promise((r) => setTimeout(r, 400));
    await clock.advance(1000);
    await settle();
    expect(runsOf(t.id)).toHaveLength(0);
    await clock.advance(1500);
    await waitFor(() => runsOf(t.id).length === 1);
    await settle();
    expect(runsOf(t.id)).toHaveLength(1);
    expect(runsOf(t.id)[0].trigger).toBe('file_watch');
  });
});
