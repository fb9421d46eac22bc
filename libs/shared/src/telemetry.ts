import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  ValueType,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  metrics,
  propagation,
  trace,
} from '@opentelemetry/api';
import type {
  Attributes,
  Context,
  Counter,
  Histogram,
  Link,
  ObservableGauge,
  ObservableResult,
  Span,
  TextMapPropagator,
  Tracer,
} from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';
import type * as OtelSdkNode from '@opentelemetry/sdk-node';
import type { Clock } from './clock';
import { getLogger } from './logger';
import { TelemetryMode, telemetryConfig } from './telemetry.config';

/**
 * OpenTelemetry for runs (issue #6): one trace per run — `run <task name>` on the coordinator, a `dispatch` span
 * for the hand-over to the transport, and the node's `execute` span joined through the envelope's W3C
 * `traceparent` — plus run metrics. Off by default (see telemetry.config.ts). While off, every helper here returns
 * after one boolean check: the API hot paths call them per request, so they must not allocate.
 */

const log = getLogger('telemetry');

/** Instrumentation scope of every span and instrument here. */
export const TELEMETRY_SCOPE = 'claude-code-scheduler';

let active = false;
/** W3C Trace Context, independent of OTEL_PROPAGATORS: the envelope field is a `traceparent` whatever else is on. */
let w3c: TextMapPropagator | null = null;
let tracer: Tracer | null = null;

/** True between a successful `startTelemetry` and its `shutdown`. */
export function telemetryActive(): boolean {
  return active;
}

type NodeSdkConfig = Partial<OtelSdkNode.NodeSDKConfiguration>;

export interface TelemetryOptions {
  mode: TelemetryMode;
  /** The process environment (telemetry.config.ts reads the OTEL_* variables from it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Replace the span exporters the OTEL_* variables would select (tests: an in-memory exporter). */
  spanProcessors?: NodeSdkConfig['spanProcessors'];
  /** Replace the metric readers the OTEL_* variables would select (tests: an in-memory reader). */
  metricReaders?: NodeSdkConfig['metricReaders'];
}

export interface TelemetryHandle {
  /** Whether an SDK was started (false when telemetry is off). */
  readonly enabled: boolean;
  /** Flushes and stops the SDK. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

const OFF: TelemetryHandle = { enabled: false, shutdown: () => Promise.resolve() };

/** Upper bound on a shutdown flush, so an unreachable collector cannot hold the process open. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Starts the OpenTelemetry Node SDK when the OTEL_* variables ask for it; a no-op handle otherwise. The SDK reads
 * the exporter settings (OTEL_EXPORTER_OTLP_*, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, sampler, resource
 * attributes …) itself. A failure to start is logged and the process runs on without telemetry.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  const config = telemetryConfig(options.mode, options.env);
  if (!config.enabled) return OFF;
  if (active) {
    log.warn('OpenTelemetry is already started in this process; ignoring the second start');
    return OFF;
  }
  let sdk: OtelSdkNode.NodeSDK;
  try {
    // Loaded only when telemetry is on: the SDK and its exporters take ~200 ms to require, which every CLI
    // invocation would otherwise pay.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof OtelSdkNode;
    const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof OtelCore;
    /* eslint-enable @typescript-eslint/no-require-imports */
    sdk = new NodeSDK({
      serviceName: config.serviceName,
      ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
      ...(options.metricReaders ? { metricReaders: options.metricReaders } : {}),
    });
    sdk.start();
    w3c = new W3CTraceContextPropagator();
  } catch (err) {
    log.warn('OpenTelemetry could not start; running without it:', err instanceof Error ? err.message : err);
    return OFF;
  }
  active = true;
  resetCaches();
  log.info(`OpenTelemetry on (service ${config.serviceName})`);
  let stopping: Promise<void> | null = null;
  return {
    enabled: true,
    shutdown: () =>
      (stopping ??= (async () => {
        // Stop producing first, so nothing races the final flush.
        active = false;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            sdk.shutdown(),
            new Promise<void>((resolve) => {
              timer = setTimeout(() => {
                log.warn(`OpenTelemetry flush did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000} s; giving up`);
                resolve();
              }, SHUTDOWN_TIMEOUT_MS);
              timer.unref();
            }),
          ]);
        } catch (err) {
          log.warn('OpenTelemetry shutdown failed:', err instanceof Error ? err.message : err);
        } finally {
          clearTimeout(timer);
          // NodeSDK leaves its providers registered globally; unregister them so a later start (tests, an
          // in-process restart) can register fresh ones instead of being refused.
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
          w3c = null;
          resetCaches();
        }
      })()),
  };
}

