import { normalizeTask } from '@ccs/core';
import { DataStore, openDataStore } from '@ccs/storage';
import { FakeClock } from '@ccs/shared';
import { CommandBus, CommandEnvelope, RunOutcome, makeEnvelope } from '@ccs/transport';
import { makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { EventHub } from '../events/event-hub';
import { RunService } from './run.service';
import { applyOutcome, applyStarted } from './run-transitions';

/** A command bus that is "down" for the first `failures` sends. */
class FlakyBus implements CommandBus {
  sent: CommandEnvelope[] = [];
  constructor(public failures: number) {}
  send(c: CommandEnvelope): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('SNS unavailable'));
    }
    this.sent.push(c);
    return Promise.resolve();
  }
}

describe('RunService outbox', () => {
  let dir: string;
  let store: DataStore;
  beforeEach(async () => {
    dir = makeTempDir('ccs-runsvc-');
    store = await openDataStore({ dataDir: dir });
  });
  afterEach(async () => {
    await store.close();
    removeTempDir(dir);
  });

  it('keeps a run whose dispatch failed in the outbox and sends it once the transport is back', async () => {
    const clock = new FakeClock();
    const bus = new FlakyBus(3);
    const runs = new RunService(store, bus, new EventHub(), clock);
    const task = normalizeTask({ name: 't', prompt: 'p' });
    await store.tasks.put(task);
    const run = await runs.start(task, { trigger: 'manual' });
    expect(store.runs.get(run.id)!.status).toBe('upcoming');
    expect(store.runs.get(run.id)!.dispatched_at).toBeNull();
    for (let i = 0; i < 6 && bus.sent.length === 0; i++) await clock.advance(30_000);
    expect(bus.sent.map((c) => c.runId)).toEqual([run.id]);
    expect(store.runs.get(run.id)!.dispatched_at).not.toBeNull();
    expect(store.runs.get(run.id)!.status).toBe('upcoming');
    runs.close();
  });

  it('re-dispatches pending runs left by a previous process', async () => {
    const bus = new FlakyBus(0);
    const runs = new RunService(store, bus, new EventHub(), new FakeClock());
    const task = normalizeTask({ name: 't', prompt: 'p' });
    await store.tasks.put(task);
    await store.runs.put({
      ...(await new RunService(store, new FlakyBus(99), new EventHub(), new FakeClock()).start(task, {
        trigger: 'manual',
      })),
    });
    expect(await runs.redispatchPending()).toBe(1);
    expect(bus.sent).toHaveLength(1);
    expect(await runs.redispatchPending()).toBe(0);
  });
});

describe('RunService retries', () => {
  it('retries a failed run per the task policy with backoff delay × multiplier^(n-1), each attempt its own run', async () => {
    const dir = makeTempDir('ccs-retry-');
    const store = await openDataStore({ dataDir: dir });
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const bus = new FlakyBus(0);
    const runs = new RunService(store, bus, new EventHub(), clock);
    const task = normalizeTask({
      name: 't',
      prompt: 'p',
      retry: { enabled: true, max_attempts: 2, delay_seconds: 10, backoff_multiplier: 3 },
    });
    await store.tasks.put(task);
    const fail = async (runId: string, attempt: number): Promise<void> => {
      const now = clock.now().toISOString();
      const outcome = {
        status: 'failed',
        exit_code: 1,
        start_time: now,
        end_time: now,
        duration: 0,
        errors: 'boom',
      } as RunOutcome;
      await runs.handleEvent(makeEnvelope('TaskFailed', { run_id: runId, attempt, node_id: 'n', outcome }));
    };
    const first = await runs.start(task, { trigger: 'manual' });
    await fail(first.id, 1);
    await clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 50)); // let a (wrongly) early retry reach the bus
    expect(bus.sent).toHaveLength(1);
    await clock.advance(1);
    await waitFor(() => bus.sent.length === 2);
    const second = store.runs.list().find((r) => r.attempt === 2)!;
    expect(second.trigger).toBe('retry');
    await fail(second.id, 2);
    await clock.advance(29_999);
    await new Promise((r) => setTimeout(r, 50));
    expect(bus.sent).toHaveLength(2);
    await clock.advance(1);
    await waitFor(() => bus.sent.length === 3);
    const third = store.runs.list().find((r) => r.attempt === 3)!;
    await fail(third.id, 3);
    await clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.runs.list().map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);
    runs.close();
    await store.close();
    removeTempDir(dir);
  });
});

describe('run transitions', () => {
  const base = { id: 'r', task_id: 't', attempt: 1, status: 'upcoming' } as const;
  const run = (extra: object) => ({ ...base, node_id: null, start_time: null, session_id: null, ...extra }) as never;
  const started = {
    run_id: 'r',
    attempt: 1,
    node_id: 'a',
    pid: 1,
    start_time: '2026-01-01T00:00:00Z',
    session_id: 's',
    command_line: '',
  };
  const outcome = { status: 'success', start_time: 'x', end_time: 'y', duration: 1 } as RunOutcome;

  it('accepts the first claimant, ignores its redelivery, rejects competitors and late starts', () => {
    expect(applyStarted(run({}), started).kind).toBe('start');
    expect(applyStarted(run({ status: 'running', node_id: 'a' }), started).kind).toBe('duplicate');
    expect(applyStarted(run({ status: 'running', node_id: 'b' }), started).kind).toBe('reject');
    expect(applyStarted(run({ status: 'cancelled' }), started).kind).toBe('reject');
    expect(applyStarted(run({}), { ...started, attempt: 2 }).kind).toBe('reject');
  });

  it('never leaves a terminal state and ignores outcomes from a node that does not hold the run', () => {
    expect(applyOutcome(run({ status: 'failed' }), outcome, 'a')).toBeNull();
    expect(applyOutcome(run({ status: 'running', node_id: 'b' }), outcome, 'a')).toBeNull();
    expect(applyOutcome(run({ status: 'running', node_id: 'a' }), outcome, 'a')!.status).toBe('success');
  });
});
