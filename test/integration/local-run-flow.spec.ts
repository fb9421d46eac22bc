import * as fs from 'node:fs';
import * as path from 'node:path';
import { Run, Task, normalizeJob, normalizeTask } from '@ccs/core';
import { openDataStore, RunLogFiles, DataStore } from '@ccs/storage';
import { systemClock } from '@ccs/shared';
import { InMemoryTransport } from '@ccs/transport';
import {
  fakeClaudeEnv,
  fakeClaudePath,
  isProcessAlive,
  makeTempDir,
  readFakeClaudeRecords,
  removeTempDir,
  waitFor,
} from '@ccs/testing';
import { EventHub, JobRunner, RunService } from '@ccs/coordinator';
import { NodeWorker } from '@ccs/node';
import { startTestWorker } from '../support/local-worker';

/**
 * Coordinator services and an in-process node over the in-memory transport and a real data directory — the gui
 * wiring minus HTTP — with the fake `claude` as the only stand-in.
 */
describe('local run flow (coordinator + node over the in-memory transport)', () => {
  let dir: string;
  let store: DataStore;
  let transport: InMemoryTransport;
  let runs: RunService;
  let jobs: JobRunner;
  let worker: NodeWorker;
  let hub: EventHub;
  let fakeEnv: Record<string, string>;
  const recordDir = () => path.join(dir, 'records');

  async function setup(mode: Parameters<typeof fakeClaudeEnv>[0] = {}): Promise<void> {
    dir = makeTempDir('ccs-flow-');
    fs.mkdirSync(path.join(dir, 'work'));
    store = await openDataStore({ dataDir: path.join(dir, 'data') });
    await store.settings.update({
      claude_cli_path: fakeClaudePath(),
      stop_grace_seconds: 1,
      default_working_directory: path.join(dir, 'work'),
    });
    transport = new InMemoryTransport({ redeliveryDelayMs: 50 });
    hub = new EventHub();
    runs = new RunService(store, transport.commandBus, hub, systemClock);
    jobs = new JobRunner(store, runs, hub, systemClock);
    await transport.eventSource.start((e) => runs.handleEvent(e));
    fakeEnv = { PATH: process.env['PATH'] ?? '', HOME: dir, ...fakeClaudeEnv({ recordDir: recordDir(), ...mode }) };
    worker = await startTestWorker({ transport, store, env: fakeEnv });
  }

  afterEach(async () => {
    await worker?.stop();
    runs?.close();
    jobs?.close();
    transport?.close();
    await store?.close();
    removeTempDir(dir);
  });

  async function task(extra: Record<string, unknown> = {}): Promise<Task> {
    const t = normalizeTask({
      name: 'review',
      prompt: 'say hi',
      permissions: 'default',
      commit_on_success: false,
      ...extra,
    });
    await store.tasks.put(t);
    return t;
  }

  it('runs a task end to end: final state, numbers, session id, log and raw JSONL', async () => {
    await setup();
    const t = await task({ model: 'haiku' });
    const outputSeqs: number[] = [];
    hub.subscribe((e) => {
      if (e.type === 'run.output') outputSeqs.push((e.data as { seq: number }).seq);
    });
    const run = await runs.start(t, { trigger: 'manual' });
    const done = await runs.waitForTerminal(run.id, 10_000);
    expect(done.status).toBe('success');
    expect(done.exit_code).toBe(0);
    expect(done.cost_usd).toBeGreaterThan(0);
    expect(done.input_tokens).toBeGreaterThan(0);
    expect(done.output_tokens).toBeGreaterThan(0);
    expect(done.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(done.node_id).toBe('local');
    const [rec] = readFakeClaudeRecords(recordDir());
    expect(rec.options['sessionId']).toBe(done.session_id);
    expect(rec.prompt).toBe('say hi');
    expect(store.tasks.get(t.id)!.last_session_id).toBe(done.session_id);
    const files = RunLogFiles.forDataDir(store.dataDir);
    const logText = (await files.read(run.id))!;
    expect(logText).toContain('[scheduler] command:');
    expect(logText).toContain('SUCCESS: exit code 0');
    const jsonl = (await files.read(run.id, 'jsonl'))!.trim().split('\n');
    expect(JSON.parse(jsonl[0]).type).toBe('system');
    expect(JSON.parse(jsonl[jsonl.length - 1]).type).toBe('result');
    expect(outputSeqs.length).toBeGreaterThan(0);
    expect(outputSeqs).toEqual([...outputSeqs].sort((a, b) => a - b));
  });

  it('fails a run whose result says is_error, keeping the real exit code, and retries with a new attempt', async () => {
    await setup({ mode: 'fail' });
    const t = await task({ retry: { enabled: true, max_attempts: 1, delay_seconds: 0.05, backoff_multiplier: 1 } });
    const first = await runs.start(t, { trigger: 'manual' });
    const done = await runs.waitForTerminal(first.id, 10_000);
    expect(done.status).toBe('failed');
    expect(done.exit_code).toBe(1);
    expect(done.errors).toBeTruthy();
    const second = await waitFor(() => store.runs.list().find((r) => r.attempt === 2), { what: 'the retry run' });
    expect(second.trigger).toBe('retry');
    const done2 = await runs.waitForTerminal(second.id, 10_000);
    expect(done2.status).toBe('failed');
    await new Promise((r) => setTimeout(r, 200));
    expect(store.runs.list()).toHaveLength(2);
  });

  it('stops a running run: process group killed, run cancelled with who and why', async () => {
    await setup({ mode: 'ignore-sigterm' });
    const t = await task();
    const run = await runs.start(t, { trigger: 'manual' });
    await waitFor(() => store.runs.get(run.id)!.status === 'running', { what: 'running' });
    const rec = await waitFor(() => readFakeClaudeRecords(recordDir()).find((r) => r.grandchild_pid !== undefined));
    const stopped = await runs.stop(run.id, 'user', 'stopped by test');
    expect(stopped.status).toBe('cancelled');
    expect(stopped.status_reason).toContain('stopped by test');
    expect(isProcessAlive(rec.pid)).toBe(false);
    expect(isProcessAlive(rec.grandchild_pid!)).toBe(false);
  });

  it('runs a job in task order, retrying a failed task per seq_max_retries', async () => {
    await setup({});
    const job = normalizeJob({ name: 'nightly', working_directory: { path: path.join(dir, 'work') } });
    const a = await task({ name: 'a', job_id: job.id, prompt: 'first' });
    const b = await task({
      name: 'b',
      job_id: job.id,
      prompt: 'second',
      schedule: { schedule_type: 'sequential', seq_max_retries: 1, seq_retry_delay_seconds: 0 },
    });
    const c = await task({ name: 'c', job_id: job.id, prompt: 'third' });
    await store.jobs.put({ ...job, task_order: [a.id, b.id, c.id] });
    // The second task fails on its first attempt only: a script that fails when a marker file is absent.
    const marker = path.join(dir, 'b-failed-once');
    await store.tasks.put({ ...b, prompt: `second ${marker}` });
    fakeEnv['FAKE_CLAUDE_FAIL_ONCE_MARKER'] = marker;
    const statuses: string[] = [];
    hub.subscribe((e) => {
      if (e.type === 'job.changed') statuses.push((e.data as { status: string }).status);
    });
    await jobs.start(job.id);
    await waitFor(() => store.jobs.get(job.id)!.status === 'completed' || store.jobs.get(job.id)!.status === 'failed', {
      timeoutMs: 20_000,
      what: 'job end',
    });
    expect(store.jobs.get(job.id)!.status).toBe('completed');
    await waitFor(() => statuses.length === 2);
    expect(statuses).toEqual(['in_progress', 'completed']);
    const prompts = readFakeClaudeRecords(recordDir()).map((r) => r.prompt);
    expect(prompts).toEqual(['first', `second ${marker}`, `second ${marker}`, 'third']);
  });

  it('stopping a job kills its running process and marks the job cancelled', async () => {
    await setup({ mode: 'hang' });
    const job = normalizeJob({ name: 'stoppable', working_directory: { path: path.join(dir, 'work') } });
    const a = await task({ name: 'a', job_id: job.id, prompt: 'hang here' });
    await store.jobs.put({ ...job, task_order: [a.id] });
    const { run } = await jobs.start(job.id);
    await waitFor(() => store.runs.get(run.id)!.status === 'running');
    const rec = await waitFor(() => readFakeClaudeRecords(recordDir())[0]);
    const stopped = await jobs.stop(job.id);
    expect(stopped.status).toBe('cancelled');
    await waitFor(() => store.runs.get(run.id)!.status === 'cancelled');
    expect(isProcessAlive(rec.pid)).toBe(false);
    expect(jobs.isRunning(job.id)).toBe(false);
  });

  it('runs at most max_concurrent_tasks at once, the rest wait in order; a new limit applies at once', async () => {
    await setup({ mode: 'slow', delayMs: 150 });
    worker.setCapacity(1);
    const t = await task();
    const started: string[] = [];
    let maxRunning = 0;
    hub.subscribe((e) => {
      if (e.type !== 'run.updated') return;
      const running = store.runs.list().filter((r) => r.status === 'running').length;
      maxRunning = Math.max(maxRunning, running);
      const r = e.data as { id: string; status: string };
      if (r.status === 'running' && !started.includes(r.id)) started.push(r.id);
    });
    const created: Run[] = [];
    for (let i = 0; i < 3; i++) created.push(await runs.start(t, { trigger: 'manual' }));
    await waitFor(() => started.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(store.runs.list().filter((r) => r.status === 'running')).toHaveLength(1);
    worker.setCapacity(3);
    await waitFor(() => created.every((r) => store.runs.get(r.id)!.status === 'success'), { timeoutMs: 20_000 });
    expect(started[0]).toBe(created[0].id);
    expect(maxRunning).toBeGreaterThanOrEqual(2);
  });
});
