import * as os from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { machineTimeZone } from '@ccs/core';
import { ApiServer, ChokidarFileWatcher, Coordinator, createApiServer } from '@ccs/coordinator';
import { NodeWorker, createRunExecutor, expandPath } from '@ccs/node';
import { openDataStore } from '@ccs/storage';
import { getLogger, runMetrics, startTelemetry, systemClock } from '@ccs/shared';
import {
  BufferedEventBus,
  LogCapPolicy,
  S3LogStore,
  applyLogCapsFrom,
  SnsCommandBus,
  SnsEventBus,
  SqsCommandSource,
  SqsEventSource,
  deadLetterQueueOf,
  discoverCommandTopic,
  findWorkQueue,
  queueDepth,
  queuePrefixOf,
} from '@ccs/transport';
import { s3ForcePathStyle } from './cloud.config';

const log = getLogger('cloud');

export interface AwsClientOptions {
  region?: string;
  profile?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** SDK clients with the standard configuration chain (env credentials, profiles, instance roles, AWS_ENDPOINT_URL_*). */
function clients(o: AwsClientOptions): { sqs: SQSClient; sns: SNSClient; s3: S3Client } {
  const base = { ...(o.region ? { region: o.region } : {}), ...(o.profile ? { profile: o.profile } : {}) };
  return {
    sqs: new SQSClient(base),
    sns: new SNSClient(base),
    s3: new S3Client({
      ...base,
      forcePathStyle: s3ForcePathStyle(o.env),
      // S3-compatible test servers store the SDK's streaming checksum framing verbatim; AWS does not need it.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  };
}

export interface DaemonOptions extends AwsClientOptions {
  commandTopicArn: string;
  serverQueueUrl: string;
  /** null: the work queue next to the server queue by the stack's names, if there is one. */
  nodeQueueUrl: string | null;
  /** null: the server queue's redrive-policy DLQ, if it has one. */
  serverDlqUrl: string | null;
  bucket: string;
  dataDir: string;
  host: string;
  port: number;
  apiToken: string | null;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  nodeTimeoutMs: number;
  pollSeconds: number;
}

export interface RunningMode {
  url?: string;
  close(reason?: string): Promise<void>;
}

/**
 * `daemon`: the coordinator over the AWS adapters — commands to SNS, node events from SQS, logs read from S3,
 * the same Coordinator and API as `gui`.
 */
export async function startDaemon(o: DaemonOptions): Promise<RunningMode> {
  const { sqs, sns, s3 } = clients(o);
  const nodeQueueUrl = o.nodeQueueUrl ?? (await findWorkQueue(sqs, o.serverQueueUrl));
  const serverDlqUrl = o.serverDlqUrl ?? (await deadLetterQueueOf(sqs, o.serverQueueUrl));
  log.info(
    `daemon queues: events from ${o.serverQueueUrl}, invalid ones to ${serverDlqUrl ?? '(none: deleted after a log line)'}` +
      `; work queue depth from ${nodeQueueUrl ?? '(unknown)'}`,
  );
  const store = await openDataStore({ dataDir: o.dataDir });
  // OpenTelemetry when the OTEL_* variables ask for it (off by default); before the coordinator starts any run.
  const telemetry = startTelemetry({ mode: 'daemon', env: o.env });
  const queueDepths = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    const queues: [string, string | null][] = [
      ['server_queue', o.serverQueueUrl],
      ['node_queue', nodeQueueUrl],
    ];
    for (const [name, url] of queues) {
      if (!url) continue;
      try {
        const d = await queueDepth(sqs, url);
        out[`${name}_visible`] = d.visible;
        out[`${name}_in_flight`] = d.inFlight;
      } catch (err) {
        // One queue that cannot be read (e.g. no permission) must not blank the others in stats.
        log.debug(`queue depth of ${url} unavailable:`, err);
      }
    }
    return out;
  };
  const logs = new S3LogStore(s3, { bucket: o.bucket, spoolDir: path.join(store.dataDir, 'spool') });
  await logs.start();
  const events = new SqsEventSource(sqs, {
    serverQueueUrl: o.serverQueueUrl,
    deadLetterQueueUrl: serverDlqUrl ?? undefined,
    waitTimeSeconds: o.pollSeconds,
  });
  const coordinator = new Coordinator({
    store,
    commands: new SnsCommandBus(sns, { commandTopicArn: o.commandTopicArn }),
    events,
    logs,
    clock: systemClock,
    watcher: new ChokidarFileWatcher(),
    info: {
      mode: 'daemon',
      startedAt: new Date(),
      dataDir: store.dataDir,
      queueDepths,
    },
    defaultTimezone: machineTimeZone(),
    expandPath: (p) => expandPath(p, { homeDir: os.homedir(), env: o.env }),
    nodeTimeoutMs: o.nodeTimeoutMs,
    cloud: true,
  });
  const stopQueueGauge = runMetrics.observeQueueDepths(queueDepths);
  let api: ApiServer | null = null;
  try {
    await coordinator.start();
    api = await createApiServer(coordinator, {
      host: o.host,
      port: o.port,
      apiToken: o.apiToken,
      allowedHosts: o.allowedHosts,
      allowedOrigins: o.allowedOrigins,
    });
  } catch (err) {
    await coordinator.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    await telemetry.shutdown();
    stopQueueGauge();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    url: api.url,
    close: (reason = 'daemon stopping') =>
      (closing ??= (async () => {
        log.info(`daemon shutting down: ${reason}`);
        await api?.close().catch(() => undefined);
        await coordinator.stop();
        logs.close();
        await store.close();
        // Before the SQS client goes: the final metric collection still asks it for the queue depths.
        await telemetry.shutdown();
        stopQueueGauge();
        sqs.destroy();
        sns.destroy();
        s3.destroy();
      })()),
  };
}

export interface NodeOptions extends AwsClientOptions {
  commandQueueUrl: string;
  /** null: the topic whose subscription delivers to the command queue. */
  commandTopicArn: string | null;
  controlBusArn: string;
  bucket: string;
  nodeId: string;
  nodeName: string;
  heartbeatIntervalMs: number;
  maxConcurrent: number;
  mockMode: boolean;
  workDir: string;
  tags: Record<string, string>;
  /** null: `<prefix>` of a command queue named `<prefix>-nodes`, else `ccs`. */
  queuePrefix: string | null;
  /** null: the command queue's redrive-policy DLQ, if it has one. */
  nodeDlqUrl: string | null;
  pollSeconds: number;
  visibilityTimeoutSeconds: number;
  shutdownDeadlineMs: number;
  homeDir: string;
}

/**
 * `node`: a worker over the AWS adapters — ExecuteRun from the shared SQS queue, StopRun from its own control
 * queue, events to the control bus (buffered through outages), logs spooled in the work dir and shipped to S3.
 */
export async function startNode(o: NodeOptions): Promise<RunningMode> {
  const { sqs, sns, s3 } = clients(o);
  let commandTopicArn: string;
  try {
    commandTopicArn = o.commandTopicArn ?? (await discoverCommandTopic(sqs, sns, o.commandQueueUrl));
  } catch (err) {
    sqs.destroy();
    sns.destroy();
    s3.destroy();
    throw err;
  }
  const nodeDlqUrl = o.nodeDlqUrl ?? (await deadLetterQueueOf(sqs, o.commandQueueUrl));
  const queuePrefix = o.queuePrefix ?? queuePrefixOf(o.commandQueueUrl) ?? 'ccs';
  log.info(
    `node ${o.nodeId}: runs from ${o.commandQueueUrl}, StopRun through ${commandTopicArn} on control queue prefix ` +
      `${queuePrefix}, invalid commands to ${nodeDlqUrl ?? '(none: deleted after a log line)'}`,
  );
  // OpenTelemetry when the OTEL_* variables ask for it (off by default): the `execute` spans of this node's runs.
  const telemetry = startTelemetry({ mode: 'node', env: o.env });
  const events = new BufferedEventBus(new SnsEventBus(sns, { controlBusArn: o.controlBusArn }));
  // Each run's logs are capped by the max_log_bytes the coordinator dispatched it with (applyLogCapsFrom, below).
  const logCap = new LogCapPolicy();
  const logs = new S3LogStore(s3, { bucket: o.bucket, spoolDir: path.join(o.workDir, 'spool'), logCap });
  await logs.start();
  const sqsCommands = new SqsCommandSource(sqs, sns, {
    nodeQueueUrl: o.commandQueueUrl,
    commandTopicArn,
    deadLetterQueueUrl: nodeDlqUrl ?? undefined,
    controlQueuePrefix: queuePrefix,
    waitTimeSeconds: o.pollSeconds,
    visibilityTimeoutSeconds: o.visibilityTimeoutSeconds,
  });
  const commands = applyLogCapsFrom(sqsCommands, logCap);
  const executor = createRunExecutor({
    nodeId: o.nodeId,
    clock: systemClock,
    events,
    logs,
    baseEnv: o.env,
    homeDir: o.homeDir,
    platform: process.platform,
    forceMockMode: o.mockMode,
  });
  const worker = new NodeWorker(
    {
      nodeId: o.nodeId,
      nodeName: o.nodeName,
      host: os.hostname(),
      capacity: o.maxConcurrent,
      tags: o.tags,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      shutdownDeadlineMs: o.shutdownDeadlineMs,
    },
    commands,
    events,
    executor,
    systemClock,
  );
  try {
    await worker.start();
  } catch (err) {
    await telemetry.shutdown();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    close: (reason = 'node shutting down') =>
      (closing ??= (async () => {
        log.info(`node ${o.nodeId} shutting down: ${reason}`);
        await worker.stop(reason);
        await logs.flush({ timeoutMs: 30_000 });
        await events.flush(10_000);
        events.close();
        logs.close();
        await telemetry.shutdown();
        sqs.destroy();
        sns.destroy();
        s3.destroy();
      })()),
  };
}
