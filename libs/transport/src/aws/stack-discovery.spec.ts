import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { setupLogging } from '@ccs/shared';
import { AwsTestServers, AwsTopology, createAwsTopology, startAwsServers } from '@ccs/testing';
import {
  deadLetterQueueOf,
  discoverCommandTopic,
  filtersExecuteRunOnly,
  findWorkQueue,
  queuePrefixOf,
  siblingQueueUrl,
} from './stack-discovery';
import { TransportError } from './transport.errors';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/** Against the SQS/SNS-protocol servers, with two stacks on them so that nothing is found by accident. */
describe('stack discovery', () => {
  let servers: AwsTestServers;
  let stack: AwsTopology;
  let other: AwsTopology;
  let sqs: SQSClient;
  let sns: SNSClient;
  let logged = '';

  const queue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!['QueueArn']!;
    return { url, arn };
  };
  const subscribe = (topicArn: string, endpoint: string, attributes: Record<string, string> = {}) =>
    sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint, Attributes: attributes }));

  beforeAll(async () => {
    setupLogging(0, { write: (line) => void (logged += line) });
    servers = await startAwsServers();
    ({ sqs, sns } = servers.createClients({ maxAttempts: 1 }));
    other = await createAwsTopology(servers);
    // More subscriptions than one ListSubscriptions page holds (100), the stack's own on the last page.
    const filler = await queue(`${other.prefix}-filler`);
    for (let i = 0; i < 120; i++) {
      const topic = (await sns.send(new CreateTopicCommand({ Name: `${other.prefix}-t${i}` }))).TopicArn!;
      await subscribe(topic, filler.arn);
    }
    stack = await createAwsTopology(servers);
  }, 60_000);

  afterAll(async () => {
    setupLogging(0, { write: (line) => process.stderr.write(line) });
    sqs?.destroy();
    sns?.destroy();
    await servers?.stop();
  });

  it("finds a node's command topic from the subscription of its work queue, across pages", async () => {
    logged = '';
    await expect(discoverCommandTopic(sqs, sns, stack.nodeQueueUrl)).resolves.toBe(stack.commandTopicArn);
    await expect(discoverCommandTopic(sqs, sns, other.nodeQueueUrl)).resolves.toBe(other.commandTopicArn);
    // Both subscriptions filter on type=ExecuteRun: nothing to warn about.
    expect(logged).not.toMatch(/no filter policy/);
  });

  it('says what it found when the work queue is subscribed to no topic or to several', async () => {
    const lonely = await queue(`${stack.prefix}-lonely`);
    await expect(discoverCommandTopic(sqs, sns, lonely.url)).rejects.toThrow(
      new TransportError(
        `no SNS topic delivers to ${lonely.url}: subscribe the work queue to the command topic, or pass --command-topic`,
      ),
    );
    const shared = await queue(`${stack.prefix}-shared`);
    await subscribe(stack.commandTopicArn, shared.arn);
    await subscribe(other.commandTopicArn, shared.arn);
    await expect(discoverCommandTopic(sqs, sns, shared.url)).rejects.toThrow(
      /several SNS topics deliver to .*-shared \(.*-commands, .*-commands\): pass --command-topic/,
    );
  });

  it('warns when the work queue takes every command type (no type=ExecuteRun filter)', async () => {
    const unfiltered = await queue(`${stack.prefix}-unfiltered`);
    await subscribe(stack.commandTopicArn, unfiltered.arn, { RawMessageDelivery: 'true' });
    logged = '';
    await expect(discoverCommandTopic(sqs, sns, unfiltered.url)).resolves.toBe(stack.commandTopicArn);
    expect(logged).toMatch(/WARNING.*has no filter policy \{"type":\["ExecuteRun"\]\}/);
  });

  it("finds a queue's dead-letter queue from its redrive policy", async () => {
    await expect(deadLetterQueueOf(sqs, stack.nodeQueueUrl)).resolves.toBe(stack.dlqUrls.node);
    await expect(deadLetterQueueOf(sqs, stack.serverQueueUrl)).resolves.toBe(stack.dlqUrls.server);
    await expect(deadLetterQueueOf(sqs, stack.dlqUrls.node)).resolves.toBeNull();
    // Unreachable queue: no DLQ, no failure (the consumer then deletes invalid messages after a log line).
    await expect(deadLetterQueueOf(sqs, siblingQueueUrl(stack.nodeQueueUrl, 'missing'))).resolves.toBeNull();
  });

  it("finds the work queue next to the daemon's server queue by the stack's naming", async () => {
    await expect(findWorkQueue(sqs, stack.serverQueueUrl)).resolves.toBe(stack.nodeQueueUrl);
    // The original edition's names: <name>-server-queue / <name>-node-queue.
    const seedServer = await queue(`${stack.prefix}-scheduler-server-queue`);
    await expect(findWorkQueue(sqs, seedServer.url)).resolves.toBeNull();
    const seedNodes = await queue(`${stack.prefix}-scheduler-node-queue`);
    await expect(findWorkQueue(sqs, seedServer.url)).resolves.toBe(seedNodes.url);
    await expect(findWorkQueue(sqs, stack.dlqUrls.server)).resolves.toBeNull();
  });

  it('derives the control-queue prefix and sibling URLs from names', () => {
    expect(queuePrefixOf('https://sqs.eu-central-1.amazonaws.com/123456789012/ccs-nodes')).toBe('ccs');
    expect(queuePrefixOf('https://sqs.eu-central-1.amazonaws.com/1/prod-a-nodes/')).toBe('prod-a');
    expect(queuePrefixOf('https://sqs.eu-central-1.amazonaws.com/1/x-node-queue')).toBeNull();
    expect(queuePrefixOf('https://sqs.eu-central-1.amazonaws.com/1/-nodes')).toBeNull();
    expect(siblingQueueUrl('http://127.0.0.1:9/1/a-nodes', 'a-nodes-dlq')).toBe('http://127.0.0.1:9/1/a-nodes-dlq');
    expect(filtersExecuteRunOnly('{"type":["ExecuteRun"]}')).toBe(true);
    for (const p of [undefined, '', '{}', '{"type":["ExecuteRun","StopRun"]}', 'not json'])
      expect(filtersExecuteRunOnly(p)).toBe(false);
  });
});
