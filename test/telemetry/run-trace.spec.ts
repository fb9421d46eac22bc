import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DataPoint, Histogram, MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Task, normalizeTask } from '@ccs/core';
import { DataStore, openDataStore } from '@ccs/storage';
import { TelemetryHandle, runMetrics, startTelemetry, systemClock, telemetryActive } from '@ccs/shared';
import { CommandEnvelope, InMemoryTransport } from '@ccs/transport';
import { fakeClaudeEnv, fakeClaudePath, makeTempDir, removeTempDir, waitFor } from '@ccs/testing';
import { EventHub, RunService } from '@ccs/coordinator';
import { NodeWorker } from '@ccs/node';
import { startTestWorker } from '../support/local-worker';

/** Collects on demand, so the test reads the metrics whenever it wants (no export interval). */
class TestMetricReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function points(rm: ResourceMetrics, name: string): DataPoint<unknown>[] {
  return rm.scopeMetrics
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints as DataPoint<unknown>[]);
}

/** Sum of a counter's points whose attributes include `attrs`. */
function counter(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number {
  return points(rm, name)
    .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + (p.value as number), 0);
}

function histogramCount(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number {
  return points(rm, name)
    .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
    .reduce((n, p) => n + (p.value as Histogram).count, 0);
}

/**
 * The local flow (RunService + NodeWorker + RunExecutor over the in-memory transport, the fake `claude`) with the
 * real OpenTelemetry Node SDK started by `startTelemetry`, its exporters replaced by an in-memory span exporter and
 * an on-demand metric reader.
 */
describe('run telemetry over the local flow', () => {
  let dir: string;
  let store: DataStore;
  let transport: InMemoryTransport;
  let runs: RunService;
  let worker: NodeWorker;
  let telemetry: TelemetryHandle;
  let stopGauge: () => void;
  const spans = new InMemorySpanExporter();
  const reader = new TestMetricReader();
  const sent: CommandEnvelope[] = [];
  const fakeEnv: Record<string, string> = {};

  beforeAll(async () => {
    telemetry = startTelemetry({
      mode: 'gui',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      spanProcessors: [new SimpleSpanProcessor(spans)],
      metricReaders: [reader],
    });
    dir = makeTempDir('ccs-otel-');
    fs.mkdirSync(path.join(dir, 'work'));
    store = await openDataStore({ dataDir: path.join(dir, 'data') });
    await store.settings.update({
      claude_cli_path: fakeClaudePath(),
      stop_grace_seconds: 1,
      default_working_directory: path.join(dir, 'work'),
    });
    transport = new InMemoryTransport({ redeliveryDelayMs: 50 });
    const send = transport.commandBus.send.bind(transport.commandBus);
    transport.commandBus.send = (cmd: CommandEnvelope) => {
      sent.push(cmd);
      return send(cmd);
    };
    runs = new RunService(store, transport.commandBus, new EventHub(), systemClock);
    await transport.eventSource.start((e) => runs.handleEvent(e));
    Object.assign(fakeEnv, { PATH: process.env['PATH'] ?? '', HOME: dir, ...fakeClaudeEnv({}) });
    worker = await startTestWorker({ transport, store, env: fakeEnv });
    stopGauge = runMetrics.observeQueueDepths(() => Promise.resolve(transport.depth()));
  });

  afterAll(async () => {
    stopGauge?.();
    await worker?.stop();
    runs?.close();
    transport?.close();
    await store?.close();
    await telemetry?.shutdown();
    removeTempDir(dir);
  });

  async function task(name: string): Promise<Task> {
    const t = normalizeTask({ name, prompt: 'say hi', permissions: 'default', commit_on_success: false });
    await store.tasks.put(t);
    return t;
  }

  const spanOf = (runId: string, name: string): ReadableSpan | undefined =>
    spans.getFinishedSpans().find((s) => s.name === name && s.attributes['run.id'] === runId);

  it('starts the SDK when an OTEL_* variable asks for it', () => {
    expect(telemetry.enabled).toBe(true);
    expect(telemetryActive()).toBe(true);
  });

  it('puts dispatch and the node execution of a run in one trace, carried by the envelope traceparent', async () => {
    const t = await task('review');
    const run = await runs.start(t, { trigger: 'manual' });
    const done = await runs.waitForTerminal(run.id, 15_000);
    expect(done.status).toBe('success');
    const execute = await waitFor(() => spanOf(run.id, 'execute'), { what: 'the execute span' });
    const root = await waitFor(() => spanOf(run.id, 'run review'), { what: 'the run span' });
    const dispatch = spanOf(run.id, 'dispatch')!;
    expect(dispatch).toBeDefined();

    // One trace: run span (root) → dispatch (producer) → execute (consumer, on the node).
    const traceId = root.spanContext().traceId;
    expect(root.parentSpanContext).toBeUndefined();
    expect(dispatch.spanContext().traceId).toBe(traceId);
    expect(dispatch.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(execute.spanContext().traceId).toBe(traceId);
    expect(execute.parentSpanContext?.spanId).toBe(dispatch.spanContext().spanId);
    expect(execute.parentSpanContext?.isRemote).toBe(true);
    expect(dispatch.kind).toBe(SpanKind.PRODUCER);
    expect(execute.kind).toBe(SpanKind.CONSUMER);

    // The link is the W3C traceparent on the ExecuteRun envelope, not an in-process context that happened to leak.
    const envelope = sent.find((c) => c.type === 'ExecuteRun' && c.runId === run.id)!;
    expect(envelope.traceparent).toBe(`00-${traceId}-${dispatch.spanContext().spanId}-01`);

    expect(root.attributes).toMatchObject({
      'run.id': run.id,
      'task.id': t.id,
      'task.name': 'review',
      'run.trigger': 'manual',
      'run.attempt': 1,
      'run.status': 'success',
      'node.id': 'local',
    });
    expect(root.events.map((e) => e.name)).toContain('started');
    expect(execute.attributes).toMatchObject({
      'run.id': run.id,
      'node.id': 'local',
      'run.status': 'success',
      'run.exit_code': 0,
    });
    expect(execute.attributes['run.cost_usd']).toBe(done.cost_usd);
    expect(execute.attributes['run.tokens.input']).toBe(done.input_tokens);
    expect(execute.attributes['run.tokens.output']).toBe(done.output_tokens);
    expect(execute.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('records a failed run as an error on its execute and run spans', async () => {
    fakeEnv['FAKE_CLAUDE_MODE'] = 'fail';
    try {
      const run = await runs.start(await task('broken'), { trigger: 'manual' });
      const done = await runs.waitForTerminal(run.id, 15_000);
      expect(done.status).toBe('failed');
      const execute = await waitFor(() => spanOf(run.id, 'execute'), { what: 'the execute span' });
      const root = await waitFor(() => spanOf(run.id, 'run broken'), { what: 'the run span' });
      expect(execute.spanContext().traceId).toBe(root.spanContext().traceId);
      for (const span of [execute, root]) {
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.attributes['run.status']).toBe('failed');
        expect(span.events.some((e) => e.name === 'exception')).toBe(true);
      }
      expect(execute.attributes['run.exit_code']).toBe(1);
    } finally {
      fakeEnv['FAKE_CLAUDE_MODE'] = 'success';
    }
  });

  it('counts runs started and finished by outcome, their duration, dispatch latency, tokens, cost and queue depth', async () => {
    const { resourceMetrics: rm, errors } = await reader.collect();
    expect(errors).toEqual([]);
    expect(counter(rm, 'ccs.runs.started', { trigger: 'manual' })).toBe(2);
    expect(counter(rm, 'ccs.runs.finished', { outcome: 'success' })).toBe(1);
    expect(counter(rm, 'ccs.runs.finished', { outcome: 'failed' })).toBe(1);
    expect(histogramCount(rm, 'ccs.run.duration', { outcome: 'success' })).toBe(1);
    expect(histogramCount(rm, 'ccs.dispatch.latency')).toBe(2);
    expect(counter(rm, 'ccs.tokens', { kind: 'input' })).toBeGreaterThan(0);
    expect(counter(rm, 'ccs.tokens', { kind: 'output' })).toBeGreaterThan(0);
    expect(counter(rm, 'ccs.cost')).toBeGreaterThan(0);
    const depth = points(rm, 'ccs.queue.depth');
    expect(depth.map((p) => p.attributes['queue']).sort()).toEqual(['events', 'work']);
    expect(depth.every((p) => typeof p.value === 'number')).toBe(true);
    expect(rm.resource.attributes['service.name']).toBe('claude-code-scheduler-gui');
  });

  it("gives a retry its own trace, though it is started from the failed attempt's event handling", async () => {
    fakeEnv['FAKE_CLAUDE_MODE'] = 'fail';
    try {
      const t = normalizeTask({
        name: 'flaky',
        prompt: 'fail',
        permissions: 'default',
        commit_on_success: false,
        retry: { enabled: true, max_attempts: 1, delay_seconds: 0.05, backoff_multiplier: 1 },
      });
      await store.tasks.put(t);
      const first = await runs.start(t, { trigger: 'manual' });
      await runs.waitForTerminal(first.id, 15_000);
      const second = await waitFor(() => store.runs.list().find((r) => r.task_id === t.id && r.attempt === 2), {
        what: 'the retry',
      });
      await runs.waitForTerminal(second.id, 15_000);
      const a = await waitFor(() => spanOf(first.id, 'run flaky'));
      const b = await waitFor(() => spanOf(second.id, 'run flaky'));
      const bExecute = await waitFor(() => spanOf(second.id, 'execute'));
      expect(b.attributes).toMatchObject({ 'run.trigger': 'retry', 'run.attempt': 2 });
      expect(b.parentSpanContext).toBeUndefined();
      expect(b.spanContext().traceId).not.toBe(a.spanContext().traceId);
      expect(bExecute.spanContext().traceId).toBe(b.spanContext().traceId);
    } finally {
      fakeEnv['FAKE_CLAUDE_MODE'] = 'success';
    }
  });
});
