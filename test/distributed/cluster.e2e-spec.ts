import * as path from 'node:path';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  AwsHarness,
  BinaryProcess,
  assertBuilt,
  daemonArgs,
  launchBinary,
  nodeArgs,
  fakeClaudeDir,
  fakeClaudeEnv,
  isProcessAlive,
  makeTempDir,
  readFakeClaudeRecords,
  removeTempDir,
  startAwsHarness,
  waitFor,
} from '@ccs/testing';

/**
 * The real `daemon` and two real `node` processes over the SNS/SQS/S3-protocol test servers on loopback, with the
 * fake claude. The same binaries and flags as production; only AWS_ENDPOINT_URL_* differ.
 */
type Proc = BinaryProcess;
const launch = launchBinary;

describe('distributed mode: daemon + 2 nodes over SNS/SQS/S3', () => {
  let dir: string;
  let aws: AwsHarness;
  let daemon: Proc;
  let base: string;
  const nodes = new Map<string, Proc>();
  const recordDir = () => path.join(dir, 'records');

  function startNode(id: string): Proc {
    const p = launch(
      nodeArgs(aws, {
        id,
        workDir: path.join(dir, id),
        heartbeatSeconds: 2,
        capacity: 4,
        visibilitySeconds: 6,
        tags: `zone=${id}`,
      }),
      {
        ...aws.env,
        PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`,
        HOME: dir,
        ...fakeClaudeEnv({ recordDir: recordDir(), recordEnv: ['PATH'], delayMs: 5 }),
      },
    );
    nodes.set(id, p);
    return p;
  }

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

  async function startDaemon(): Promise<void> {
    daemon = launch(daemonArgs(aws, { dataDir: path.join(dir, 'daemon'), nodeTimeoutSeconds: 8 }), aws.env);
    base = await waitFor(() => /listening on (http:\/\/\S+)/.exec(daemon.out())?.[1], {
      timeoutMs: 30_000,
      what: `daemon start: ${daemon.err()}`,
    });
  }

  const run = (id: string) =>
    api('GET', `/api/runs/${id}`).then(
      (r) => r.run as { status: string; node_id: string; status_reason: string; attempt: number; id: string },
    );

  beforeAll(async () => {
    assertBuilt();
    dir = makeTempDir('ccs-cluster-');
    aws = await startAwsHarness({ visibilityTimeoutSeconds: 6 });
    await startDaemon();
    startNode('n1');
    startNode('n2');
    const end = Date.now() + 30_000;
    for (;;) {
      const list = (await api('GET', '/api/nodes')).nodes as { id: string; status: string }[];
      if (list.filter((n) => n.status === 'online').length === 2) break;
      if (Date.now() > end)
        throw new Error(`nodes did not register: ${JSON.stringify(list)}\n${nodes.get('n1')!.err()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    for (const p of nodes.values()) if (p.proc.exitCode === null) p.proc.kill('SIGTERM');
    await Promise.all([...nodes.values()].map((p) => p.exited));
    if (daemon?.proc.exitCode === null) daemon.proc.kill('SIGTERM');
    await daemon?.exited;
    await aws?.stop();
    removeTempDir(dir);
  }, 60_000);

  async function waitRuns(
    ids: string[],
    timeoutMs: number,
  ): Promise<{ status: string; node_id: string; id: string }[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const page = await api('GET', `/api/runs?limit=1000`);
      const byId = new Map((page.runs as { id: string; status: string; node_id: string }[]).map((r) => [r.id, r]));
      const done = ids
        .map((id) => byId.get(id)!)
        .filter((r) => r && ['success', 'failed', 'cancelled'].includes(r.status));
      if (done.length === ids.length) return done;
      if (Date.now() > end) throw new Error(`only ${done.length}/${ids.length} runs finished`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('runs 50 runs across both nodes; logs in S3 match the output; nodes and stats are right', async () => {
    const task = (await api('POST', '/api/tasks', { name: 'fleet', prompt: 'hello fleet' })).task;
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await api('POST', `/api/tasks/${task.id}/run`)).run_id);
    const runs = await waitRuns(ids, 90_000);
    expect(runs.filter((r) => r.status === 'success')).toHaveLength(50);
    const perNode = new Map<string, number>();
    for (const r of runs) perNode.set(r.node_id, (perNode.get(r.node_id) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['n1', 'n2']);
    const one = await api('GET', `/api/runs/${ids[0]}`);
    expect(one.run.output).toContain('hello fleet');
    const text = (await api('GET', `/api/runs/${ids[0]}/logs`)) as string;
    expect(text).toContain('SUCCESS: exit code 0');
    expect(text).toContain('"type":"result"');
    const stats = await api('GET', '/api/stats');
    expect(stats.nodes.online).toBe(2);
    expect(stats.runs.success).toBeGreaterThanOrEqual(50);
    expect(stats.totals.cost_usd).toBeGreaterThan(0);
    const list = (await api('GET', '/api/nodes')).nodes as {
      id: string;
      tags: Record<string, string>;
      capacity: number;
    }[];
    expect(list.find((n) => n.id === 'n1')!.tags).toEqual({ zone: 'n1' });
    expect(list.every((n) => n.capacity === 4)).toBe(true);
  }, 120_000);

  it('executes each run once when every ExecuteRun is delivered twice', async () => {
    // A second subscription of the work queue doubles every delivery, as an at-least-once transport may.
    const attrs = await aws.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: aws.nodeQueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await aws.clients.sns.send(
      new SubscribeCommand({
        TopicArn: aws.commandTopicArn,
        Protocol: 'sqs',
        Endpoint: attrs.Attributes!['QueueArn'],
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: ['ExecuteRun'] }) },
      }),
    );
    const task = (await api('POST', '/api/tasks', { name: 'twice', prompt: 'delivered twice' })).task;
    const before = readFakeClaudeRecords(recordDir()).filter((r) => r.prompt === 'delivered twice').length;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await api('POST', `/api/tasks/${task.id}/run`)).run_id);
    const runs = await waitRuns(ids, 60_000);
    expect(runs.every((r) => r.status === 'success')).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    const after = readFakeClaudeRecords(recordDir()).filter((r) => r.prompt === 'delivered twice');
    // Each run's session appears once among the processes that ran to completion.
    const sessions = new Map<string, number>();
    for (const r of after.slice(before)) sessions.set(r.session_id, (sessions.get(r.session_id) ?? 0) + 1);
    expect(after.length - before).toBe(10);
    expect([...sessions.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('stops a run on the node that holds it within 2 s; the run ends cancelled', async () => {
    const task = (await api('POST', '/api/tasks', { name: 'stoppable', prompt: '[fake:hang] wait forever' })).task;
    const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
    const started = Date.now() + 20_000;
    while ((await run(run_id)).status !== 'running') {
      if (Date.now() > started) throw new Error('run did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rec = await waitFor(() =>
      readFakeClaudeRecords(recordDir()).find((r) => r.prompt === '[fake:hang] wait forever'),
    );
    const t0 = Date.now();
    const stopped = (await api('POST', `/api/runs/${run_id}/stop`)).run;
    const elapsed = Date.now() - t0;
    expect(stopped.status).toBe('cancelled');
    expect(elapsed).toBeLessThan(2000 + 1500);
    await waitFor(() => !isProcessAlive(rec.pid), { timeoutMs: 2000, what: 'claude process gone' });
  }, 60_000);

  it('kill -9 of a node mid-run: the run fails as node_lost and is retried on the other node', async () => {
    const task = (
      await api('POST', '/api/tasks', {
        name: 'survivor',
        prompt: '[fake:hang] long job',
        retry: { enabled: true, max_attempts: 1, delay_seconds: 0, backoff_multiplier: 1 },
      })
    ).task;
    const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
    let first = await run(run_id);
    const deadline = Date.now() + 20_000;
    while (first.status !== 'running') {
      if (Date.now() > deadline) throw new Error('run did not start');
      await new Promise((r) => setTimeout(r, 100));
      first = await run(run_id);
    }
    const victim = first.node_id;
    const other = victim === 'n1' ? 'n2' : 'n1';
    const t0 = Date.now();
    nodes.get(victim)!.proc.kill('SIGKILL');
    await nodes.get(victim)!.exited;
    let retry: { status: string; node_id: string } | undefined;
    for (;;) {
      const page = await api('GET', `/api/runs?task_id=${task.id}`);
      retry = (page.runs as { attempt: number; status: string; node_id: string }[]).find(
        (r) => r.attempt === 2 && r.status === 'running',
      );
      if (retry) break;
      if (Date.now() - t0 > 25_000) throw new Error(`no retry running: ${JSON.stringify(page.runs)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsed = Date.now() - t0;
    expect((await run(run_id)).status_reason).toBe('node_lost');
    expect(retry.node_id).toBe(other);
    // Node timeout 8 s at a 2 s heartbeat here; generous bound for a loaded CI machine.
    expect(elapsed).toBeLessThan(20_000);
    const lost = ((await api('GET', '/api/nodes')).nodes as { id: string; status: string }[]).find(
      (n) => n.id === victim,
    )!;
    expect(lost.status).toBe('lost');
    await api('POST', `/api/runs/${(retry as unknown as { id: string }).id}/stop`);
    // The crashed node comes back under the same id (as a restarted service would) and reuses its control queue.
    startNode(victim);
    const back = Date.now() + 30_000;
    for (;;) {
      const list = (await api('GET', '/api/nodes')).nodes as { id: string; status: string }[];
      if (list.find((n) => n.id === victim)?.status === 'online') break;
      if (Date.now() > back) throw new Error(`${victim} did not come back: ${nodes.get(victim)!.err()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  it('SQS unreachable for 10 s: no command lost, everything completes after it returns', async () => {
    const task = (await api('POST', '/api/tasks', { name: 'outage', prompt: 'through an outage' })).task;
    await aws.servers.sqs.stop();
    const ids: string[] = [];
    try {
      // Accepted by the API while SQS is down: the runs wait in the coordinator's outbox.
      for (let i = 0; i < 5; i++) ids.push((await api('POST', `/api/tasks/${task.id}/run`)).run_id);
      await new Promise((r) => setTimeout(r, 10_000));
    } finally {
      await aws.servers.sqs.restart();
    }
    const runs = await waitRuns(ids, 90_000);
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill('success'));
    // The nodes are still online: their heartbeats and consumers came back by themselves.
    const list = (await api('GET', '/api/nodes')).nodes as { id: string; status: string }[];
    expect(list.filter((n) => n.status === 'online').length).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it('a restarted daemon keeps runs that nodes still hold running (no blind failing), and can still stop them', async () => {
    const task = (
      await api('POST', '/api/tasks', { name: 'across restart', prompt: '[fake:hang] across a daemon restart' })
    ).task;
    const { run_id } = await api('POST', `/api/tasks/${task.id}/run`);
    const deadline = Date.now() + 20_000;
    while ((await run(run_id)).status !== 'running') {
      if (Date.now() > deadline) throw new Error('run did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    daemon.proc.kill('SIGTERM');
    await daemon.exited;
    await startDaemon();
    // Longer than the node timeout (8 s): the holder keeps sending heartbeats, so the run is not failed.
    await new Promise((r) => setTimeout(r, 11_000));
    const r = await run(run_id);
    expect(r.status).toBe('running');
    const stopped = (await api('POST', `/api/runs/${run_id}/stop`)).run;
    expect(stopped.status).toBe('cancelled');
  }, 90_000);
});
