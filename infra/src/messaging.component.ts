import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface MessagingArgs {
  /** Name prefix (`ccs`): topics and queues are named `<prefix>-…`. */
  prefix: string;
  /** Default visibility timeout of the node work queue (nodes receive with their own; see Pulumi.yaml). */
  visibilityTimeoutSeconds: number;
  serverVisibilityTimeoutSeconds: number;
  /** Deliveries before a message is moved to the dead-letter queue. */
  maxReceiveCount: number;
  messageRetentionSeconds: number;
  /** KMS key for SNS server-side encryption (`alias/aws/sns` by default). */
  snsKmsKeyId: string;
  tags?: Record<string, string>;
}

/** The filter of the shared work queue's subscription: only ExecuteRun; StopRun goes to per-node control queues. */
export const NODE_QUEUE_FILTER_POLICY = { type: ['ExecuteRun'] } as const;

// Dead letters are kept for the SQS maximum so there is time to look at them.
const DLQ_RETENTION_SECONDS = 1209600;
// Long polling: one ReceiveMessage waits up to 20 s (the SQS maximum) instead of returning empty at once.
const LONG_POLL_SECONDS = 20;

/**
 * SNS topics and SQS queues of the distributed topology:
 * - command topic → node work queue (filter `type=ExecuteRun`, raw delivery); nodes subscribe their own
 *   `<prefix>-node-<id>` control queues at runtime for StopRun;
 * - control bus → server queue (every event, raw delivery), consumed by the daemon.
 * Each queue has a dead-letter queue (redrive after `maxReceiveCount` deliveries) and a policy that lets exactly
 * its topic send to it.
 */
export class Messaging extends pulumi.ComponentResource {
  readonly commandTopic: aws.sns.Topic;
  readonly controlBus: aws.sns.Topic;
  readonly nodeQueue: aws.sqs.Queue;
  readonly nodeDlq: aws.sqs.Queue;
  readonly serverQueue: aws.sqs.Queue;
  readonly serverDlq: aws.sqs.Queue;
  readonly nodeDlqRedriveAllow: aws.sqs.RedriveAllowPolicy;
  readonly serverDlqRedriveAllow: aws.sqs.RedriveAllowPolicy;
  readonly nodeQueuePolicy: aws.sqs.QueuePolicy;
  readonly serverQueuePolicy: aws.sqs.QueuePolicy;
  readonly nodeQueueSubscription: aws.sns.TopicSubscription;
  readonly serverQueueSubscription: aws.sns.TopicSubscription;

