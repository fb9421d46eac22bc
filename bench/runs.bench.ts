/**
 * Local runs benchmark (issue #9): how fast the gui binary turns "run this task" into finished runs. Batches of
 * runs are requested through `POST /api/tasks/{id}/run` (16 connections) and followed (SSE) until every run is
 * final. Three executors:
 *   mock  gui --mock-mode, mock_duration_ms 0: no child process (coordinator, worker, store, log pipeline alone)
 *   sh    a real child process per run: bench/support/instant-claude (a POSIX sh script printing stream-json)
 *   node  a real child process per run: the test fake at libs/testing/fake-claude (a Node.js script, ~60 ms of
 *         CPU to start, like any Node CLI)
 *
 *   node -r ./libs/storage/test-support/register.js bench/runs.bench.ts
 *
 * Env: BENCH_CONCURRENCY (max_concurrent_tasks, default 16); BENCH_RUN_PLAN (default "mock:100,1000;sh:100,1000;node:100").
 */
import * as path from 'node:path';
import { fakeClaudeDir } from '@ccs/testing';
import { BenchClient } from './support/http-client';
import { report, rssMb, runBench, target } from './support/bench-result';
import { startBenchGui } from './support/gui';
import { followEvents } from './support/sse';
import { Summary, msSince, round, summarize } from './support/stats';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const PLAN: { mode: Mode; batches: number[] }[] = (
  process.env['BENCH_RUN_PLAN'] ?? 'mock:100,1000;sh:100,1000;node:100'
)
  .split(';')
  .map((part) => {
    const [mode, batches] = part.split(':');
    return { mode: mode as Mode, batches: (batches ?? '100').split(',').map(Number) };
  });
const EXECUTORS: Record<Mode, string> = {
  mock: 'gui --mock-mode, mock_duration_ms 0 (no child process)',
  sh: 'child process: bench/support/instant-claude (POSIX sh, prints stream-json, exits 0)',
  node: 'child process: libs/testing/fake-claude (Node.js script, instant)',
};
const REQUEST_CONNECTIONS = 16;
const TERMINAL = new Set(['success', 'failed', 'cancelled']);

type Mode = 'mock' | 'sh' | 'node';

interface RunRecord {
  id: string;
  status: string;
  scheduled_time: string;
  start_time: string | null;
  end_time: string | null;
  dispatched_at: string | null;
}

interface BatchResult {
  mode: Mode;
  runs: number;
  /** First request sent → last run final. */
  total_ms: number;
  runs_per_s: number;
  /** First request sent → last 202 received. */
  requests_ms: number;
  request_latency_ms: Summary;
  /** Run created (scheduled_time) → the executor started it (start_time). */
  dispatch_to_start_ms: Summary;
  /** Run created → final (end_time). */
  created_to_final_ms: Summary;
  final: number;
  success: number;
  statuses: Record<string, number>;
  rss_mb_after: number | null;
}

const ms = (a: string, b: string | null): number => (b ? new Date(b).getTime() - new Date(a).getTime() : NaN);

