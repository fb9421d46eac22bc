import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { DEFAULT_SETTINGS, newRun, normalizeTask } from '@ccs/core';
import {
  AwsHarness,
  BinaryProcess,
  assertBuilt,
  fakeClaudeDir,
  fakeClaudeEnv,
  isProcessAlive,
  launchBinary,
  makeTempDir,
  readFakeClaudeRecords,
  removeTempDir,
  startAwsHarness,
  waitFor,
} from '@ccs/testing';
import { makeEnvelope } from '@ccs/transport';

/**
 * The original edition's command lines, exactly as its docs give them, against a stack named as the original's
 * (`…-command-topic`, `…-server-queue`, `…-node-queue`, `…-control-bus`, `…-logs`, with DLQs behind the queues):
 *
 *   daemon --command-topic ARN --server-queue URL --s3-bucket BUCKET
 *   node --command-queue URL --control-bus ARN --s3-bucket BUCKET
 *
 * Everything else comes from defaults the processes work out from the stack (command topic, DLQs, work queue). What
 * a test needs beyond that (data dir, port 0, short polls and heartbeats, the fake claude) goes through the
 * environment, so the argv stays the original's. Then poison messages on each of the three queues the processes
 * consume must leave them at the first receive, with neither process restarting.
 */
describe("the original edition's daemon and node command lines", () => {
  let dir: string;
  let aws: AwsHarness;
  let daemon: BinaryProcess;
  let node: BinaryProcess;
  let base: string;
  const nodeId = `seed-${randomUUID().slice(0, 8)}`;
  const recordDir = () => path.join(dir, 'records');

  async function api(method: string, url: string, body?: unknown): Promise<any> {
    const res = await fetch(base + url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status} ${text}`);
    return text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  }

  const runOf = async (id: string) => (await api('GET', `/api/runs/${id}`)).run as { status: string; node_id: string };

  async function waitForRun(id: string, statuses: string[], timeoutMs = 30_000): Promise<{ status: string }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const r = await runOf(id);
      if (statuses.includes(r.status)) return r;
      if (Date.now() > end) throw new Error(`run ${id} is ${r.status}, not ${statuses.join('/')}\n${node.err()}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  beforeAll(async () => {
    assertBuilt();
    dir = makeTempDir('ccs-seed-');
    aws = await startAwsHarness({ naming: 'original', visibilityTimeoutSeconds: 6, maxReceiveCount: 5 });
    const quick = { ...aws.env, CLAUDE_SCHEDULER_DATA_DIR: path.join(dir, 'daemon') };
    daemon = launchBinary(
      [
        'daemon',
        '--command-topic',
        aws.commandTopicArn,
        '--server-queue',
        aws.serverQueueUrl,
        '--s3-bucket',
        aws.bucket,
      ],
      { ...quick, CLAUDE_DAEMON_API_PORT: '0', CLAUDE_DAEMON_POLL_SECONDS: '1', CLAUDE_DAEMON_NODE_TIMEOUT: '20' },
    );
    base = await waitFor(() => /listening on (http:\/\/\S+)/.exec(daemon.out())?.[1], {
      timeoutMs: 30_000,
      what: `daemon start: ${daemon.err()}`,
    });
    node = launchBinary(
      ['node', '--command-queue', aws.nodeQueueUrl, '--control-bus', aws.controlBusArn, '--s3-bucket', aws.bucket],
      {
        ...aws.env,
        HOME: dir,
        PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`,
        CLAUDE_NODE_ID: nodeId,
        CLAUDE_NODE_WORK_DIR: path.join(dir, 'node'),
        CLAUDE_NODE_POLL_SECONDS: '1',
        CLAUDE_NODE_HEARTBEAT_INTERVAL: '2',
        ...fakeClaudeEnv({ recordDir: recordDir(), delayMs: 5 }),
      },
    );
    const end = Date.now() + 30_000;
    for (;;) {
      const nodes = (await api('GET', '/api/nodes')).nodes as { id: string; status: string }[];
      if (nodes.some((n) => n.id === nodeId && n.status === 'online')) break;
      if (Date.now() > end || node.proc.exitCode !== null) throw new Error(`node did not register: ${node.err()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    for (const p of [node, daemon]) if (p && p.proc.exitCode === null) p.proc.kill('SIGTERM');
    await Promise.all([node?.exited, daemon?.exited]);
    await aws?.stop();
    removeTempDir(dir);
  }, 60_000);

  it('bring up a cluster from the stack alone: a run succeeds, stats see the work queue', async () => {
    // What the node found by itself: its control queue (prefix ccs) is subscribed to the command topic.
    const control = await aws.clients.sqs.send(new GetQueueUrlCommand({ QueueName: `ccs-node-${nodeId}` }));
    const arn = (
      await aws.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: control.QueueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes!['QueueArn'];
    const subscriptions = await aws.clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: aws.commandTopicArn }),
    );
    expect(subscriptions.Subscriptions!.map((s) => s.Endpoint)).toContain(arn);
    expect(node.err()).not.toMatch(/no filter policy/);
    const task = (await api('POST', '/api/tasks', { name: 'seed', prompt: 'hello from the seed' })).task;
    const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
    expect((await waitForRun(run_id, ['success', 'failed', 'cancelled'])).status).toBe('success');
    expect(await runOf(run_id)).toMatchObject({ node_id: nodeId });
    const stats = await api('GET', '/api/stats');
    // The daemon found the work queue next to its server queue (<name>-node-queue next to <name>-server-queue).
    expect(Object.keys(stats.queues).sort()).toEqual([
      'node_queue_in_flight',
      'node_queue_visible',
      'server_queue_in_flight',
      'server_queue_visible',
    ]);
  }, 45_000);

  it('stop cancels a running run on the node and its claude process is gone', async () => {
    const task = (await api('POST', '/api/tasks', { name: 'hang', prompt: '[fake:hang] seed stop' })).task;
    const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
    await waitForRun(run_id, ['running']);
    const rec = await waitFor(
      () => readFakeClaudeRecords(recordDir()).find((r) => r.prompt === '[fake:hang] seed stop'),
      {
        timeoutMs: 10_000,
        what: 'the claude process',
      },
    );
    const stopped = (await api('POST', `/api/runs/${run_id}/stop`)).run;
    expect(stopped.status).toBe('cancelled');
    await waitFor(() => !isProcessAlive(rec.pid), { timeoutMs: 5000, what: 'claude process gone' });
  }, 45_000);

  describe('poison messages', () => {
    const sqs = () => aws.clients.sqs;
    const send = (queueUrl: string, body: string) =>
      sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

    async function depth(queueUrl: string): Promise<number> {
      const a = (
        await sqs().send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes!;
      return Number(a['ApproximateNumberOfMessages']) + Number(a['ApproximateNumberOfMessagesNotVisible']);
    }

    async function drain(queueUrl: string, expected: number): Promise<Message[]> {
      const got: Message[] = [];
      const end = Date.now() + 20_000;
      while (got.length < expected && Date.now() < end) {
        const r = await sqs().send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
          }),
        );
        got.push(...(r.Messages ?? []));
      }
      return got;
    }

    /** A valid ExecuteRun, as the coordinator would send it, to make poison from. */
    function executeRun(runId: string = randomUUID()) {
      const task = normalizeTask({ name: 'poison', prompt: 'must never run' });
      const run = { ...newRun({ task_id: task.id, task_name: task.name }), id: runId };
      return makeEnvelope(
        'ExecuteRun',
        { run, task, job: null, task_profile: null, job_profile: null, settings: { ...DEFAULT_SETTINGS } },
        { runId },
      );
    }

    /** The acceptance list: not JSON, {}, v2, unknown type, null payload, null payload fields, 900 KB, non-UUID ids. */
    function poison(kind: 'command' | 'event'): { name: string; body: string }[] {
      const exec = executeRun();
      const failed = makeEnvelope(
        'TaskFailed',
        {
          run_id: 'run-1',
          attempt: 1,
          node_id: nodeId,
          outcome: {
            status: 'failed',
            exit_code: 1,
            start_time: new Date().toISOString(),
            end_time: new Date().toISOString(),
            duration: 0,
            session_id: null,
            errors: 'x',
            status_reason: null,
            model: null,
            cost_usd: null,
            input_tokens: null,
            output_tokens: null,
            cache_read_tokens: null,
            cache_creation_tokens: null,
            num_turns: null,
            duration_api_ms: null,
            warnings: [],
          },
        },
        { nodeId },
      );
      const typed = kind === 'command' ? exec : failed;
      return [
        { name: 'not JSON', body: 'not json at all' },
        { name: '{}', body: '{}' },
        { name: 'v2', body: JSON.stringify({ ...typed, v: 2 }) },
        { name: 'unknown type', body: JSON.stringify({ ...typed, type: 'RunEverything' }) },
        { name: 'null payload', body: JSON.stringify({ ...typed, payload: null }) },
        kind === 'command'
          ? {
              name: 'null payload fields',
              body: JSON.stringify({
                ...exec,
                payload: { ...exec.payload, run: { ...exec.payload.run, id: null, attempt: null }, task: null },
              }),
            }
          : {
              name: 'null payload fields',
              body: JSON.stringify(
                makeEnvelope('NodeHeartbeat', { node_id: null, capacity: null, running_run_ids: null } as never, {}),
              ),
            },
        { name: '900 KB', body: JSON.stringify({ ...typed, padding: 'x'.repeat(900 * 1024) }) },
        kind === 'command'
          ? { name: 'non-UUID run id', body: JSON.stringify(executeRun('not-a-uuid')) }
          : { name: 'non-UUID run id', body: JSON.stringify(failed) },
      ];
    }

    it('leave the work queue, the control queue and the server queue at the first receive; nothing restarts', async () => {
      const daemonPid = daemon.proc.pid;
      const nodePid = node.proc.pid;
      // The original's queue name (…-node-queue) is not <prefix>-nodes: the node's control queue prefix is ccs.
      const controlQueueUrl = (await sqs().send(new GetQueueUrlCommand({ QueueName: `ccs-node-${nodeId}` }))).QueueUrl!;
      const queues = { work: aws.nodeQueueUrl, control: controlQueueUrl, server: aws.serverQueueUrl };
      // Room for a 900 KB body (SQS allows 1 MiB); the DLQs keep their default size.
      for (const url of Object.values(queues))
        await sqs().send(
          new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '1048576' } }),
        );
      const commands = poison('command');
      const events = poison('event');
      for (const p of commands) await send(queues.work, p.body);
      for (const p of commands) await send(queues.control, p.body);
      for (const p of events) await send(queues.server, p.body);

      // Well inside one visibility timeout (6 s here) × the redrive count (5): they go at the first receive.
      const end = Date.now() + 20_000;
      for (const [name, url] of Object.entries(queues)) {
        while ((await depth(url)) > 0) {
          if (Date.now() > end)
            throw new Error(
              `the ${name} queue still holds ${await depth(url)} message(s)\n${node.err()}\n${daemon.err()}`,
            );
          await new Promise((r) => setTimeout(r, 250));
        }
      }

      // Each one went to its DLQ from our consumer (with the reason), not by redrive after maxReceiveCount receives.
      const nodeDead = await drain(aws.dlqUrls.node, commands.length * 2);
      const serverDead = await drain(aws.dlqUrls.server, events.length);
      expect(nodeDead).toHaveLength(commands.length * 2);
      expect(serverDead).toHaveLength(events.length);
      for (const m of [...nodeDead, ...serverDead])
        expect(m.MessageAttributes?.['deadLetterReason']?.StringValue).toBeTruthy();
      const reasons = (ms: Message[]) =>
        ms.map((m) => m.MessageAttributes!['deadLetterReason'].StringValue!).join('\n');
      expect(reasons(nodeDead)).toMatch(/payload\.run\.id must be a UUID/);
      expect(reasons(serverDead)).toMatch(/TaskFailed: payload\.run_id must be a UUID/);
      const big = [...nodeDead, ...serverDead].filter((m) => m.MessageAttributes?.['deadLetterTruncatedFromBytes']);
      expect(big).toHaveLength(3);

      // Nothing executed or reported for the poison runs, and both processes are the ones started above.
      expect(readFakeClaudeRecords(recordDir()).filter((r) => r.prompt === 'must never run')).toEqual([]);
      const reported = aws.servers.sns.published.filter(
        (p) => p.topicArn === aws.controlBusArn && /"type":"Task(Started|Failed|Completed)"/.test(p.message),
      );
      expect(reported.filter((p) => p.message.includes('not-a-uuid'))).toEqual([]);
      expect([daemon.proc.exitCode, node.proc.exitCode]).toEqual([null, null]);
      expect([daemon.proc.pid, node.proc.pid]).toEqual([daemonPid, nodePid]);

      // Still consuming: a run goes through, and the node is still online.
      const task = (await api('POST', '/api/tasks', { name: 'after poison', prompt: 'after the poison' })).task;
      const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
      expect((await waitForRun(run_id, ['success', 'failed', 'cancelled'])).status).toBe('success');
      const nodes = (await api('GET', '/api/nodes')).nodes as { id: string; status: string }[];
      expect(nodes.find((n) => n.id === nodeId)?.status).toBe('online');
    }, 60_000);
  });
});
