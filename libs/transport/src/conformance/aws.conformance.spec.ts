import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { AwsTestServers, createAwsTopology, makeTempDir, removeTempDir, startAwsServers } from '@ccs/testing';
import { S3LogStore } from '../aws/s3-log.store';
import { LogCapPolicy } from '../log-cap.policy';
import { SnsCommandBus } from '../aws/sns-command.bus';
import { SnsEventBus } from '../aws/sns-event.bus';
import { SqsCommandSource } from '../aws/sqs-command.source';
import { SqsEventSource } from '../aws/sqs-event.source';
import type { LogStore } from '../ports';
import { describeTransportConformance } from './transport-conformance';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let servers: AwsTestServers;

beforeAll(async () => {
  servers = await startAwsServers();
});

afterAll(async () => {
  await servers?.stop();
});

/**
 * Timings: 1 s long polls (the emulator holds every receive for its full wait), a 2 s lease on ExecuteRun with a
 * 0.5 s heartbeat, failed messages visible again after 1 s.
 */
describeTransportConformance('AWS adapters (SNS + SQS + S3 on loopback)', async () => {
  const topo = await createAwsTopology(servers, { visibilityTimeoutSeconds: 2 });
  const clients = servers.createClients({ maxAttempts: 2 });
  const spools: string[] = [];
  const logStores: S3LogStore[] = [];
  const newLogStore = (logCap?: LogCapPolicy) => {
    const spoolDir = makeTempDir('ccs-conf-spool-');
    spools.push(spoolDir);
    const store = new S3LogStore(clients.s3, { bucket: topo.bucket, spoolDir, uploadIntervalMs: 200, logCap });
    logStores.push(store);
    return store;
  };
  const dlqBodies = async () => {
    const out: string[] = [];
    for (const url of [topo.dlqUrls.node, topo.dlqUrls.server]) {
      const r = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      for (const m of r.Messages ?? []) {
        out.push(m.Body ?? '');
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    return out;
  };
  return {
    commandBus: new SnsCommandBus(clients.sns, { commandTopicArn: topo.commandTopicArn }),
    createCommandSource: () =>
      new SqsCommandSource(clients.sqs, clients.sns, {
        nodeQueueUrl: topo.nodeQueueUrl,
        commandTopicArn: topo.commandTopicArn,
        deadLetterQueueUrl: topo.dlqUrls.node,
        controlQueuePrefix: topo.prefix,
        waitTimeSeconds: 1,
        visibilityTimeoutSeconds: 2,
        heartbeatIntervalSeconds: 0.5,
        retryDelaySeconds: 1,
        controlVisibilityTimeoutSeconds: 1,
      }),
    eventBus: new SnsEventBus(clients.sns, { controlBusArn: topo.controlBusArn }),
    createEventSource: () =>
      new SqsEventSource(clients.sqs, {
        serverQueueUrl: topo.serverQueueUrl,
        deadLetterQueueUrl: topo.dlqUrls.server,
        waitTimeSeconds: 1,
      }),
    deadLetters: dlqBodies,
    deliveryMs: 2000,
    redeliveryMs: 3000,
    logs: newLogStore(),
    openLogStore: (cap?: LogCapPolicy) => newLogStore(cap),
    settleLogs: async (store: LogStore) => {
      expect(await (store as S3LogStore).flush({ timeoutMs: 10_000 })).toBe(true);
    },
    close: async () => {
      for (const s of logStores) s.close();
      for (const d of spools) removeTempDir(d);
      clients.sqs.destroy();
      clients.sns.destroy();
      clients.s3.destroy();
      await topo.stop();
    },
  };
});
