/**
 * REST API benchmark (issue #9): start-up time, seeding 50 jobs + 1,000 tasks one request at a time (write cost as
 * the data grows), GET /api/tasks and /api/state under load at 1 and 16 connections (200 and 304 paths), and the
 * gui process's memory. Real binary, real HTTP, loopback only.
 *
 *   node -r ./libs/storage/test-support/register.js bench/api.bench.ts
 *
 * Env: BENCH_LOAD_SECONDS (default 4) per autocannon run, BENCH_TASKS (default 1000), BENCH_JOBS (default 50).
 */
import { BenchClient } from './support/http-client';
import { report, rssMb, runBench, target } from './support/bench-result';
import { startBenchGui } from './support/gui';
import { LoadResult, load } from './support/load';
import { msSince, round, summarize } from './support/stats';

const TASKS = Number(process.env['BENCH_TASKS'] ?? 1000);
const JOBS = Number(process.env['BENCH_JOBS'] ?? 50);
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 4);
const SEED_CONNECTIONS = 16;

/** A realistic mix of schedules: manual, hourly interval, daily cron (none fires during the benchmark). */
function taskBody(i: number, jobId: string): Record<string, unknown> {
  const schedules = [
    { schedule_type: 'manual' },
    { schedule_type: 'interval', interval_type: 'custom', interval_value: 6, interval_unit: 'hours' },
    { schedule_type: 'interval', interval_type: 'cron', interval_cron: `${i % 60} 3 * * *` },
  ];
  return {
    name: `bench task ${i}`,
    prompt: `Benchmark prompt number ${i}: summarise the repository and list open TODOs.`,
    job_id: jobId,
    model: 'sonnet',
    schedule: schedules[i % schedules.length],
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const g = await startBenchGui({ prefix: 'ccs-bench-api-' });
  const pid = g.gui.proc.pid!;
  try {
    await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle before reading RSS
    const rssIdle = rssMb(pid);
    const client = new BenchClient(g.gui.url);

    // ── seeding ────────────────────────────────────────────────────────────────────────────────────────────
    // The first 100 tasks go in one request at a time (single-client write latency on a small store), the rest
    // over SEED_CONNECTIONS keep-alive connections, as a bulk client would send them (the store coalesces the
    // concurrent writes of one file into one durable write). At the end, 100 sequential updates measure the
    // single-client write latency again, now at TASKS tasks.
    const seedStart = process.hrtime.bigint();
    const jobIds: string[] = [];
    const jobLatency: number[] = [];
    for (let i = 0; i < JOBS; i++) {
      const r = await client.expect<{ job: { id: string } }>(201, 'POST', '/api/jobs', {
        name: `bench job ${i}`,
        description: 'benchmark',
      });
      jobIds.push(r.body.job.id);
      jobLatency.push(r.ms);
    }
    const taskIds: string[] = [];
    const sequentialFirst: number[] = [];
    const allTaskLatency: number[] = [];
    const tasksStart = process.hrtime.bigint();
    for (let i = 0; i < Math.min(100, TASKS); i++) {
      const r = await client.expect<{ task: { id: string } }>(201, 'POST', '/api/tasks', taskBody(i, jobIds[i % JOBS]));
      sequentialFirst.push(r.ms);
      allTaskLatency.push(r.ms);
      taskIds.push(r.body.task.id);
    }
    const bulk = new BenchClient(g.gui.url, SEED_CONNECTIONS);
    const bulkStart = process.hrtime.bigint();
    let next = taskIds.length;
    await Promise.all(
      Array.from({ length: SEED_CONNECTIONS }, async () => {
        while (next < TASKS) {
          const i = next++;
          const r = await bulk.expect<{ task: { id: string } }>(
            201,
            'POST',
            '/api/tasks',
            taskBody(i, jobIds[i % JOBS]),
          );
          allTaskLatency.push(r.ms);
          taskIds.push(r.body.task.id);
        }
      }),
    );
    const bulkMs = msSince(bulkStart);
    bulk.close();
    const tasksMs = msSince(tasksStart);
    const seedMs = msSince(seedStart);
    const listed = await client.expect<{ count: number }>(200, 'GET', '/api/tasks');
    if (listed.body.count !== TASKS) throw new Error(`expected ${TASKS} tasks, the API lists ${listed.body.count}`);
    const sequentialLast: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await client.expect(200, 'PUT', `/api/tasks/${taskIds[(i * 7) % taskIds.length]}`, {
        prompt: `Benchmark prompt, updated (${i}): summarise the repository and list open TODOs.`,
      });
      sequentialLast.push(r.ms);
    }
    const rssSeeded = rssMb(pid);
    const first = summarize(sequentialFirst);
    const last = summarize(sequentialLast);
    const bulkFirst = summarize(allTaskLatency.slice(100, 200));
    const bulkLast = summarize(allTaskLatency.slice(-100));

    // ── reads under load: identity, gzip (what browsers and Node's fetch ask for), and 304 revalidation ────────
    const GZIP = { 'accept-encoding': 'gzip' };
    const loads: LoadResult[] = [];
    const gzipLoads: LoadResult[] = [];
    const conditional: LoadResult[] = [];
    for (const p of ['/api/tasks', '/api/state']) {
      for (const connections of [1, 16]) {
        loads.push(await load({ url: g.gui.url, path: p, connections, durationS: LOAD_SECONDS }));
        gzipLoads.push(await load({ url: g.gui.url, path: p, connections, durationS: LOAD_SECONDS, headers: GZIP }));
        // Fetched right before the run: /api/state changes with every node heartbeat (its last_heartbeat field).
        const etag = String((await client.expect(200, 'GET', p)).headers['etag']);
        conditional.push(
          await load({
            url: g.gui.url,
            path: p,
            connections,
            durationS: LOAD_SECONDS,
            headers: { 'if-none-match': etag },
          }),
        );
      }
    }
    const bodyBytes: Record<string, { identity: number; gzip: number }> = {};
    for (const p of ['/api/tasks', '/api/state']) {
      const plain = await client.expect(200, 'GET', p);
      const zipped = await client.request('GET', p, undefined, GZIP);
      bodyBytes[p] = {
        identity: Number(plain.headers['content-length']),
        gzip: Number(zipped.headers['content-length']),
      };
    }
    const rssAfterLoad = rssMb(pid);
    client.close();

    const find = (set: LoadResult[], p: string, c: number): LoadResult =>
      set.find((l) => l.path === p && l.connections === c)!;
    const tasks16 = find(gzipLoads, '/api/tasks', 16);
    const seedTasksS = round(tasksMs / 1000);
    const targets = [
      target(
        'api.tasks16.rps',
        `GET /api/tasks (${TASKS} tasks, gzip), 16 connections`,
        tasks16.req_per_s,
        '>=',
        1500,
        'req/s',
      ),
      target(
        'api.tasks16.p99',
        `GET /api/tasks (${TASKS} tasks, gzip), 16 connections, p99`,
        tasks16.latency_ms.p99,
        '<=',
        30,
        'ms',
      ),
      target('api.seed.tasks', `seeding ${TASKS} tasks via REST`, seedTasksS, '<=', 5, 's'),
    ];
    const bad = [...loads, ...gzipLoads, ...conditional].filter(
      (l) => l.errors > 0 || l.timeouts > 0 || Object.keys(l.status).some((s) => !['200', '304'].includes(s)),
    );
    const notes = bad.map(
      (l) =>
        `${l.path} at ${l.connections} connections: errors ${l.errors}, timeouts ${l.timeouts}, status ${JSON.stringify(l.status)}`,
    );
    const ratio = round(last.p50 / first.p50);
    const line = (l: LoadResult): string =>
      `  GET ${l.path.padEnd(11)} c=${String(l.connections).padStart(2)}: ${String(l.req_per_s).padStart(6)} req/s  p50 ${l.latency_ms.p50} ms  p99 ${l.latency_ms.p99} ms  ${l.mb_per_s} MB/s  ${JSON.stringify(l.status)}`;
    report(
      'api',
      'REST API (gui binary)',
      startedAt,
      {
        config: {
          tasks: TASKS,
          jobs: JOBS,
          load_seconds: LOAD_SECONDS,
          seeding: `jobs and the first 100 tasks one at a time, the other ${TASKS - 100} over ${SEED_CONNECTIONS} connections; then 100 sequential task updates`,
          tool: 'autocannon (keep-alive, no pipelining), in the benchmark process',
        },
        metrics: {
          startup: { listening_ms: round(g.listeningMs), healthy_ms: round(g.startupMs) },
          seed: {
            total_ms: round(seedMs),
            jobs: { count: JOBS, ...summarize(jobLatency) },
            tasks: {
              count: TASKS,
              total_ms: round(tasksMs),
              per_s: Math.round((TASKS / tasksMs) * 1000),
              bulk: {
                connections: SEED_CONNECTIONS,
                count: TASKS - 100,
                total_ms: round(bulkMs),
                per_s: Math.round(((TASKS - 100) / bulkMs) * 1000),
                first_100: bulkFirst,
                last_100: bulkLast,
              },
            },
            sequential: { create_at_0_to_100_tasks: first, update_at_full_size: last, growth_p50: ratio },
          },
          body_bytes: bodyBytes,
          reads: loads,
          reads_gzip: gzipLoads,
          reads_304: conditional,
          rss_mb: { idle: rssIdle, seeded: rssSeeded, after_load: rssAfterLoad },
        },
        targets,
        notes,
      },
      [
        `  start-up: listening ${round(g.listeningMs, 0)} ms, healthy ${round(g.startupMs, 0)} ms`,
        `  seeding: ${JOBS} jobs + ${TASKS} tasks in ${round(seedMs / 1000)} s (${TASKS} tasks: ${seedTasksS} s; bulk part ${Math.round(((TASKS - 100) / bulkMs) * 1000)}/s over ${SEED_CONNECTIONS} connections)`,
        `  bulk POST latency: requests 100–200 p50 ${bulkFirst.p50} / p99 ${bulkFirst.p99} ms; last 100 p50 ${bulkLast.p50} / p99 ${bulkLast.p99} ms`,
        `  one client, sequential writes: p50 ${first.p50} / p99 ${first.p99} ms at 0–100 tasks; p50 ${last.p50} / p99 ${last.p99} ms at ${TASKS} tasks (×${ratio})`,
        `  body: /api/tasks ${bodyBytes['/api/tasks'].identity} B (gzip ${bodyBytes['/api/tasks'].gzip} B), /api/state ${bodyBytes['/api/state'].identity} B (gzip ${bodyBytes['/api/state'].gzip} B)`,
        ...loads.map(line),
        '  with Accept-Encoding: gzip:',
        ...gzipLoads.map(line),
        '  with If-None-Match (304):',
        ...conditional.map(line),
        `  RSS: idle ${rssIdle} MB, after seeding ${rssSeeded} MB, after load ${rssAfterLoad} MB`,
      ],
    );
  } finally {
    await g.close();
  }
}

runBench(main);