function resetCaches(): void {
  tracer = null;
  runMetrics.reset();
}

/** The tracer every run span comes from. */
export function runTracer(): Tracer {
  return (tracer ??= trace.getTracer(TELEMETRY_SCOPE));
}

/** The W3C `traceparent` of `ctx` (default: the active context); undefined when off or there is no span. */
export function injectTraceparent(ctx?: Context): string | undefined {
  if (!active || !w3c) return undefined;
  const carrier: { traceparent?: string } = {};
  w3c.inject(ctx ?? context.active(), carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/**
 * Runs `fn` in the context a `traceparent` carries across a message hop. The remote context replaces whatever is
 * active locally (with the in-memory transport, the sender's async context leaks into the receiver), and a
 * message without one starts from the root. When off, just calls `fn`.
 */
export function withExtractedContext<T>(traceparent: string | undefined, fn: () => T): T {
  if (!active || !w3c) return fn();
  const ctx = traceparent ? w3c.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
  return context.with(ctx, fn);
}

/** Run outcome kinds, the `outcome` attribute of `ccs.runs.finished` and `ccs.run.duration`. */
export type RunOutcomeKind = 'success' | 'failed' | 'cancelled';
/** Token kinds, the `kind` attribute of `ccs.tokens`. */
export type TokenKind = 'input' | 'output' | 'cache_read' | 'cache_creation';

interface RunInstruments {
  started: Counter;
  finished: Counter;
  duration: Histogram;
  dispatchLatency: Histogram;
  tokens: Counter;
  cost: Counter;
  queueDepth: ObservableGauge;
}

/**
 * The run metrics, created on first use from the global meter (so after `startTelemetry` registered the SDK's
 * provider; before that the API would hand out no-op instruments for good).
 */
class RunMetrics {
  private instruments: RunInstruments | null = null;

  private get i(): RunInstruments {
    if (this.instruments) return this.instruments;
    const meter = metrics.getMeter(TELEMETRY_SCOPE);
    this.instruments = {
      started: meter.createCounter('ccs.runs.started', {
        description: 'Runs a node started executing (TaskStarted accepted by the coordinator)',
        unit: '{run}',
        valueType: ValueType.INT,
      }),
      finished: meter.createCounter('ccs.runs.finished', {
        description: 'Runs that reached a final state, by outcome (success, failed, cancelled)',
        unit: '{run}',
        valueType: ValueType.INT,
      }),
      duration: meter.createHistogram('ccs.run.duration', {
        description: 'Run duration from process start to end, by outcome',
        unit: 's',
        advice: { explicitBucketBoundaries: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] },
      }),
      dispatchLatency: meter.createHistogram('ccs.dispatch.latency', {
        description: 'From run creation on the coordinator to its TaskStarted arriving there',
        unit: 'ms',
        advice: {
          explicitBucketBoundaries: [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000],
        },
      }),
      tokens: meter.createCounter('ccs.tokens', {
        description: 'Tokens used by finished runs, by kind (input, output, cache_read, cache_creation)',
        unit: '{token}',
        valueType: ValueType.INT,
      }),
      cost: meter.createCounter('ccs.cost', {
        description: 'Cost of finished runs as Claude reported it',
        unit: 'USD',
      }),
      queueDepth: meter.createObservableGauge('ccs.queue.depth', {
        description: 'Messages waiting in the transport queues, by queue',
        unit: '{message}',
        valueType: ValueType.INT,
      }),
    };
    return this.instruments;
  }

  get started(): Counter {
    return this.i.started;
  }
  get finished(): Counter {
    return this.i.finished;
  }
  get duration(): Histogram {
    return this.i.duration;
  }
  get dispatchLatency(): Histogram {
    return this.i.dispatchLatency;
  }
  get tokens(): Counter {
    return this.i.tokens;
  }
  get cost(): Counter {
    return this.i.cost;
  }

  /**
   * Reports `depths()` (queue name → messages) as `ccs.queue.depth{queue}` at each collection; the composition root
   * passes the Coordinator's `info.queueDepths`. Returns the unregister function. A no-op when telemetry is off.
   */
  observeQueueDepths(depths: () => Promise<Record<string, number>>): () => void {
    if (!active) return () => undefined;
    const gauge = this.i.queueDepth;
    const callback = async (result: ObservableResult): Promise<void> => {
      let values: Record<string, number>;
      try {
        values = await depths();
      } catch (err) {
        // An SQS hiccup must not break the whole collection; the next one tries again.
        log.debug('queue depth for metrics unavailable:', err instanceof Error ? err.message : err);
        return;
      }
      for (const [queue, n] of Object.entries(values)) result.observe(n, { queue });
    };
    gauge.addCallback(callback);
    return () => gauge.removeCallback(callback);
  }

  /** Forgets the instruments (the provider they came from was replaced or shut down). */
  reset(): void {
    this.instruments = null;
  }
}

/** The run metrics (`ccs.*`); record only when `telemetryActive()`. */
export const runMetrics = new RunMetrics();

/** The fields of a run the coordinator's telemetry reads: a structural subset of `@ccs/core`'s Run. */
export interface RunTelemetryFacts {
  id: string;
  task_id: string;
  task_name: string;
  job_id: string | null;
  attempt: number;
  trigger: string | null;
  status: string;
  node_id: string | null;
  duration: number | null;
  exit_code: number | null;
  errors: string | null;
  status_reason: string | null;
  cost_usd: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
}

/** A node's final numbers for a run: a structural subset of `@ccs/transport`'s RunOutcome. */
export type ExecutionFacts = Pick<
  RunTelemetryFacts,
  | 'status'
  | 'exit_code'
  | 'errors'
  | 'status_reason'
  | 'cost_usd'
  | 'input_tokens'
  | 'output_tokens'
  | 'cache_read_tokens'
  | 'cache_creation_tokens'
>;

interface OpenRun {
  span: Span;
  ctx: Context;
  /** Creation time on the coordinator's clock; null for a run created by an earlier process (no latency then). */
  createdMs: number | null;
  dispatch: Span | null;
}

/**
 * The coordinator's side of run telemetry, one per RunService. Each run gets a root span `run <task name>` from its
 * creation to its final state; every hand-over to the transport is a `dispatch` child whose context travels as the
 * envelope's `traceparent`, so the node's `execute` span lands in the same trace. Metrics are recorded as the
 * node's events arrive. Every method returns at once when telemetry is off.
 */
export class RunTelemetry {
  private readonly open = new Map<string, OpenRun>();

  /** A run was created (`upcoming`): opens its root span. */
  created(run: RunTelemetryFacts, now: Date): void {
    if (!active) return;
    this.begin(run, now.getTime());
  }

  /**
   * The run is about to be handed to the transport: opens a `dispatch` span and returns its W3C traceparent for the
   * envelope (undefined when off). Pair with `dispatched`.
   */
  dispatching(run: RunTelemetryFacts): string | undefined {
    if (!active) return undefined;
    // Not open: created by an earlier coordinator process (outbox after a restart); its trace starts here.
    const open = this.open.get(run.id) ?? this.begin(run, null);
    open.dispatch?.end();
    open.dispatch = runTracer().startSpan(
      'dispatch',
      { kind: SpanKind.PRODUCER, attributes: { 'run.id': run.id, 'messaging.operation.type': 'send' } },
      open.ctx,
    );
    return injectTraceparent(trace.setSpan(open.ctx, open.dispatch));
  }

  /** The transport accepted the dispatch, or refused it with `error` (the run stays in the outbox). */
  dispatched(runId: string, error?: unknown): void {
    if (!active) return;
    const open = this.open.get(runId);
    const span = open?.dispatch;
    if (!open || !span) return;
    if (error !== undefined) {
      span.recordException(asException(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'transport did not accept the run; kept in the outbox' });
    }
    span.end();
    open.dispatch = null;
  }

  /** A node's TaskStarted was accepted: counts the start and the dispatch latency. */
  started(run: RunTelemetryFacts, clock: Clock): void {
    if (!active) return;
    runMetrics.started.add(1, { trigger: run.trigger ?? 'unknown' });
    const open = this.open.get(run.id);
    if (!open) return;
    if (open.createdMs !== null) runMetrics.dispatchLatency.record(Math.max(0, clock.now().getTime() - open.createdMs));
    open.span.addEvent('started', run.node_id ? { 'node.id': run.node_id } : undefined);
  }

  /** The run reached its final state (from a node's outcome or on the coordinator's authority). */
  finished(run: RunTelemetryFacts): void {
    if (!active) return;
    const outcome = run.status as RunOutcomeKind;
    runMetrics.finished.add(1, { outcome });
    if (run.duration !== null) runMetrics.duration.record(run.duration, { outcome });
    addTokens('input', run.input_tokens);
    addTokens('output', run.output_tokens);
    addTokens('cache_read', run.cache_read_tokens);
    addTokens('cache_creation', run.cache_creation_tokens);
    if (run.cost_usd) runMetrics.cost.add(run.cost_usd);
    const open = this.open.get(run.id);
    if (!open) return;
    this.open.delete(run.id);
    open.dispatch?.end();
    if (run.node_id) open.span.setAttribute('node.id', run.node_id);
    endWithOutcome(open.span, run);
  }

  /** Coordinator shutdown: ends the spans of runs still open, so they are exported with the final flush. */
  close(): void {
    for (const open of this.open.values()) {
      open.dispatch?.end();
      open.span.addEvent('coordinator stopped before the run finished');
      open.span.end();
    }
    this.open.clear();
  }

  private begin(run: RunTelemetryFacts, createdMs: number | null): OpenRun {
    // Always a root span, so a run started from another run's completion (retry, the next task of a job) does
    // not end up inside that run's trace; the cause, if any is active, is kept as a link.
    const cause = trace.getSpanContext(context.active());
    const links: Link[] | undefined = cause ? [{ context: cause }] : undefined;
    const attributes: Attributes = {
      'run.id': run.id,
      'task.id': run.task_id,
      'task.name': run.task_name,
      'run.trigger': run.trigger ?? 'unknown',
      'run.attempt': run.attempt,
    };
    if (run.job_id) attributes['job.id'] = run.job_id;
    const span = runTracer().startSpan(`run ${run.task_name}`, {
      root: true,
      kind: SpanKind.INTERNAL,
      attributes,
      links,
    });
    const open: OpenRun = { span, ctx: trace.setSpan(ROOT_CONTEXT, span), createdMs, dispatch: null };
    this.open.set(run.id, open);
    return open;
  }
}

/** What `recordException` accepts, from anything a promise may reject with. */
function asException(err: unknown): Error | string {
  if (err instanceof Error) return err;
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? 'unknown error');
}