  constructor(name: string, args: MessagingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('ccs:infra:Messaging', name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags ?? {};

    this.commandTopic = new aws.sns.Topic(
      `${name}-command-topic`,
      { name: `${args.prefix}-commands`, kmsMasterKeyId: args.snsKmsKeyId, tags },
      parent,
    );
    this.controlBus = new aws.sns.Topic(
      `${name}-control-bus`,
      { name: `${args.prefix}-control-bus`, kmsMasterKeyId: args.snsKmsKeyId, tags },
      parent,
    );

    // Queue names must not match `<prefix>-node-*`: nodes may create/delete queues of that pattern, and the shared
    // work queue must stay out of their reach. Hence `-nodes`, not `-node-queue`.
    const node = this.queueWithDlq(
      `${name}-node-queue`,
      `${args.prefix}-nodes`,
      args.visibilityTimeoutSeconds,
      args,
      tags,
    );
    this.nodeQueue = node.queue;
    this.nodeDlq = node.dlq;
    this.nodeDlqRedriveAllow = node.redriveAllow;
    const server = this.queueWithDlq(
      `${name}-server-queue`,
      `${args.prefix}-server`,
      args.serverVisibilityTimeoutSeconds,
      args,
      tags,
    );
    this.serverQueue = server.queue;
    this.serverDlq = server.dlq;
    this.serverDlqRedriveAllow = server.redriveAllow;

    this.nodeQueuePolicy = new aws.sqs.QueuePolicy(
      `${name}-node-queue-policy`,
      { queueUrl: this.nodeQueue.url, policy: topicMayPublish(this.nodeQueue.arn, this.commandTopic.arn) },
      parent,
    );
    this.serverQueuePolicy = new aws.sqs.QueuePolicy(
      `${name}-server-queue-policy`,
      { queueUrl: this.serverQueue.url, policy: topicMayPublish(this.serverQueue.arn, this.controlBus.arn) },
      parent,
    );

    // The subscriptions wait for the queue policies: SNS drops what it cannot deliver in the meantime.
    this.nodeQueueSubscription = new aws.sns.TopicSubscription(
      `${name}-node-queue-subscription`,
      {
        topic: this.commandTopic.arn,
        protocol: 'sqs',
        endpoint: this.nodeQueue.arn,
        rawMessageDelivery: true,
        filterPolicy: JSON.stringify(NODE_QUEUE_FILTER_POLICY),
      },
      { parent: this, dependsOn: [this.nodeQueuePolicy] },
    );
    // Every event goes to the daemon: no filter policy.
    this.serverQueueSubscription = new aws.sns.TopicSubscription(
      `${name}-server-queue-subscription`,
      { topic: this.controlBus.arn, protocol: 'sqs', endpoint: this.serverQueue.arn, rawMessageDelivery: true },
      { parent: this, dependsOn: [this.serverQueuePolicy] },
    );

    this.registerOutputs({
      commandTopicArn: this.commandTopic.arn,
      controlBusArn: this.controlBus.arn,
      nodeQueueUrl: this.nodeQueue.url,
      serverQueueUrl: this.serverQueue.url,
    });
  }

  private queueWithDlq(
    logicalName: string,
    queueName: string,
    visibilityTimeoutSeconds: number,
    args: MessagingArgs,
    tags: Record<string, string>,
  ): { queue: aws.sqs.Queue; dlq: aws.sqs.Queue; redriveAllow: aws.sqs.RedriveAllowPolicy } {
    const dlq = new aws.sqs.Queue(
      `${logicalName}-dlq`,
      {
        name: `${queueName}-dlq`,
        messageRetentionSeconds: DLQ_RETENTION_SECONDS,
        receiveWaitTimeSeconds: LONG_POLL_SECONDS,
        // SSE with SQS-owned keys: SNS can deliver to it without a KMS key policy (the aws/sqs key would refuse SNS).
        sqsManagedSseEnabled: true,
        tags,
      },
      { parent: this },
    );
    const queue = new aws.sqs.Queue(
      logicalName,
      {
        name: queueName,
        visibilityTimeoutSeconds,
        receiveWaitTimeSeconds: LONG_POLL_SECONDS,
        messageRetentionSeconds: args.messageRetentionSeconds,
        sqsManagedSseEnabled: true,
        redrivePolicy: pulumi
          .output(dlq.arn)
          .apply((deadLetterTargetArn) =>
            JSON.stringify({ deadLetterTargetArn, maxReceiveCount: args.maxReceiveCount }),
          ),
        tags,
      },
      { parent: this },
    );
    // Only this queue may use the DLQ as its dead-letter target. A separate resource, because the DLQ cannot name
    // the queue that names it (a cycle).
    const redriveAllow = new aws.sqs.RedriveAllowPolicy(
      `${logicalName}-dlq-redrive-allow`,
      {
        queueUrl: dlq.url,
        redriveAllowPolicy: pulumi
          .output(queue.arn)
          .apply((arn) => JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arn] })),
      },
      { parent: this },
    );
    return { queue, dlq, redriveAllow };
  }
}

/** A queue policy that lets exactly one SNS topic send to the queue (and nobody else anything). */
export function topicMayPublish(queueArn: pulumi.Input<string>, topicArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.all([queueArn, topicArn]).apply(([queue, topic]) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TopicMaySend',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue,
          Condition: { ArnEquals: { 'aws:SourceArn': topic } },
        },
      ],
    }),
  );
}
