import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { AwsHarness, startAwsHarness } from './aws-harness';
import { matchesAttributes, matchesBody } from './sns-filter-policy';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let h: AwsHarness;

beforeAll(async () => {
  h = await startAwsHarness({ visibilityTimeoutSeconds: 1 });
});

afterAll(async () => {
  await h?.stop();
});

async function receiveAll(sqs: SQSClient, queueUrl: string, waitSeconds = 0): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: out.length === 0 ? waitSeconds : 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (!r.Messages?.length) return out;
    out.push(...r.Messages);
  }
}

/** Polls (1 s long polls: the emulator holds each for its full wait time) until something arrives. */
async function receiveSome(sqs: SQSClient, queueUrl: string, timeoutMs = 10_000): Promise<Message[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await receiveAll(sqs, queueUrl, 1);
    if (got.length > 0 || Date.now() > deadline) return got;
  }
}

async function newQueue(name: string): Promise<{ url: string; arn: string }> {
  const { sqs } = h.clients;
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${h.prefix}-${name}` }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
    .Attributes!['QueueArn']!;
  return { url, arn };
}

describe('AWS test harness topology', () => {
  it('routes ExecuteRun from the command topic to node-queue raw, with its message attributes', async () => {
    const { sns, sqs } = h.clients;
    await sns.send(
      new PublishCommand({
        TopicArn: h.commandTopicArn,
        Message: '{"hello":1}',
        MessageAttributes: {
          type: { DataType: 'String', StringValue: 'ExecuteRun' },
          runId: { DataType: 'String', StringValue: 'r1' },
        },
      }),
    );
    // A StopRun does not pass node-queue's filter policy.
    await sns.send(
      new PublishCommand({
        TopicArn: h.commandTopicArn,
        Message: '{"stop":1}',
        MessageAttributes: { type: { DataType: 'String', StringValue: 'StopRun' } },
      }),
    );
    const got = await receiveAll(sqs, h.nodeQueueUrl);
    expect(got.map((m) => m.Body)).toEqual(['{"hello":1}']);
    expect(got[0].MessageAttributes?.['runId']?.StringValue).toBe('r1');
    expect(got[0].MessageAttributes?.['type']?.StringValue).toBe('ExecuteRun');
  });

  it('routes control-bus events to server-queue and moves a message received too often to the DLQ', async () => {
    const { sns, sqs } = h.clients;
    await sns.send(new PublishCommand({ TopicArn: h.controlBusArn, Message: 'event-1' }));
    expect((await receiveAll(sqs, h.serverQueueUrl)).map((m) => m.Body)).toEqual(['event-1']);
    // Never deleted: received again after each 1 s visibility timeout until maxReceiveCount (5), then moved to the DLQ.
    let receives = 1;
    let dead: Message[] = [];
    const deadline = Date.now() + 15_000;
    while (dead.length === 0 && Date.now() < deadline) {
      receives += (await receiveAll(sqs, h.serverQueueUrl, 1)).length;
      dead = await receiveAll(sqs, h.dlqUrls.server);
    }
    expect(dead.map((m) => m.Body)).toEqual(['event-1']);
    expect(receives).toBeGreaterThanOrEqual(5);
    expect(await receiveAll(sqs, h.serverQueueUrl)).toHaveLength(0);
  });

  it('creates a bucket that s3 clients can write and read', async () => {
    const { s3 } = h.clients;
    await s3.send(new PutObjectCommand({ Bucket: h.bucket, Key: 'logs/x.log', Body: 'hello\n' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: h.bucket, Key: 'logs/x.log' }));
    expect(await got.Body!.transformToString()).toBe('hello\n');
  });

  it('exposes an environment with endpoints, region and dummy credentials', () => {
    expect(h.env['AWS_ENDPOINT_URL_SQS']).toBe(h.servers.sqs.endpoint);
    expect(h.env['AWS_ENDPOINT_URL_SNS']).toBe(h.servers.sns.endpoint);
    expect(h.env['AWS_ENDPOINT_URL_S3']).toBe(h.servers.s3.endpoint);
    expect(h.env['AWS_REGION']).toBeTruthy();
    expect(h.env['AWS_ACCESS_KEY_ID']).toBeTruthy();
    expect(h.env['AWS_REQUEST_CHECKSUM_CALCULATION']).toBe('WHEN_REQUIRED');
  });
});

describe('SNS test server', () => {
  it('lists, describes and deletes topics and answers errors in the ErrorResponse shape', async () => {
    const { sns } = h.clients;
    const arn = (await sns.send(new CreateTopicCommand({ Name: `${h.prefix}-extra` }))).TopicArn!;
    expect((await sns.send(new CreateTopicCommand({ Name: `${h.prefix}-extra` }))).TopicArn).toBe(arn);
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics!.map((t) => t.TopicArn);
    expect(topics).toEqual(expect.arrayContaining([arn, h.commandTopicArn, h.controlBusArn]));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes!;
    expect(attrs['TopicArn']).toBe(arn);
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    await expect(sns.send(new PublishCommand({ TopicArn: arn, Message: 'x' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Topic does not exist',
    });
    await expect(sns.send(new PublishCommand({ TopicArn: h.commandTopicArn, Message: '' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('applies filter policies (exact, exists, anything-but, prefix) set at subscribe time or later', async () => {
    const { sns, sqs } = h.clients;
    const q = await newQueue('filtered');
    const sub = (
      await sns.send(
        new SubscribeCommand({
          TopicArn: h.commandTopicArn,
          Protocol: 'sqs',
          Endpoint: q.arn,
          Attributes: {
            RawMessageDelivery: 'true',
            FilterPolicy: JSON.stringify({ type: ['StopRun'], nodeId: ['n1'] }),
            FilterPolicyScope: 'MessageAttributes',
          },
          ReturnSubscriptionArn: true,
        }),
      )
    ).SubscriptionArn!;
    const publish = (body: string, attrs: Record<string, string>) =>
      sns.send(
        new PublishCommand({
          TopicArn: h.commandTopicArn,
          Message: body,
          MessageAttributes: Object.fromEntries(
            Object.entries(attrs).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
          ),
        }),
      );
    await publish('to-n1', { type: 'StopRun', nodeId: 'n1' });
    await publish('to-n2', { type: 'StopRun', nodeId: 'n2' });
    await publish('no-node', { type: 'StopRun' });
    expect((await receiveAll(sqs, q.url)).map((m) => m.Body)).toEqual(['to-n1']);

    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: sub,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify({ type: [{ 'anything-but': ['ExecuteRun'] }], nodeId: [{ exists: true }] }),
      }),
    );
    await publish('a', { type: 'StopRun', nodeId: 'n9' });
    await publish('b', { type: 'ExecuteRun', nodeId: 'n9' });
    await publish('c', { type: 'StopRun' });
    expect((await receiveAll(sqs, q.url)).map((m) => m.Body)).toEqual(['a']);

    await expect(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: sub,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });

    const listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: h.commandTopicArn })))
      .Subscriptions!;
    expect(listed.map((s) => s.SubscriptionArn)).toContain(sub);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub }));
    await publish('after', { type: 'StopRun', nodeId: 'n9' });
    expect(await receiveAll(sqs, q.url)).toHaveLength(0);
  });

  it('delivers the JSON notification envelope unless raw delivery is on, and handles PublishBatch', async () => {
    const { sns, sqs } = h.clients;
    const q = await newQueue('envelope');
    const topic = (await sns.send(new CreateTopicCommand({ Name: `${h.prefix}-env` }))).TopicArn!;
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn }));
    const r = await sns.send(
      new PublishBatchCommand({
        TopicArn: topic,
        PublishBatchRequestEntries: [
          { Id: '1', Message: 'one', MessageAttributes: { type: { DataType: 'String', StringValue: 'X' } } },
          { Id: '2', Message: 'two' },
        ],
      }),
    );
    expect(r.Successful!.map((s) => s.Id)).toEqual(['1', '2']);
    expect(r.Failed ?? []).toEqual([]);
    const bodies = (await receiveAll(sqs, q.url)).map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({
      Type: 'Notification',
      TopicArn: topic,
      Message: 'one',
      MessageAttributes: { type: { Type: 'String', Value: 'X' } },
    });
    expect(bodies[1]).toMatchObject({ Message: 'two' });
    await expect(
      sns.send(
        new PublishBatchCommand({
          TopicArn: topic,
          PublishBatchRequestEntries: [
            { Id: '1', Message: 'a' },
            { Id: '1', Message: 'b' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
  });

  it('accepts Publish while SQS is down and delivers once SQS is back on the same port', async () => {
    const { sns } = h.clients;
    const q = await newQueue('outage');
    await sns.send(
      new SubscribeCommand({
        TopicArn: h.controlBusArn,
        Protocol: 'sqs',
        Endpoint: q.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await h.servers.sqs.stop();
    try {
      await sns.send(new PublishCommand({ TopicArn: h.controlBusArn, Message: 'while-down' }));
      expect(h.servers.sns.pendingDeliveries()).toBeGreaterThan(0);
    } finally {
      await h.servers.sqs.restart();
    }
    const sqs = new SQSClient({
      region: h.servers.region,
      endpoint: h.servers.sqs.endpoint,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    try {
      // The queue survived the outage (state kept) and the backlog is delivered.
      expect((await receiveSome(sqs, q.url)).map((m) => m.Body)).toEqual(['while-down']);
      // Plain SQS sends work again too.
      await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'direct' }));
      expect((await receiveSome(sqs, q.url)).map((m) => m.Body)).toEqual(['direct']);
    } finally {
      sqs.destroy();
    }
    // Drain the copies the topology's server-queue got meanwhile.
    await receiveAll(h.clients.sqs, h.serverQueueUrl);
  });
});

describe('SNS filter policy evaluation', () => {
  const s = (v: string) => ({ DataType: 'String', StringValue: v });
  it('matches attributes per documented semantics', () => {
    expect(matchesAttributes({ type: ['A', 'B'] }, { type: s('B') })).toBe(true);
    expect(matchesAttributes({ type: ['A'] }, {})).toBe(false);
    expect(matchesAttributes({ type: [{ exists: false }] }, {})).toBe(true);
    expect(matchesAttributes({ type: [{ prefix: 'Ex' }] }, { type: s('ExecuteRun') })).toBe(true);
    expect(matchesAttributes({ type: [{ 'anything-but': { prefix: 'Ex' } }] }, { type: s('ExecuteRun') })).toBe(false);
    expect(
      matchesAttributes({ n: [{ numeric: ['>', 1, '<=', 3] }] }, { n: { DataType: 'Number', StringValue: '3' } }),
    ).toBe(true);
    expect(matchesAttributes({ n: [{ numeric: ['>', 3] }] }, { n: { DataType: 'Number', StringValue: '3' } })).toBe(
      false,
    );
    expect(matchesAttributes({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: s('2') })).toBe(true);
    expect(matchesAttributes({ tags: ['x'] }, { tags: { DataType: 'String.Array', StringValue: '["y","x"]' } })).toBe(
      true,
    );
  });

  it('matches JSON bodies with nested keys', () => {
    expect(matchesBody({ a: { b: ['c'] } }, '{"a":{"b":"c"}}')).toBe(true);
    expect(matchesBody({ a: { b: ['c'] } }, '{"a":{"b":"d"}}')).toBe(false);
    expect(matchesBody({ a: ['c'] }, 'not json')).toBe(false);
  });
});