function addTokens(kind: TokenKind, n: number | null): void {
  if (n) runMetrics.tokens.add(n, { kind });
}

/** Outcome attributes and status on a run's span (coordinator) or its execute span (node), then ends it. */
function endWithOutcome(span: Span, o: ExecutionFacts): void {
  const attributes: Attributes = { 'run.status': o.status };
  if (o.exit_code !== null) attributes['run.exit_code'] = o.exit_code;
  if (o.cost_usd !== null) attributes['run.cost_usd'] = o.cost_usd;
  if (o.input_tokens !== null) attributes['run.tokens.input'] = o.input_tokens;
  if (o.output_tokens !== null) attributes['run.tokens.output'] = o.output_tokens;
  if (o.cache_read_tokens !== null) attributes['run.tokens.cache_read'] = o.cache_read_tokens;
  if (o.cache_creation_tokens !== null) attributes['run.tokens.cache_creation'] = o.cache_creation_tokens;
  if (o.status_reason) attributes['run.status_reason'] = o.status_reason.slice(0, 512);
  span.setAttributes(attributes);
  if (o.status === 'failed') {
    const message = (o.status_reason ?? o.errors ?? 'run failed').slice(0, 512);
    span.recordException({ name: 'RunFailed', message });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/**
 * The node's side: runs `execute` (one run's execution) inside an `execute` span that continues the trace carried by
 * the ExecuteRun envelope's `traceparent`, with the run's outcome as attributes and failures recorded. When off,
 * just returns `execute()`.
 */
export function traceExecution<T extends ExecutionFacts>(
  traceparent: string | undefined,
  runId: string,
  nodeId: string,
  execute: () => Promise<T>,
): Promise<T> {
  if (!active) return execute();
  return withExtractedContext(traceparent, () =>
    runTracer().startActiveSpan(
      'execute',
      { kind: SpanKind.CONSUMER, attributes: { 'run.id': runId, 'node.id': nodeId } },
      async (span): Promise<T> => {
        let outcome: T;
        try {
          outcome = await execute();
        } catch (err) {
          const exception = asException(err);
          span.recordException(exception);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: typeof exception === 'string' ? exception : exception.message,
          });
          span.end();
          throw err;
        }
        endWithOutcome(span, outcome);
        return outcome;
      },
    ),
  );
}
