import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_SETTINGS, normalizeTask, newRun } from '@ccs/core';
import { TelemetryHandle, injectTraceparent, runTracer, startTelemetry, withExtractedContext } from '@ccs/shared';
import {
  CommandEnvelope,
  COMMAND_TYPES,
  commandForWire,
  envelopeAttributes,
  makeEnvelope,
  parseEnvelope,
} from '@ccs/transport';
import { waitFor } from '@ccs/testing';

/**
 * The queue hop in AWS mode: the coordinator publishes the envelope to SNS with `traceparent` as a message attribute
 * (and in the JSON body); the node parses the SQS body. Both carriers must give the node the same trace context.
 */
describe('traceparent across the AWS encoding', () => {
  let telemetry: TelemetryHandle;
  const spans = new InMemorySpanExporter();

  beforeAll(() => {
    telemetry = startTelemetry({
      mode: 'daemon',
      env: { OTEL_TRACES_EXPORTER: 'otlp' },
      spanProcessors: [new SimpleSpanProcessor(spans)],
      metricReaders: [],
    });
  });
  afterAll(() => telemetry.shutdown());

  it('survives the SNS message attributes and the wire body, and continues the trace on the other side', async () => {
    const dispatch = runTracer().startSpan('dispatch', { kind: SpanKind.PRODUCER });
    const traceparent = injectTraceparent(trace.setSpan(context.active(), dispatch))!;
    dispatch.end();
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const task = normalizeTask({ name: 'wire', prompt: 'hi' });
    const run = newRun({ task_id: task.id, task_name: task.name });
    const envelope = makeEnvelope(
      'ExecuteRun',
      // A complete ExecuteRun: the receiving side validates the whole payload before it reads the trace context.
      { run, task, job: null, task_profile: null, job_profile: null, settings: { ...DEFAULT_SETTINGS } },
      { runId: run.id, traceparent },
    );
    const attributes = envelopeAttributes(envelope);
    expect(attributes['traceparent']).toEqual({ DataType: 'String', StringValue: traceparent });
    const received = parseEnvelope(JSON.stringify(commandForWire(envelope)), COMMAND_TYPES) as CommandEnvelope;
    expect(received.traceparent).toBe(traceparent);

    for (const carried of [attributes['traceparent'].StringValue, received.traceparent]) {
      const child = withExtractedContext(carried, () => runTracer().startSpan('execute', { kind: SpanKind.CONSUMER }));
      child.end();
    }
    // SimpleSpanProcessor hands spans to the exporter asynchronously (after resource detection settles).
    const [a, b] = await waitFor(() => {
      const done = spans.getFinishedSpans().filter((s) => s.name === 'execute');
      return done.length === 2 && done;
    });
    for (const s of [a, b]) {
      expect(s.spanContext().traceId).toBe(dispatch.spanContext().traceId);
      expect(s.parentSpanContext?.spanId).toBe(dispatch.spanContext().spanId);
    }
  });

  it('leaves the attribute out when there is no trace context', () => {
    const envelope = makeEnvelope('StopRun', { run_id: 'r', reason: 'x', by: 'user' }, { runId: 'r' });
    expect(envelopeAttributes(envelope)['traceparent']).toBeUndefined();
  });
});
