import { Messaging, NODE_QUEUE_FILTER_POLICY } from '../src/messaging.component';
import { ACCOUNT_ID, jsonInput, named, ofType, REGION, settle, useMocks } from './pulumi-mocks';

const arn = (service: string, name: string): string => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${name}`;

interface QueuePolicyDocument {
  Statement: {
    Effect: string;
    Principal: unknown;
    Action: unknown;
    Resource: unknown;
    Condition: Record<string, Record<string, string>>;
  }[];
}

describe('Messaging', () => {
  beforeAll(async () => {
    useMocks();
    new Messaging('messaging', {
      prefix: 'ccs',
      visibilityTimeoutSeconds: 900,
      serverVisibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
      messageRetentionSeconds: 345600,
      snsKmsKeyId: 'alias/aws/sns',
    });
    await settle();
  });

  it('creates the command topic and the control bus, both encrypted with KMS', () => {
    const topics = ofType('aws:sns/topic:Topic');
    expect(topics.map((t) => t.inputs.name).sort()).toEqual(['ccs-commands', 'ccs-control-bus']);
    for (const topic of topics) expect(topic.inputs.kmsMasterKeyId).toBe('alias/aws/sns');
  });

  it('creates the node queue and the server queue, each with a DLQ, long polling and SSE', () => {
    const queues = ofType('aws:sqs/queue:Queue');
    expect(queues.map((q) => q.inputs.name).sort()).toEqual([
      'ccs-nodes',
      'ccs-nodes-dlq',
      'ccs-server',
      'ccs-server-dlq',
    ]);
    for (const queue of queues) {
      expect(queue.inputs.receiveWaitTimeSeconds).toBe(20);
      expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
    }
  });

  it('sizes the node queue visibility for long runs and the server queue for quick events', () => {
    expect(named('messaging-node-queue').inputs.visibilityTimeoutSeconds).toBe(900);
    expect(named('messaging-server-queue').inputs.visibilityTimeoutSeconds).toBe(60);
  });

  it('redrives each queue to its own DLQ after 5 receives, and only that queue may use the DLQ', () => {
    for (const [queue, dlq] of [
      ['messaging-node-queue', 'ccs-nodes-dlq'],
      ['messaging-server-queue', 'ccs-server-dlq'],
    ]) {
      expect(jsonInput(named(queue), 'redrivePolicy')).toEqual({
        deadLetterTargetArn: arn('sqs', dlq),
        maxReceiveCount: 5,
      });
      expect(named(`${queue}-dlq`).inputs.messageRetentionSeconds).toBe(1209600);
      const allow = named(`${queue}-dlq-redrive-allow`);
      expect(allow.inputs.queueUrl).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${dlq}`);
      expect(jsonInput(allow, 'redriveAllowPolicy')).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [arn('sqs', dlq.replace(/-dlq$/, ''))],
      });
    }
  });

  it('subscribes the node queue to ExecuteRun commands only, with raw delivery', () => {
    const subscription = named('messaging-node-queue-subscription');
    expect(subscription.inputs).toMatchObject({
      topic: arn('sns', 'ccs-commands'),
      protocol: 'sqs',
      endpoint: arn('sqs', 'ccs-nodes'),
      rawMessageDelivery: true,
    });
    expect(jsonInput(subscription, 'filterPolicy')).toEqual({ type: ['ExecuteRun'] });
    expect(NODE_QUEUE_FILTER_POLICY).toEqual({ type: ['ExecuteRun'] });
  });

  it('subscribes the server queue to every control-bus event, with raw delivery', () => {
    const subscription = named('messaging-server-queue-subscription');
    expect(subscription.inputs).toMatchObject({
      topic: arn('sns', 'ccs-control-bus'),
      protocol: 'sqs',
      endpoint: arn('sqs', 'ccs-server'),
      rawMessageDelivery: true,
    });
    expect(subscription.inputs.filterPolicy).toBeUndefined();
    expect(ofType('aws:sns/topicSubscription:TopicSubscription')).toHaveLength(2);
  });

  it('lets exactly its own topic send to each queue', () => {
    const cases = [
      ['messaging-node-queue-policy', 'ccs-nodes', 'ccs-commands'],
      ['messaging-server-queue-policy', 'ccs-server', 'ccs-control-bus'],
    ];
    for (const [policyName, queue, topic] of cases) {
      const policy = named(policyName);
      expect(policy.inputs.queueUrl).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${queue}`);
      const document = jsonInput<QueuePolicyDocument>(policy, 'policy');
      expect(document.Statement).toEqual([
        {
          Sid: 'TopicMaySend',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: arn('sqs', queue),
          Condition: { ArnEquals: { 'aws:SourceArn': arn('sns', topic) } },
        },
      ]);
    }
    // The DLQs get no queue policy: nothing but SQS redrive writes to them.
    expect(ofType('aws:sqs/queuePolicy:QueuePolicy')).toHaveLength(2);
  });

  it('leaves the per-node control queues to the nodes (none created here)', () => {
    expect(ofType('aws:sqs/queue:Queue').some((q) => String(q.inputs.name).startsWith('ccs-node-'))).toBe(false);
  });
});