async function runBatch(client: BenchClient, mode: Mode, n: number, pid: number): Promise<BatchResult> {
  const task = await client.expect<{ task: { id: string } }>(201, 'POST', '/api/tasks', {
    name: `bench runs ${mode} ${n}`,
    prompt: 'Say hi.',
  });
  const taskId = task.body.task.id;
  // Learn the moment each run of this task is final from the SSE stream (polling would add load of its own).
  const finished = new Set<string>();
  let allFinal: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allFinal = resolve));
  const events = await followEvents(client.baseUrl, (e) => {
    const run = e.data as Partial<RunRecord> & { task_id?: string };
    if (e.type === 'run.updated' && run.task_id === taskId && TERMINAL.has(run.status ?? '') && run.id) {
      finished.add(run.id);
      if (finished.size >= n) allFinal();
    }
  });

  const start = process.hrtime.bigint();
  const fire = new BenchClient(client.baseUrl, REQUEST_CONNECTIONS);
  const requestLatency: number[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: REQUEST_CONNECTIONS }, async () => {
      while (sent < n) {
        sent++;
        const r = await fire.expect(202, 'POST', `/api/tasks/${taskId}/run`);
        requestLatency.push(r.ms);
      }
    }),
  );
  fire.close();
  const requestsMs = msSince(start);

  const timeoutMs = 120_000 + n * 200;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([done, timedOut]);
  clearTimeout(timer);
  events.close();
  if (outcome === 'timeout') throw new Error(`${mode}: only ${finished.size} of ${n} runs final after ${timeoutMs} ms`);
  const totalMs = msSince(start);

  const page = await client.expect<{ runs: RunRecord[] }>(200, 'GET', `/api/runs?task_id=${taskId}&limit=${n}`);
  const runs = page.body.runs;
  const statuses: Record<string, number> = {};
  for (const r of runs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    mode,
    runs: n,
    total_ms: round(totalMs),
    runs_per_s: round((n / totalMs) * 1000, 1),
    requests_ms: round(requestsMs),
    request_latency_ms: summarize(requestLatency),
    dispatch_to_start_ms: summarize(
      runs.map((r) => ms(r.scheduled_time, r.start_time)).filter((v) => !Number.isNaN(v)),
    ),
    created_to_final_ms: summarize(runs.map((r) => ms(r.scheduled_time, r.end_time)).filter((v) => !Number.isNaN(v))),
    final: runs.filter((r) => TERMINAL.has(r.status)).length,
    success: statuses['success'] ?? 0,
    statuses,
    rss_mb_after: rssMb(pid),
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const results: BatchResult[] = [];
  for (const { mode, batches } of PLAN) {
    const g = await startBenchGui({
      mockMode: mode === 'mock',
      prefix: `ccs-bench-runs-${mode}-`,
      // The instant sh claude goes first on PATH (before the Node fake the helper puts there).
      env:
        mode === 'sh'
          ? {
              PATH: `${path.join(__dirname, 'support', 'instant-claude')}:${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`,
            }
          : {},
    });
    try {
      const client = new BenchClient(g.gui.url);
      // run_retention_count: keep every run of the batch for the latency statistics.
      await client.expect(200, 'PUT', '/api/settings', {
        max_concurrent_tasks: CONCURRENCY,
        mock_duration_ms: 0,
        run_retention_count: 100_000,
      });
      for (const n of batches) results.push(await runBatch(client, mode, n, g.gui.proc.pid!));
      client.close();
    } finally {
      await g.close();
    }
  }

  // The target (100 runs ≥ 50 runs/s) is about the scheduler with an instant executor; a Node.js process per run costs
  // ~60 ms of CPU to start, which caps the node executor near 30 runs/s on 2 cores before the product does anything.
  const targets = results
    .filter((r) => r.runs === 100 && r.mode !== 'node')
    .flatMap((r) => [
      target(
        `runs.${r.mode}.100.rate`,
        `100 local runs (${r.mode} executor): runs/s`,
        r.runs_per_s,
        '>=',
        50,
        'runs/s',
      ),
      target(`runs.${r.mode}.100.final`, `100 local runs (${r.mode} executor): runs final`, r.final, '==', 100, 'runs'),
    ]);
  const notes = results
    .filter((r) => r.final !== r.runs)
    .map((r) => `${r.mode} ${r.runs}: only ${r.final} runs final (${JSON.stringify(r.statuses)})`);
  if (results.some((r) => r.mode === 'node')) {
    notes.push(
      'node executor: every run starts a Node.js process (~60 ms of CPU each here), so on 2 cores it cannot pass ~30 runs/s; shown for reference, not checked against the 50 runs/s target',
    );
  }
  notes.push(
    ...results
      .filter((r) => r.success !== r.runs)
      .map((r) => `${r.mode} ${r.runs}: ${r.runs - r.success} runs did not succeed (${JSON.stringify(r.statuses)})`),
  );
  report(
    'runs',
    'Local runs (gui binary)',
    startedAt,
    {
      config: {
        plan: PLAN,
        max_concurrent_tasks: CONCURRENCY,
        mock_duration_ms: 0,
        request_connections: REQUEST_CONNECTIONS,
        executors: Object.fromEntries(PLAN.map((p) => [p.mode, EXECUTORS[p.mode]])),
        dispatch_to_start:
          'includes the wait for a free slot: a batch is requested at once, max_concurrent_tasks run at a time',
      },
      metrics: { batches: results },
      targets,
      notes,
    },
    results.map(
      (r) =>
        `  ${r.mode.padEnd(7)} ${String(r.runs).padStart(4)} runs: ${r.runs_per_s} runs/s (${round(r.total_ms / 1000)} s), ` +
        `dispatch→start p50 ${r.dispatch_to_start_ms.p50} / p99 ${r.dispatch_to_start_ms.p99} ms, ` +
        `created→final p50 ${r.created_to_final_ms.p50} / p99 ${r.created_to_final_ms.p99} ms, final ${r.final}/${r.runs}, success ${r.success}`,
    ),
  );
}

runBench(main);
