import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inject } from '@nestjs/common';
import type { Command as Commander } from 'commander';
import { Command, Option } from 'nest-commander';
import { NODE_ID_PATTERN, PRODUCT_NAME, VERSION, ValidationError } from '@ccs/core';
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

/**
 * A node's id when `--node-id` is not given: the host name (what an id may hold of it, at most 55 characters) and a
 * random suffix, within the 64 characters a node id may have.
 */
export function defaultNodeId(hostname: string): string {
  const host = hostname.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 55) || 'node';
  return `${host}-${randomUUID().slice(0, 8)}`;
}

/** The commands a Pulumi stack of infra/ feeds, shown by `daemon --help` (README "Infrastructure" shows the same). */
const DAEMON_HELP = `
With a stack of infra/ (cd infra; the role of the host or AWS_PROFILE gives the credentials):
  export AWS_REGION="$(pulumi stack output region)"
  claude-code-scheduler daemon \\
    --command-topic "$(pulumi stack output command_topic_arn)" \\
    --server-queue "$(pulumi stack output server_queue_url)" \\
    --s3-bucket "$(pulumi stack output log_bucket_name)" \\
    --node-queue "$(pulumi stack output node_queue_url)" \\
    --server-dlq "$(pulumi stack output server_dlq_url)"
The first three are enough: --node-queue and --server-dlq default to what the stack's names and the server queue's
redrive policy say. Set --node-timeout to about 3 heartbeat intervals of the nodes (default 90 s = 3 x 30 s).
`;

/** The commands a Pulumi stack of infra/ feeds, shown by `node --help`. */
const NODE_HELP = `
With a stack of infra/ (cd infra; the role of the host or AWS_PROFILE gives the credentials):
  export AWS_REGION="$(pulumi stack output region)"
  claude-code-scheduler node \\
    --command-queue "$(pulumi stack output node_queue_url)" \\
    --control-bus "$(pulumi stack output control_bus_arn)" \\
    --s3-bucket "$(pulumi stack output log_bucket_name)" \\
    --command-topic "$(pulumi stack output command_topic_arn)" \\
    --node-dlq "$(pulumi stack output node_dlq_url)" \\
    --queue-prefix "$(pulumi stack output queue_prefix)"
The first three are enough: the command topic is the one whose subscription delivers to the command queue
(sns:ListSubscriptions), the DLQ is the command queue's redrive target, and the prefix comes from the queue's name
<prefix>-nodes. That subscription must filter on {"type":["ExecuteRun"]} (infra/ sets it; the node warns when it is
missing): StopRun travels on the same topic to each node's own control queue.
`;

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
    description:
      "the nodes' work queue, for queue depths in stats (default: <prefix>-nodes next to <prefix>-server, or " +
      `<name>-node-queue next to <name>-server-queue; env ${DAEMON_ENV.nodeQueue})`,
  })
  parseNodeQueue(v: string): string {
    return v;
  }
  @Option({
    flags: '--server-dlq <url>',
    description:
      "dead-letter queue for invalid events (default: the DLQ of the server queue's redrive policy; without one " +
      `they are deleted after a log line; env ${DAEMON_ENV.serverDlq})`,
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

  protected override configureCommand(command: Commander): void {
    command.addHelpText('after', DAEMON_HELP);
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
    description:
      "SNS command topic; this node's control queue subscribes to it for StopRun (default: the topic whose " +
      `subscription delivers to the command queue; env ${NODE_ENV.commandTopic})`,
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
    if (!NODE_ID_PATTERN.test(v))
      throw new ValidationError(`--node-id may use 1-64 letters, digits and _ . : - (got "${v}")`);
    return v;
  }
  @Option({ flags: '--node-name <name>', description: 'display name, up to 200 characters (default: host name)' })
  parseNodeName(v: string): string {
    // The coordinator refuses a node description with a longer name (message.dto.ts allows 1000).
    if (v.trim() === '' || v.length > 200)
      throw new ValidationError(`--node-name must be 1-200 characters (got ${v.length})`);
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
  @Option({
    flags: '--queue-prefix <prefix>',
    description:
      'this node creates its control queue <prefix>-node-<node id> at start and deletes it at shutdown; the ' +
      "stack's node role may only manage <prefix>-node-* queues (default: <prefix> of a command queue named " +
      `<prefix>-nodes, else ccs; env ${NODE_ENV.queuePrefix})`,
  })
  parsePrefix(v: string): string {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(v))
      throw new ValidationError(`--queue-prefix may use 1-40 letters, digits, _ and - (got "${v}")`);
    return v;
  }
  @Option({
    flags: '--node-dlq <url>',
    description:
      "dead-letter queue for invalid commands (default: the DLQ of the command queue's redrive policy; without one " +
      `they are deleted after a log line; env ${NODE_ENV.nodeDlq})`,
  })
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

  protected override configureCommand(command: Commander): void {
    command.addHelpText('after', NODE_HELP);
  }

  async run(_args: string[], f: NodeFlags = {}): Promise<void> {
    const env = NODE_ENV;
    const penv = this.config.processEnv;
    const num = (v: number | undefined, e: string, dflt: number): number =>
      v ?? (penv[e] ? positiveInt(penv[e], e) : dflt);
    const nodeId = this.pick(f.nodeId, env.nodeId, '--node-id') ?? defaultNodeId(os.hostname());
    if (!NODE_ID_PATTERN.test(nodeId))
      throw new ValidationError(`${env.nodeId} may use 1-64 letters, digits and _ . : - (got "${nodeId}")`);
    const workDir =
      this.pick(f.workDir, env.workDir, '--work-dir') ?? path.join(this.config.home, '.claude-scheduler-node');
    const heartbeatSeconds = num(f.heartbeatInterval, env.heartbeatInterval, 30);
    const { startNode } = await import('../runtime/cloud-runtime.js');
    const mode = await startNode({
      commandQueueUrl: this.pick(f.commandQueue, env.commandQueue, '--command-queue', true),
      commandTopicArn: this.pick(f.commandTopic, env.commandTopic, '--command-topic') ?? null,
      controlBusArn: this.pick(f.controlBus, env.controlBus, '--control-bus', true),
      bucket: this.pick(f.s3Bucket, env.s3Bucket, '--s3-bucket', true),
      nodeId,
      nodeName: this.pick(f.nodeName, env.nodeName, '--node-name')?.slice(0, 200) ?? os.hostname(),
      heartbeatIntervalMs: heartbeatSeconds * 1000,
      maxConcurrent: num(f.maxConcurrent, env.maxConcurrent, 1),
      mockMode: f.mockMode ?? penv[env.mockMode] === 'true',
      workDir,
      tags: f.tags ?? (penv[env.tags] ? parseTags(penv[env.tags]!) : {}),
      queuePrefix: this.pick(f.queuePrefix, env.queuePrefix, '--queue-prefix') ?? null,
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
