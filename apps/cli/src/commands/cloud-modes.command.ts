import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inject } from '@nestjs/common';
import { Command, Option } from 'nest-commander';
import { PRODUCT_NAME, VERSION, ValidationError } from '@ccs/core';
import { currentLogLevel, getLogger } from '@ccs/shared';
import { API_TOKEN_ENV, CLI_CONFIG, CliConfig } from '../cli.config';
import { DataDirectoryService } from '../debug/data-directory.service';
import { DAEMON_ENV, NODE_ENV } from '../runtime/cloud.config';
import type { RunningMode } from '../runtime/cloud-runtime';
import { CcsCommand } from './ccs-command.base';
import { ALLOWED_HOST_OPTION, ALLOWED_ORIGIN_OPTION, collectList, parsePort } from './gui.command';

const log = getLogger('cli.cloud');

function positiveInt(value: string, flag: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${flag} must be a whole number ≥ 1 (got "${value}")`);
  return n;
}

/** `k=v,k2=v2` (also repeated flags) → tags. */
export function parseTags(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const out = { ...previous };
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new ValidationError(`--tags expects key=value pairs (got "${part}")`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** Waits for SIGINT/SIGTERM, then closes the mode. */
function runUntilSignal(mode: RunningMode): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      mode
        .close(`received ${signal}`)
        .catch((err: unknown) => log.error('shutdown failed:', err))
        .finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

abstract class CloudCommand extends CcsCommand {
  constructor(protected readonly config: CliConfig) {
    super();
  }

  /** The flag's value, else the environment variable's, else the default; required values must be somewhere. */
  protected pick(value: string | undefined, env: string, what: string, required: true): string;
  protected pick(value: string | undefined, env: string, what: string, required?: false): string | undefined;
  protected pick(value: string | undefined, env: string, what: string, required = false): string | undefined {
    const v = value ?? this.config.processEnv[env];
    if (required && !v) throw new ValidationError(`${what} is required (flag or ${env})`);
    return v || undefined;
  }
}

interface DaemonFlags {
  commandTopic?: string;
  serverQueue?: string;
  nodeQueue?: string;
  serverDlq?: string;
  s3Bucket?: string;
  apiPort?: number;
  host?: string;
  apiToken?: string;
  allowedHost?: string[];
  allowedOrigin?: string[];
  region?: string;
  profile?: string;
  nodeTimeout?: number;
  pollSeconds?: number;
}

@Command({
  name: 'daemon',
  description: 'cluster coordinator: scheduling, dispatch over SNS, node events from SQS, logs in S3, REST API on 8787',
})
export class DaemonCommand extends CloudCommand {
  constructor(
    @Inject(CLI_CONFIG) config: CliConfig,
    private readonly dataDirs: DataDirectoryService,
  ) {
    super(config);
  }

  @Option({
    flags: '--command-topic <arn>',
    description: `SNS topic for commands to nodes (env ${DAEMON_ENV.commandTopic})`,
  })
  parseCommandTopic(v: string): string {
    return v;
  }
  @Option({ flags: '--server-queue <url>', description: `SQS queue of node events (env ${DAEMON_ENV.serverQueue})` })
  parseServerQueue(v: string): string {
    return v;
  }
  @Option({
    flags: '--node-queue <url>',
    description: `the nodes' work queue, for queue depths in stats (env ${DAEMON_ENV.nodeQueue})`,
  })
  parseNodeQueue(v: string): string {
    return v;
  }
  @Option({
    flags: '--server-dlq <url>',
    description: `dead-letter queue for invalid events (env ${DAEMON_ENV.serverDlq})`,
  })
  parseServerDlq(v: string): string {
    return v;
  }
  @Option({ flags: '--s3-bucket <bucket>', description: `bucket of run logs (env ${DAEMON_ENV.s3Bucket})` })
  parseBucket(v: string): string {
    return v;
  }
  @Option({
    flags: '--api-port <port>',
    description: `REST API and dashboard port (default 8787; env ${DAEMON_ENV.apiPort})`,
  })
  parseApiPort(v: string): number {
    return parsePort(v);
  }
  @Option({ flags: '--host <host>', description: 'bind address (default 127.0.0.1; anything else needs --api-token)' })
  parseHost(v: string): string {
    return v;
  }
  @Option({ flags: '--api-token <token>', description: `bearer token required by the API (env ${API_TOKEN_ENV})` })
  parseToken(v: string): string {
    return v;
  }
  @Option(ALLOWED_HOST_OPTION)
  parseAllowedHost(v: string, previous?: string[]): string[] {
    return collectList(v, previous);
  }
  @Option(ALLOWED_ORIGIN_OPTION)
  parseAllowedOrigin(v: string, previous?: string[]): string[] {
    return collectList(v, previous);
  }
  @Option({ flags: '--region <region>', description: 'AWS region (default: the SDK chain)' })
  parseRegion(v: string): string {
    return v;
  }
  @Option({ flags: '--profile <profile>', description: 'AWS named profile' })
  parseProfile(v: string): string {
    return v;
  }
  @Option({ flags: '--node-timeout <seconds>', description: 'a node silent this long is lost (default 90)' })
  parseNodeTimeout(v: string): number {
    return positiveInt(v, '--node-timeout');
  }
  @Option({ flags: '--poll-seconds <seconds>', description: 'SQS long-poll wait (default 20)' })
  parsePoll(v: string): number {
    return positiveInt(v, '--poll-seconds');
  }

  async run(_args: string[], f: DaemonFlags = {}): Promise<void> {
    const env = DAEMON_ENV;
    const num = (v: number | undefined, e: string, dflt: number): number =>
      v ?? (this.config.processEnv[e] ? positiveInt(this.config.processEnv[e], e) : dflt);
    const dataDir = this.dataDirs.resolve(this.globals().dataDir);
    const { startDaemon } = await import('../runtime/cloud-runtime.js');
    const mode = await startDaemon({
      commandTopicArn: this.pick(f.commandTopic, env.commandTopic, '--command-topic', true),
      serverQueueUrl: this.pick(f.serverQueue, env.serverQueue, '--server-queue', true),
      bucket: this.pick(f.s3Bucket, env.s3Bucket, '--s3-bucket', true),
      nodeQueueUrl: this.pick(f.nodeQueue, env.nodeQueue, '--node-queue') ?? null,
      serverDlqUrl: this.pick(f.serverDlq, env.serverDlq, '--server-dlq') ?? null,
      dataDir,
      host: this.pick(f.host, env.host, '--host') ?? '127.0.0.1',
      port: f.apiPort ?? (this.config.processEnv[env.apiPort] ? parsePort(this.config.processEnv[env.apiPort]!) : 8787),
      apiToken: this.pick(f.apiToken, env.apiToken, '--api-token') ?? null,
      allowedHosts: f.allowedHost ?? this.config.allowedHostsEnv,
      allowedOrigins: f.allowedOrigin ?? this.config.allowedOriginsEnv,
      region: this.pick(f.region, env.region, '--region'),
      profile: this.pick(f.profile, env.profile, '--profile'),
      nodeTimeoutMs: num(f.nodeTimeout, env.nodeTimeout, 90) * 1000,
      pollSeconds: num(f.pollSeconds, env.pollSeconds, 20),
      env: this.config.processEnv,
    });
    log.info(
      `${PRODUCT_NAME} ${VERSION} | mode daemon | ${mode.url} | data dir ${dataDir} | log level ${currentLogLevel()}`,
    );
    process.stdout.write(`${PRODUCT_NAME} daemon listening on ${mode.url}\n`);
    await runUntilSignal(mode);
  }
}

