import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { S3TestServer, startS3Server } from './s3-server';
import { SnsTestServer, startSnsServer } from './sns-server';
import { SqsTestServer, TEST_AWS_REGION, startSqsServer } from './sqs-server';

/** SDK clients pointed at the loopback servers. */
export interface AwsTestClients {
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
}

export interface AwsTestClientOptions {
  /** SDK attempts per call (the SDK default is 3; 1 makes outage tests fast and deterministic). */
  maxAttempts?: number;
}

/** The three AWS-protocol servers on 127.0.0.1. */
export interface AwsTestServers {
  sqs: SqsTestServer;
  sns: SnsTestServer;
  s3: S3TestServer;
  region: string;
  /**
   * Environment for a child process (or an SDK client built from the environment): service endpoints, region,
   * dummy credentials, S3 checksums only when required (s3rver stores streamed checksums verbatim otherwise).
   */
  env: Record<string, string>;
  /** New clients with explicit endpoints; the caller destroys them (or lets `stop()` do it). */
  createClients(options?: AwsTestClientOptions): AwsTestClients;
  stop(): Promise<void>;
}

export async function startAwsServers(): Promise<AwsTestServers> {
  const sqs = await startSqsServer();
  const s3 = await startS3Server();
  const sns = await startSnsServer({ sqsEndpoint: sqs.endpoint });
  const region = TEST_AWS_REGION;
  const made: AwsTestClients[] = [];
  // s3rver accepts only its built-in key pair; SQS and SNS emulators accept anything.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // No ~/.aws files or instance metadata lookups in tests.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  return {
    sqs,
    sns,
    s3,
    region,
    env,
    createClients: (options = {}) => {
      const common = { region, credentials, maxAttempts: options.maxAttempts };
      const clients: AwsTestClients = {
        sqs: new SQSClient({ ...common, endpoint: sqs.endpoint }),
        sns: new SNSClient({ ...common, endpoint: sns.endpoint }),
        s3: new S3Client({
          ...common,
          endpoint: s3.endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }),
      };
      made.push(clients);
      return clients;
    },
    stop: async () => {
      for (const c of made.splice(0)) destroyClients(c);
      await sns.stop();
      await sqs.stop();
      await s3.stop();
    },
  };
}

export interface AwsTopologyOptions {
  /** Name prefix; a random suffix makes every call unique (default `ccs-test`). */
  prefix?: string;
  /** Visibility timeout of node-queue and server-queue (default 30 s; tests use 1–3 s). */
  visibilityTimeoutSeconds?: number;
  /** Redrive policy of node-queue and server-queue (default 5, as in the real stack). */
  maxReceiveCount?: number;
  /**
   * Physical names: `infra` (default) as infra/ names them, `original` as the Python edition's stack did
   * (`<prefix>-command-topic`, `-control-bus`, `-node-queue`, `-server-queue`, `-logs`; DLQs `<queue>-dlq`).
   */
  naming?: 'infra' | 'original';
}

/**
 * The distributed topology of one test, with unique names: command-topic → node-queue (raw, `type=ExecuteRun`),
 * control-bus → server-queue (raw), a DLQ behind each queue, and the log bucket. Physical names follow infra
 * (`<prefix>-commands`, `<prefix>-control-bus`, `<prefix>-nodes`, `<prefix>-server`, `…-dlq`): nothing but control
 * queues may match `<prefix>-node-*`. Per-node control queues are not
 * created here: the node's command source creates them, as in production.
 */
export interface AwsTopology {
  prefix: string;
  commandTopicArn: string;
  controlBusArn: string;
  nodeQueueUrl: string;
  serverQueueUrl: string;
  dlqUrls: { node: string; server: string };
  bucket: string;
  /** Clients for this topology (default SDK attempts). */
  clients: AwsTestClients;
  /** Destroys this topology's clients (the servers and their queues stay). */
  stop(): Promise<void>;
}

export async function createAwsTopology(
  servers: AwsTestServers,
  options: AwsTopologyOptions = {},
): Promise<AwsTopology> {
  const prefix = `${options.prefix ?? 'ccs-test'}-${randomBytes(4).toString('hex')}`;
  const visibility = String(options.visibilityTimeoutSeconds ?? 30);
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const clients = servers.createClients();
  const { sqs, sns, s3 } = clients;

  const queue = async (name: string, dlqArn?: string) => {
    const attributes: Record<string, string> = { VisibilityTimeout: visibility };
    if (dlqArn) attributes['RedrivePolicy'] = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount });
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!['QueueArn']!;
    return { url, arn };
  };
  const topic = async (name: string) => (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;

  const names =
    options.naming === 'original'
      ? { nodes: 'node-queue', server: 'server-queue', commands: 'command-topic' }
      : { nodes: 'nodes', server: 'server', commands: 'commands' };
  const nodeDlq = await queue(`${prefix}-${names.nodes}-dlq`);
  const nodeQueue = await queue(`${prefix}-${names.nodes}`, nodeDlq.arn);
  const serverDlq = await queue(`${prefix}-${names.server}-dlq`);
  const serverQueue = await queue(`${prefix}-${names.server}`, serverDlq.arn);
  const commandTopicArn = await topic(`${prefix}-${names.commands}`);
  const controlBusArn = await topic(`${prefix}-control-bus`);
  await sns.send(
    new SubscribeCommand({
      TopicArn: commandTopicArn,
      Protocol: 'sqs',
      Endpoint: nodeQueue.arn,
      Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: ['ExecuteRun'] }) },
      ReturnSubscriptionArn: true,
    }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: controlBusArn,
      Protocol: 'sqs',
      Endpoint: serverQueue.arn,
      Attributes: { RawMessageDelivery: 'true' },
      ReturnSubscriptionArn: true,
    }),
  );
  const bucket = `${prefix}-logs`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  return {
    prefix,
    commandTopicArn,
    controlBusArn,
    nodeQueueUrl: nodeQueue.url,
    serverQueueUrl: serverQueue.url,
    dlqUrls: { node: nodeDlq.url, server: serverDlq.url },
    bucket,
    clients,
    stop: () => {
      destroyClients(clients);
      return Promise.resolve();
    },
  };
}

/** Servers + topology in one: what a single test needs. `stop()` stops everything it started. */
export type AwsHarness = AwsTopology & {
  servers: AwsTestServers;
  env: Record<string, string>;
};

export async function startAwsHarness(options: AwsTopologyOptions = {}): Promise<AwsHarness> {
  const servers = await startAwsServers();
  try {
    const topology = await createAwsTopology(servers, options);
    return {
      ...topology,
      servers,
      env: servers.env,
      stop: async () => {
        await topology.stop();
        await servers.stop();
      },
    };
  } catch (err) {
    await servers.stop();
    throw err;
  }
}

function destroyClients(c: AwsTestClients): void {
  c.sqs.destroy();
  c.sns.destroy();
  c.s3.destroy();
}
