/**
 * claude-code-scheduler distributed topology: wires the components and exports the values the processes are
 * started with (`pulumi stack output …`, see README "Infrastructure"). All logic lives in src/.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { Compute } from './src/compute.component';
import { IAM_ACTIONS } from './src/iam-actions';
import { Iam } from './src/iam.component';
import { LogBucket } from './src/log-bucket.component';
import { Messaging } from './src/messaging.component';
import { loadStackConfig } from './src/stack-config';

const config = loadStackConfig();
const tags = { app: 'claude-code-scheduler', stack: pulumi.getStack() };

const identity = aws.getCallerIdentityOutput();
const regionInfo = aws.getRegionOutput();
const partitionInfo = aws.getPartitionOutput();

const messaging = new Messaging('messaging', {
  prefix: config.prefix,
  visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
  serverVisibilityTimeoutSeconds: config.serverVisibilityTimeoutSeconds,
  maxReceiveCount: config.maxReceiveCount,
  messageRetentionSeconds: config.messageRetentionSeconds,
  snsKmsKeyId: config.snsKmsKeyId,
  tags,
});

const logs = new LogBucket('logs', {
  prefix: config.prefix,
  logRetentionDays: config.logRetentionDays,
  versioning: config.logVersioning,
  forceDestroy: config.logBucketForceDestroy,
  tags,
});

const iam = new Iam('iam', {
  prefix: config.prefix,
  actions: IAM_ACTIONS,
  arns: {
    partition: partitionInfo.partition,
    region: regionInfo.region,
    accountId: identity.accountId,
    prefix: config.prefix,
    commandTopicArn: messaging.commandTopic.arn,
    controlBusArn: messaging.controlBus.arn,
    nodeQueueArn: messaging.nodeQueue.arn,
    nodeDlqArn: messaging.nodeDlq.arn,
    serverQueueArn: messaging.serverQueue.arn,
    serverDlqArn: messaging.serverDlq.arn,
    logBucketArn: logs.bucket.arn,
    nodeSecretArns: config.nodeSecretArns,
  },
  tags,
});

const compute = config.compute.enabled
  ? new Compute('compute', {
      prefix: config.prefix,
      config: config.compute,
      daemonIdentity: iam.daemon,
      nodeIdentity: iam.node,
      partition: partitionInfo.partition,
      region: regionInfo.region,
      accountId: identity.accountId,
      commandTopicArn: messaging.commandTopic.arn,
      controlBusArn: messaging.controlBus.arn,
      serverQueueUrl: messaging.serverQueue.url,
      nodeQueueUrl: messaging.nodeQueue.url,
      serverDlqUrl: messaging.serverDlq.url,
      nodeDlqUrl: messaging.nodeDlq.url,
      logBucketName: logs.bucket.bucket,
      tags,
    })
  : undefined;

export const region = regionInfo.region;
export const command_topic_arn = messaging.commandTopic.arn;
export const control_bus_arn = messaging.controlBus.arn;
export const server_queue_url = messaging.serverQueue.url;
export const node_queue_url = messaging.nodeQueue.url;
export const log_bucket_name = logs.bucket.bucket;
/** Where the processes dead-letter an invalid message at once (their queues' own DLQs). */
export const node_dlq_url = messaging.nodeDlq.url;
export const server_dlq_url = messaging.serverDlq.url;
/** Nodes name their control queues `<queue_prefix>-node-<nodeId>`; the node role may only manage those. */
export const queue_prefix = config.prefix;
export const daemon_role_arn = iam.daemon.role.arn;
export const node_role_arn = iam.node.role.arn;
export const daemon_instance_profile = iam.daemon.instanceProfile.name;
export const node_instance_profile = iam.node.instanceProfile.name;
// Compute outputs exist only with computeEnabled (Pulumi leaves undefined outputs out).
export const daemon_instance_id = compute?.daemonInstance.id;
export const daemon_private_ip = compute?.daemonInstance.privateIp;
export const daemon_public_ip = compute?.daemonInstance.publicIp;
export const node_instance_ids = compute ? pulumi.all(compute.nodeInstances.map((node) => node.id)) : undefined;
