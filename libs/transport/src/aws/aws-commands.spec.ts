import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { normalizeProfile } from '@ccs/core';
import { AwsTestServers, AwsTopology, createAwsTopology, startAwsServers, waitFor } from '@ccs/testing';
import { executeRun, stopRun } from '../conformance/transport-conformance';
import type { CommandEnvelope, ExecuteRunPayload } from '../messages';
import { STATIC_VALUE_WITHHELD, envelopeAttributes } from './message-attributes';
import { queueDepth } from './queue-depth';
import { SnsCommandBus } from './sns-command.bus';
import { SqsCommandSource, controlQueueName } from './sqs-command.source';
import { TransportError, TransportUnavailableError } from './transport.errors';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

let servers: AwsTestServers;
let topo: AwsTopology;
let sqs: SQSClient;
let sns: SNSClient;
const sources: SqsCommandSource[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  servers = await startAwsServers();
});

afterAll(async () => {
  await servers?.stop();
});

beforeEach(async () => {
  topo = await createAwsTopology(servers, { visibilityTimeoutSeconds: 2 });
  ({ sqs, sns } = servers.createClients({ maxAttempts: 1 }));
});

afterEach(async () => {
  for (const s of sources.splice(0)) await s.stop();
  await topo.stop();
  sqs.destroy();
  sns.destroy();
});

function source(overrides: Partial<ConstructorParameters<typeof SqsCommandSource>[2]> = {}): SqsCommandSource {
  const s = new SqsCommandSource(sqs, sns, {
    nodeQueueUrl: topo.nodeQueueUrl,
    commandTopicArn: topo.commandTopicArn,
    deadLetterQueueUrl: topo.dlqUrls.node,
    controlQueuePrefix: topo.prefix,
    waitTimeSeconds: 1,
    visibilityTimeoutSeconds: 2,
    heartbeatIntervalSeconds: 0.5,
    controlVisibilityTimeoutSeconds: 1,
    retry: { attempts: 3, baseDelayMs: 20 },
    ...overrides,
  });
  sources.push(s);
  return s;
}

const bus = () =>
  new SnsCommandBus(sns, { commandTopicArn: topo.commandTopicArn, retry: { attempts: 3, baseDelayMs: 20 } });

describe('SnsCommandBus', () => {
  it('publishes the envelope with routing attributes (type, runId, nodeId, traceparent)', async () => {
    const cmd = { ...executeRun(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    await bus().send(cmd);
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: topo.nodeQueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );
    const m = r.Messages![0];
    expect(JSON.parse(m.Body!)).toMatchObject({ id: cmd.id, type: 'ExecuteRun', runId: cmd.runId });
    const attrs = Object.fromEntries(Object.entries(m.MessageAttributes!).map(([k, v]) => [k, v.StringValue]));
    expect(attrs).toEqual({ type: 'ExecuteRun', runId: cmd.runId, traceparent: cmd.traceparent });
    expect(Object.keys(envelopeAttributes(stopRun('r', 'n')))).toEqual(['type', 'runId', 'nodeId']);
  });

  it('withholds static profile values from ExecuteRun and keeps references', async () => {
    const profile = normalizeProfile({
      name: 'p',
      env_vars: [
        { name: 'API_KEY', source: 'static', value: 'sk-very-secret-value' },
        { name: 'DB_PASSWORD', source: 'aws_sm', value: 'prod/db' },
      ],
    });
    const cmd = executeRun() as CommandEnvelope & { payload: ExecuteRunPayload };
    cmd.payload.task_profile = profile;
    cmd.payload.job_profile = profile;
    await bus().send(cmd);
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: topo.nodeQueueUrl, WaitTimeSeconds: 1 }));
    const body = r.Messages![0].Body!;
    expect(body).not.toContain('sk-very-secret-value');
    const payload = (JSON.parse(body) as { payload: ExecuteRunPayload }).payload;
    for (const p of [payload.task_profile!, payload.job_profile!]) {
      expect(p.env_vars[0]).toMatchObject({
        name: 'API_KEY',
        source: 'static',
        value: '',
        [STATIC_VALUE_WITHHELD]: true,
      });
      expect(p.env_vars[1]).toEqual({
        id: expect.any(String),
        name: 'DB_PASSWORD',
        source: 'aws_sm',
        value: 'prod/db',
        config: null,
      });
    }
    // The caller's object is untouched.
    expect(cmd.payload.task_profile.env_vars[0].value).toBe('sk-very-secret-value');
  });

  it('throws TransportUnavailableError when SNS stays unreachable, TransportError for a final failure', async () => {
    const down = new SNSClient({
      region: servers.region,
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      maxAttempts: 1,
    });
    try {
      const unreachable = new SnsCommandBus(down, {
        commandTopicArn: topo.commandTopicArn,
        retry: { attempts: 3, baseDelayMs: 10 },
      });
      await expect(unreachable.send(executeRun())).rejects.toBeInstanceOf(TransportUnavailableError);
      await expect(unreachable.send(executeRun())).rejects.toThrow(/after 3 attempts/);
    } finally {
      down.destroy();
    }
    const missing = new SnsCommandBus(sns, { commandTopicArn: `${topo.commandTopicArn}-missing` });
    const err = await missing.send(executeRun()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).not.toBeInstanceOf(TransportUnavailableError);
  });
});

