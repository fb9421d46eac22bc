/**
 * Schedule precision benchmark (issue #9): 1,000 active schedules on one coordinator, how late does each fire?
 *
 * The real Coordinator (scheduler, RunService, node registry, retention, JSON store in a temp dir) runs in this
 * process on the system clock, with the in-memory transport and a scripted node that starts and completes every
 * ExecuteRun at once — so each fire is a full run (created, dispatched, started, finished, persisted) and the only
 * thing measured is the scheduler. Every task is a custom interval of 1 minute anchored at its created_at; the
 * anchors are spread over one minute, so a fire is due every 60 ms. Lateness = when the timer callback ran minus
 * the slot time (SchedulerService.lateness).
 *
 *   node -r ./libs/storage/test-support/register.js bench/schedule.bench.ts
 *
 * Env: BENCH_SCHEDULES (default 1000), BENCH_SCHEDULE_SECONDS (default 125).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { normalizeTask } from '@ccs/core';
import { openDataStore } from '@ccs/storage';
import { systemClock } from '@ccs/shared';
import { CommandEnvelope, FileLogStore, InMemoryTransport, RunOutcome, makeEnvelope } from '@ccs/transport';
import { RunLogFiles } from '@ccs/storage';
import { makeTempDir, removeTempDir } from '@ccs/testing';
import { Coordinator, FileWatcher } from '../apps/coordinator/src';
import { report, runBench, target } from './support/bench-result';
import { round, summarize } from './support/stats';

const SCHEDULES = Number(process.env['BENCH_SCHEDULES'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SCHEDULE_SECONDS'] ?? 125);

/** Counts per lateness bucket (upper bounds in ms; the last bucket takes the rest), for the report's chart. */
function histogram(values: number[]): { le_ms: number | null; count: number }[] {
  const bounds = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500];
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    counts[i < 0 ? bounds.length : i]++;
  }
  return counts.map((count, i) => ({ le_ms: i < bounds.length ? bounds[i] : null, count }));
}

const noWatcher: FileWatcher = { watch: () => Promise.reject(new Error('no file watches in this benchmark')) };

/** A node that starts and completes every ExecuteRun the moment it arrives (the executor costs nothing). */
async function startInstantNode(transport: InMemoryTransport): Promise<void> {
  const source = transport.createCommandSource();
  await source.start(
    'bench-node',
    async (cmd: CommandEnvelope) => {
      if (cmd.type !== 'ExecuteRun') return;
      const { run } = cmd.payload;
      const now = new Date().toISOString();
      await transport.eventBus.publish(
        makeEnvelope('TaskStarted', {
          run_id: run.id,
          attempt: run.attempt,
          node_id: 'bench-node',
          pid: 1,
          start_time: now,
          session_id: null,
          command_line: 'claude',
        }),
      );
      const outcome: RunOutcome = {
        status: 'success',
        exit_code: 0,
        start_time: now,
        end_time: now,
        duration: 0,
        session_id: null,
        errors: null,
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
      };
      await transport.eventBus.publish(
        makeEnvelope('TaskCompleted', { run_id: run.id, attempt: run.attempt, node_id: 'bench-node', outcome }),
      );
    },
    { concurrency: 64 },
  );
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const dir = makeTempDir('ccs-bench-schedule-');
  const store = await openDataStore({ dataDir: path.join(dir, 'data') });
  const transport = new InMemoryTransport();
  const coordinator = new Coordinator({
    store,
    commands: transport.commandBus,
    events: transport.eventSource,
    logs: new FileLogStore(RunLogFiles.forDataDir(store.dataDir)),
    clock: systemClock,
    watcher: noWatcher,
    info: { mode: 'gui', startedAt: new Date(), dataDir: store.dataDir },
    defaultTimezone: 'UTC',
    expandPath: (p) => p,
    nodeTimeoutMs: 90_000,
  });
  try {
    // Anchors one minute back, spread over the minute: task i fires at anchor + k minutes.
    const now = Date.now();
    const spread = 60_000 / SCHEDULES;
    const tasks = Array.from({ length: SCHEDULES }, (_, i) =>
      normalizeTask({
        name: `bench schedule ${i}`,
        prompt: 'p',
        created_at: new Date(now - 60_000 + Math.round(i * spread)).toISOString(),
        updated_at: new Date(now).toISOString(),
        schedule: {
          schedule_type: 'interval',
          interval_type: 'custom',
          interval_value: 1,
          interval_unit: 'minutes',
          overlap_policy: 'skip',
        },
      }),
    );
    await store.tasks.putMany(tasks);
    await store.settings.update({ max_concurrent_tasks: 64 });
    await startInstantNode(transport);
    await coordinator.start();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const runStart = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    loopDelay.disable();
    const elapsedS = (Date.now() - runStart) / 1000;
    const lateness = [...coordinator.scheduler.lateness];
    // Stop firing, let the runs already started finish (the instant node needs milliseconds), then stop the rest.
    await coordinator.scheduler.stop();
    for (let i = 0; i < 100 && store.runs.find((r) => r.status === 'upcoming' || r.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await coordinator.stop();
    await store.flush();

    const runs = store.runs.list();
    const final = runs.filter(
      (r) => r.status === 'success' || r.status === 'failed' || r.status === 'cancelled',
    ).length;
    const occurrences = store.occurrences.list();
    const byKind: Record<string, number> = {};
    for (const o of occurrences) byKind[o.kind] = (byKind[o.kind] ?? 0) + 1;
    const s = summarize(lateness);
    const expected = Math.floor((elapsedS * SCHEDULES) / 60);
    report(
      'schedule',
      'Schedule precision (in-process coordinator)',
      startedAt,
      {
        config: {
          schedules: SCHEDULES,
          seconds: SECONDS,
          schedule:
            'custom interval, 1 minute, anchors spread evenly over one minute (a fire every ' + round(spread) + ' ms)',
          executor: 'scripted node: every ExecuteRun started and completed at once',
          clock: 'system clock',
        },
        metrics: {
          fires: lateness.length,
          expected_fires: expected,
          lateness_ms: s,
          lateness_histogram: histogram(lateness),
          runs_created: runs.length,
          runs_final: final,
          occurrences: byKind,
          event_loop_delay_ms: {
            p50: round(loopDelay.percentile(50) / 1e6),
            p99: round(loopDelay.percentile(99) / 1e6),
            max: round(loopDelay.max / 1e6),
          },
          cpus: os.cpus().length,
        },
        targets: [
          target('schedule.p99', `fire lateness p99 with ${SCHEDULES} active schedules`, s.p99, '<=', 100, 'ms'),
        ],
        notes:
          lateness.length < expected * 0.95
            ? [`only ${lateness.length} of about ${expected} expected fires were measured`]
            : [],
      },
      [
        `  ${SCHEDULES} schedules for ${round(elapsedS, 0)} s: ${lateness.length} fires (about ${expected} expected), ${runs.length} runs, ${final} final`,
        `  lateness: p50 ${s.p50} ms, p90 ${s.p90} ms, p99 ${s.p99} ms, max ${s.max} ms`,
        `  event-loop delay: p99 ${round(loopDelay.percentile(99) / 1e6)} ms, max ${round(loopDelay.max / 1e6)} ms`,
      ],
    );
  } finally {
    await coordinator.stop().catch(() => undefined);
    transport.close();
    await store.close();
    removeTempDir(dir);
  }
}

runBench(main);