interface NodeFlags {
  commandQueue?: string;
  commandTopic?: string;
  controlBus?: string;
  s3Bucket?: string;
  nodeId?: string;
  nodeName?: string;
  heartbeatInterval?: number;
  maxConcurrent?: number;
  mockMode?: boolean;
  workDir?: string;
  region?: string;
  profile?: string;
  tags?: Record<string, string>;
  queuePrefix?: string;
  nodeDlq?: string;
  pollSeconds?: number;
  visibilityTimeout?: number;
}

@Command({
  name: 'node',
  description: 'cluster worker: takes runs from SQS, runs Claude, ships logs to S3, reports to the control bus',
})
export class NodeCommand extends CloudCommand {
  constructor(@Inject(CLI_CONFIG) config: CliConfig) {
    super(config);
  }

  @Option({
    flags: '--queue-url, --command-queue <url>',
    description: `the shared SQS work queue (env ${NODE_ENV.commandQueue})`,
  })
  parseCommandQueue(v: string): string {
    return v;
  }
  @Option({
    flags: '--command-topic <arn>',
    description: `SNS command topic; this node's control queue subscribes to it (env ${NODE_ENV.commandTopic})`,
  })
  parseCommandTopic(v: string): string {
    return v;
  }
  @Option({
    flags: '--topic-arn, --control-bus <arn>',
    description: `SNS topic for node events (env ${NODE_ENV.controlBus})`,
  })
  parseControlBus(v: string): string {
    return v;
  }
  @Option({
    flags: '--log-bucket, --s3-bucket <bucket>',
    description: `bucket for run logs (env ${NODE_ENV.s3Bucket})`,
  })
  parseBucket(v: string): string {
    return v;
  }
  @Option({
    flags: '--node-id <id>',
    description: `stable id of this node (default: host name + random suffix; env ${NODE_ENV.nodeId})`,
  })
  parseNodeId(v: string): string {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(v))
      throw new ValidationError(`--node-id may use letters, digits and _ . : - (got "${v}")`);
    return v;
  }
  @Option({ flags: '--node-name <name>', description: 'display name (default: host name)' })
  parseNodeName(v: string): string {
    return v;
  }
  @Option({ flags: '--heartbeat-interval <seconds>', description: 'seconds between heartbeats (default 30)' })
  parseHeartbeat(v: string): number {
    return positiveInt(v, '--heartbeat-interval');
  }
  @Option({ flags: '--capacity, --max-concurrent <n>', description: 'runs executed at the same time (default 1)' })
  parseMaxConcurrent(v: string): number {
    return positiveInt(v, '--max-concurrent');
  }
  @Option({ flags: '--mock-mode', description: 'simulate Claude for every run on this node' })
  parseMock(): boolean {
    return true;
  }
  @Option({
    flags: '--work-dir <dir>',
    description: 'scratch directory for log spooling (default ~/.claude-scheduler-node)',
  })
  parseWorkDir(v: string): string {
    return v;
  }
  @Option({ flags: '--region <region>', description: 'AWS region' })
  parseRegion(v: string): string {
    return v;
  }
  @Option({ flags: '--profile <profile>', description: 'AWS named profile' })
  parseProfile(v: string): string {
    return v;
  }
  @Option({ flags: '--tags <k=v,...>', description: 'labels shown in `cli nodes list` (repeatable)' })
  parseTagsOption(v: string, previous?: Record<string, string>): Record<string, string> {
    return parseTags(v, previous);
  }
  @Option({ flags: '--queue-prefix <prefix>', description: 'name prefix of per-node control queues (default ccs)' })
  parsePrefix(v: string): string {
    return v;
  }
  @Option({ flags: '--node-dlq <url>', description: 'dead-letter queue for invalid commands' })
  parseDlq(v: string): string {
    return v;
  }
  @Option({ flags: '--poll-seconds <seconds>', description: 'SQS long-poll wait (default 20)' })
  parsePoll(v: string): number {
    return positiveInt(v, '--poll-seconds');
  }
  @Option({
    flags: '--visibility-timeout <seconds>',
    description: 'lease on a taken run, renewed while it runs (default 60)',
  })
  parseVisibility(v: string): number {
    return positiveInt(v, '--visibility-timeout');
  }

  async run(_args: string[], f: NodeFlags = {}): Promise<void> {
    const env = NODE_ENV;
    const penv = this.config.processEnv;
    const num = (v: number | undefined, e: string, dflt: number): number =>
      v ?? (penv[e] ? positiveInt(penv[e], e) : dflt);
    const nodeId =
      this.pick(f.nodeId, env.nodeId, '--node-id') ??
      `${os.hostname().replace(/[^A-Za-z0-9_.:-]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const workDir =
      this.pick(f.workDir, env.workDir, '--work-dir') ?? path.join(this.config.home, '.claude-scheduler-node');
    const heartbeatSeconds = num(f.heartbeatInterval, env.heartbeatInterval, 30);
    const { startNode } = await import('../runtime/cloud-runtime.js');
    const mode = await startNode({
      commandQueueUrl: this.pick(f.commandQueue, env.commandQueue, '--command-queue', true),
      commandTopicArn: this.pick(f.commandTopic, env.commandTopic, '--command-topic', true),
      controlBusArn: this.pick(f.controlBus, env.controlBus, '--control-bus', true),
      bucket: this.pick(f.s3Bucket, env.s3Bucket, '--s3-bucket', true),
      nodeId,
      nodeName: this.pick(f.nodeName, env.nodeName, '--node-name') ?? os.hostname(),
      heartbeatIntervalMs: heartbeatSeconds * 1000,
      maxConcurrent: num(f.maxConcurrent, env.maxConcurrent, 1),
      mockMode: f.mockMode ?? penv[env.mockMode] === 'true',
      workDir,
      tags: f.tags ?? (penv[env.tags] ? parseTags(penv[env.tags]!) : {}),
      queuePrefix: this.pick(f.queuePrefix, env.queuePrefix, '--queue-prefix') ?? 'ccs',
      nodeDlqUrl: this.pick(f.nodeDlq, env.nodeDlq, '--node-dlq') ?? null,
      pollSeconds: num(f.pollSeconds, env.pollSeconds, 20),
      visibilityTimeoutSeconds: num(f.visibilityTimeout, env.visibilityTimeout, 60),
      shutdownDeadlineMs: 30_000,
      region: this.pick(f.region, env.region, '--region'),
      profile: this.pick(f.profile, env.profile, '--profile'),
      env: penv,
      homeDir: this.config.home,
    });
    log.info(
      `${PRODUCT_NAME} ${VERSION} | mode node | id ${nodeId} | heartbeat ${heartbeatSeconds} s | log level ${currentLogLevel()}`,
    );
    process.stdout.write(`${PRODUCT_NAME} node ${nodeId} started\n`);
    await runUntilSignal(mode);
  }
}