describe('SqsCommandSource', () => {
  it('keeps a running ExecuteRun leased past the visibility timeout (heartbeat): no other node gets it', async () => {
    const got: Record<string, string[]> = { a: [], b: [] };
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await source().start(
      'a',
      (c) => {
        got['a'].push(c.id);
        return held;
      },
      { concurrency: 1 },
    );
    try {
      const cmd = executeRun();
      await bus().send(cmd);
      await waitFor(() => got['a'].length === 1, { timeoutMs: 5000, what: 'delivery to a' });
      await source().start(
        'b',
        (c) => {
          got['b'].push(c.id);
          return Promise.resolve();
        },
        { concurrency: 1 },
      );
      // Three leases long.
      await sleep(6000);
      expect(got['b']).toEqual([]);
      // (The emulator counts invisible messages in ApproximateNumberOfMessages too; SQS does not.)
      expect((await queueDepth(sqs, topo.nodeQueueUrl)).inFlight).toBe(1);
    } finally {
      release();
    }
    await sources[0].stop();
    expect(await queueDepth(sqs, topo.nodeQueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(got['b']).toEqual([]);
  });

  it('creates its control queue (policy for the command topic, filtered subscription) and removes it on stop', async () => {
    const s = source();
    await s.start('node/1', () => Promise.resolve(), { concurrency: 1 });
    const name = controlQueueName(topo.prefix, 'node/1');
    expect(name).toBe(`${topo.prefix}-node-node_1`);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    expect(s.controlQueueUrl).toBe(url);
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
      .Attributes!;
    const policy = JSON.parse(attrs.Policy!) as { Statement: { Principal: unknown; Condition: unknown }[] };
    expect(policy.Statement[0]).toMatchObject({
      Principal: { Service: 'sns.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': topo.commandTopicArn } },
    });
    const subs = async () =>
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topo.commandTopicArn }))).Subscriptions!.filter(
        (x) => x.Endpoint === attrs.QueueArn,
      );
    expect(await subs()).toHaveLength(1);

    await s.stop();
    await s.stop();
    expect(await subs()).toHaveLength(0);
    const gone = await sqs.send(new GetQueueUrlCommand({ QueueName: name })).catch((e: unknown) => e as Error);
    expect((gone as Error).name).toMatch(/QueueDoesNotExist|NonExistentQueue/);
  });

  it('names control queues within SQS limits', () => {
    expect(controlQueueName('ccs', 'abc-DEF_1')).toBe('ccs-node-abc-DEF_1');
    const long = controlQueueName('ccs', 'x'.repeat(200));
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(long).not.toBe(controlQueueName('ccs', `${'x'.repeat(199)}y`));
  });

  it('still delivers StopRun while the node drains its runs in stop()', async () => {
    const got: CommandEnvelope[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const s = source();
    await s.start(
      'n1',
      (c) => {
        got.push(c);
        return c.type === 'ExecuteRun' ? held : Promise.resolve();
      },
      { concurrency: 1 },
    );
    const run = executeRun();
    await bus().send(run);
    let stopping: Promise<void> | undefined;
    try {
      await waitFor(() => got.length === 1, { timeoutMs: 5000, what: 'ExecuteRun' });
      stopping = s.stop();
      const stop = stopRun(run.runId!, 'n1');
      await bus().send(stop);
      await waitFor(() => got.some((c) => c.id === stop.id), { timeoutMs: 5000, what: 'StopRun during drain' });
    } finally {
      release();
    }
    await stopping;
  });

  it('dead-letters a message that is not JSON with the reason attached', async () => {
    const seen: string[] = [];
    await source().start(
      'n1',
      (c) => {
        seen.push(c.id);
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: topo.nodeQueueUrl, MessageBody: 'not json at all' }));
    let dead: Message | undefined;
    const deadline = Date.now() + 8000;
    while (!dead && Date.now() < deadline) {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: topo.dlqUrls.node, MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }),
      );
      dead = r.Messages?.[0];
    }
    expect(dead?.Body).toBe('not json at all');
    expect(dead?.MessageAttributes?.['deadLetterReason']?.StringValue).toMatch(/not valid JSON/);
    expect(seen).toEqual([]);
  });

  it('keeps consuming after SQS was unreachable for a while', async () => {
    const seen: string[] = [];
    await source().start(
      'n1',
      (c) => {
        seen.push(c.id);
        return Promise.resolve();
      },
      { concurrency: 2 },
    );
    await servers.sqs.stop();
    await sleep(2500);
    await servers.sqs.restart();
    const cmd = executeRun();
    await bus().send(cmd);
    await waitFor(() => seen.includes(cmd.id), { timeoutMs: 20_000, what: 'delivery after the outage' });
  });

  it('refuses a heartbeat that is not below the lease', () => {
    expect(() => source({ visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 2 })).toThrow(TransportError);
    sources.pop();
  });
});
