import * as path from 'node:path';
import { context, metrics, trace } from '@opentelemetry/api';
import { normalizeTask } from '@ccs/core';
import { DataStore, openDataStore } from '@ccs/storage';
import {
  RunTelemetry,
  injectTraceparent,
  runMetrics,
  startTelemetry,
  systemClock,
  telemetryActive,
  telemetryConfig,
  traceExecution,
  withExtractedContext,
} from '@ccs/shared';
import { CommandEnvelope, InMemoryTransport } from '@ccs/transport';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { EventHub, RunService } from '@ccs/coordinator';

describe('telemetry config (the OTEL_* gate)', () => {
  it('is off by default', () => {
    expect(telemetryConfig('gui', {})).toEqual({ enabled: false, serviceName: 'claude-code-scheduler-gui' });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://collector:4318'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'http://collector:4318/v1/traces'],
    ['OTEL_TRACES_EXPORTER', 'otlp'],
    ['OTEL_METRICS_EXPORTER', 'prometheus'],
  ])('is on when %s is set', (name, value) => {
    expect(telemetryConfig('daemon', { [name]: value }).enabled).toBe(true);
  });

  it('stays off when OTEL_SDK_DISABLED is true, whatever else is set', () => {
    expect(
      telemetryConfig('node', { OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled,
    ).toBe(false);
    expect(
      telemetryConfig('node', { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).enabled,
    ).toBe(true);
  });

  it('does not count empty values or exporters set to none', () => {
    expect(
      telemetryConfig('gui', {
        OTEL_EXPORTER_OTLP_ENDPOINT: ' ',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
      }).enabled,
    ).toBe(false);
  });

  it('names the service after OTEL_SERVICE_NAME or the mode', () => {
    expect(telemetryConfig('node', {}).serviceName).toBe('claude-code-scheduler-node');
    expect(telemetryConfig('node', { OTEL_SERVICE_NAME: 'ccs-worker-eu' }).serviceName).toBe('ccs-worker-eu');
  });
});

describe('telemetry off (default environment)', () => {
  it('startTelemetry starts nothing: no provider registered, helpers are pass-throughs', async () => {
    const handle = startTelemetry({ mode: 'gui', env: {} });
    expect(handle.enabled).toBe(false);
    expect(telemetryActive()).toBe(false);
    // Nothing was registered globally: spans do not record, and the meter is the API's no-op one.
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
    expect(injectTraceparent()).toBeUndefined();
    expect(
      withExtractedContext('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', () =>
        trace.getSpanContext(context.active()),
      ),
    ).toBeUndefined();
    await expect(
      traceExecution(undefined, 'r', 'n', () => Promise.resolve({ status: 'success' } as never)),
    ).resolves.toEqual({ status: 'success' });
    const unregister = runMetrics.observeQueueDepths(() => Promise.reject(new Error('must not be called')));
    unregister();
    await handle.shutdown();
  });

  it('a process whose environment disables the SDK starts nothing either', () => {
    const handle = startTelemetry({ mode: 'daemon', env: { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' } });
    expect(handle.enabled).toBe(false);
    expect(telemetryActive()).toBe(false);
  });

  it('RunTelemetry hooks are no-ops', () => {
    const t = new RunTelemetry();
    const run = {
      id: 'r1',
      task_id: 't1',
      task_name: 'x',
      job_id: null,
      attempt: 1,
      trigger: 'manual',
      status: 'success',
      node_id: 'n',
      duration: 1,
      exit_code: 0,
      errors: null,
      status_reason: null,
      cost_usd: 0.1,
      input_tokens: 1,
      output_tokens: 1,
      cache_read_tokens: null,
      cache_creation_tokens: null,
    };
    t.created(run, new Date());
    expect(t.dispatching(run)).toBeUndefined();
    t.dispatched(run.id);
    t.started(run, systemClock);
    t.finished(run);
    t.close();
  });

  describe('dispatch', () => {
    let dir: string;
    let store: DataStore;
    let transport: InMemoryTransport;
    let runs: RunService;

    afterEach(async () => {
      runs?.close();
      transport?.close();
      await store?.close();
      removeTempDir(dir);
    });

    it('sends ExecuteRun envelopes without a traceparent', async () => {
      dir = makeTempDir('ccs-otel-off-');
      store = await openDataStore({ dataDir: path.join(dir, 'data') });
      transport = new InMemoryTransport();
      const sent: CommandEnvelope[] = [];
      transport.commandBus.send = (cmd: CommandEnvelope) => {
        sent.push(cmd);
        return Promise.resolve();
      };
      runs = new RunService(store, transport.commandBus, new EventHub(), systemClock);
      const t = normalizeTask({ name: 'quiet', prompt: 'hi' });
      await store.tasks.put(t);
      const run = await runs.start(t, { trigger: 'manual' });
      expect(sent).toHaveLength(1);
      expect(sent[0].runId).toBe(run.id);
      expect('traceparent' in sent[0]).toBe(false);
      expect(store.runs.get(run.id)!.dispatched_at).not.toBeNull();
    });
  });
});
