/**
 * Distributed benchmark (issue #9): one `daemon` and two `node` processes of the real binary over the SNS/SQS/S3
 * test servers on loopback. Start-up (daemon listening, nodes registered), then batches of runs requested through
 * the daemon's API and followed (SSE) until every run is final: runs/s, dispatch → start on a node, request →
 * final as an API client sees it, and how the runs spread over the nodes. Nodes run in mock mode: a node's mock
 * run lasts 1 s (the node runtime fixes it; the daemon's mock_duration_ms is not sent along), so each node takes
 * 32 runs at once and the numbers are the transport's and the daemon's, not Claude's.
 *
 *   node -r ./libs/storage/test-support/register.js bench/distributed.bench.ts
 *
 * Env: BENCH_DIST_BATCHES (default "100,500"), BENCH_DIST_CAPACITY (runs per node at once, default 32).
 */
import { report, rssMb, runBench } from './support/bench-result';
import { startBenchCluster } from './support/cluster';
import { BenchClient } from './support/http-client';
import { followEvents } from './support/sse';
import { Summary, msSince, round, summarize } from './support/stats';

const BATCHES = (process.env['BENCH_DIST_BATCHES'] ?? '100,500').split(',').map(Number);
const CAPACITY = Number(process.env['BENCH_DIST_CAPACITY'] ?? 32);
const NODES = ['node-1', 'node-2'];
const TERMINAL = new Set(['success', 'failed', 'cancelled']);

interface RunRecord {
  id: string;
  status: string;
  status_reason: string | null;
  errors: string | null;
  node_id: string | null;
  scheduled_time: string;
  start_time: string | null;
}

interface DistBatch {
  runs: number;
  total_ms: number;
  runs_per_s: number;
  request_latency_ms: Summary;
  dispatch_to_start_ms: Summary;
  request_to_final_ms: Summary;
  final: number;
  success: number;
  per_node: Record<string, number>;
  /** Runs that did not succeed, by status and reason. */
  not_success: Record<string, number>;
}

async function runBatch(url: string, api: BenchClient, n: number): Promise<DistBatch> {
  const task = await api.expect<{ task: { id: string } }>(201, 'POST', '/api/tasks', {
    name: `dist bench ${n}`,
    prompt: 'hi',
  });
  const taskId = task.body.task.id;
  const requestedAt = new Map<string, bigint>();
  const finalAt = new Map<string, bigint>();
  let allFinal: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allFinal = resolve));
  const events = await followEvents(url, (e) => {
    const run = e.data as { id?: string; task_id?: string; status?: string };
    if (
      e.type === 'run.updated' &&
      run.task_id === taskId &&
      run.id &&
      TERMINAL.has(run.status ?? '') &&
      !finalAt.has(run.id)
    ) {
      finalAt.set(run.id, process.hrtime.bigint());
      if (finalAt.size >= n) allFinal();
    }
  });
  const start = process.hrtime.bigint();
  const fire = new BenchClient(url, 16);
  const requestLatency: number[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < n) {
        sent++;
        const t = process.hrtime.bigint();
        const r = await fire.expect<{ run_id: string }>(202, 'POST', `/api/tasks/${taskId}/run`);
        requestedAt.set(r.body.run_id, t);
        requestLatency.push(r.ms);
      }
    }),
  );
  fire.close();
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    done,
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000 + n * 500))),
  ]);
  clearTimeout(timer);
  events.close();
  if (outcome === 'timeout') throw new Error(`only ${finalAt.size} of ${n} runs final`);
  const totalMs = msSince(start);
  const runs = (await api.expect<{ runs: RunRecord[] }>(200, 'GET', `/api/runs?task_id=${taskId}&limit=${n}`)).body
    .runs;
  const perNode: Record<string, number> = {};
  for (const r of runs) perNode[r.node_id ?? 'none'] = (perNode[r.node_id ?? 'none'] ?? 0) + 1;
  return {
    runs: n,
    total_ms: round(totalMs),
    runs_per_s: round((n / totalMs) * 1000, 1),
    request_latency_ms: summarize(requestLatency),
    dispatch_to_start_ms: summarize(
      runs
        .filter((r) => r.start_time)
        .map((r) => new Date(r.start_time!).getTime() - new Date(r.scheduled_time).getTime()),
    ),
    request_to_final_ms: summarize([...finalAt].map(([id, t]) => Number(t - (requestedAt.get(id) ?? t)) / 1e6)),
    final: runs.filter((r) => TERMINAL.has(r.status)).length,
    success: runs.filter((r) => r.status === 'success').length,
    per_node: perNode,
    not_success: runs
      .filter((r) => r.status !== 'success')
      .reduce<Record<string, number>>((acc, r) => {
        const key = `${r.status}: ${(r.status_reason ?? r.errors ?? '').slice(0, 120)}`;
        acc[key] = (acc[key] ?? 0) + 1;
        return acc;
      }, {}),
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cluster = await startBenchCluster({
    heartbeatSeconds: 2,
    nodeTimeoutSeconds: 10,
    capacity: CAPACITY,
    visibilitySeconds: 30,
    mockMode: true,
  });
  try {
    for (const id of NODES) cluster.startNode(id);
    const nodesOnlineMs = await cluster.waitOnline(NODES);
    await cluster.api.expect(200, 'PUT', '/api/settings', { mock_duration_ms: 0, run_retention_count: 100_000 });
    const batches: DistBatch[] = [];
    for (const n of BATCHES) batches.push(await runBatch(cluster.url, cluster.api, n));
    const rss = {
      daemon: rssMb(cluster.daemon.proc.pid!),
      ...Object.fromEntries(NODES.map((id) => [id, rssMb(cluster.nodes.get(id)!.proc.pid!)])),
    };
    const notes = batches
      .filter((b) => b.final !== b.runs || b.success !== b.runs)
      .map((b) => `${b.runs} runs: ${b.final} final, ${b.success} success`);
    report(
      'distributed',
      'Distributed: daemon + 2 nodes over SNS/SQS/S3 (loopback)',
      startedAt,
      {
        config: {
          nodes: NODES.length,
          capacity_per_node: CAPACITY,
          executor: 'node --mock-mode (a mock run lasts 1 s on a node)',
          sqs_long_poll_s: 1,
          heartbeat_s: 2,
          transport:
            'SNS/SQS/S3-protocol test servers from libs/testing/src/aws (local-aws-sqs, s3rver, a small SNS server)',
        },
        metrics: {
          startup: { daemon_listening_ms: round(cluster.daemonListeningMs), nodes_online_ms: round(nodesOnlineMs) },
          batches,
          rss_mb: rss,
        },
        notes,
      },
      [
        `  start-up: daemon listening ${round(cluster.daemonListeningMs, 0)} ms; both nodes online ${round(nodesOnlineMs, 0)} ms after they were started`,
        ...batches.map(
          (b) =>
            `  ${String(b.runs).padStart(4)} runs: ${b.runs_per_s} runs/s (${round(b.total_ms / 1000)} s), dispatch→start p50 ${b.dispatch_to_start_ms.p50} / p99 ${b.dispatch_to_start_ms.p99} ms, ` +
            `request→final p50 ${b.request_to_final_ms.p50} / p99 ${b.request_to_final_ms.p99} ms, final ${b.final}/${b.runs}, per node ${JSON.stringify(b.per_node)}`,
        ),
        `  RSS: ${Object.entries(rss)
          .map(([k, v]) => `${k} ${v} MB`)
          .join(', ')}`,
      ],
    );
  } finally {
    await cluster.close();
  }
}

runBench(main);
