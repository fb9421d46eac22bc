/**
 * CLI benchmark (issue #9): wall time of one `claude-code-scheduler` invocation, from spawn to exit, median of 10
 * (after one unmeasured warm-up run each). `cli …` talks to a running gui over loopback; `debug tasks` reads the
 * same data directory directly. The gui holds BENCH_CLI_TASKS tasks (default 1,000).
 *
 *   node -r ./libs/storage/test-support/register.js bench/cli.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { binPath } from '@ccs/testing';
import { BenchClient } from './support/http-client';
import { report, runBench } from './support/bench-result';
import { startBenchGui } from './support/gui';
import { msSince, round, summarize } from './support/stats';

const TASKS = Number(process.env['BENCH_CLI_TASKS'] ?? 1000);
const REPEAT = Number(process.env['BENCH_CLI_REPEAT'] ?? 10);

interface CommandTiming {
  command: string;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
  stdout_bytes: number;
}

function timeCommand(label: string, args: string[], env: NodeJS.ProcessEnv): CommandTiming {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= REPEAT; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [binPath(), ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = msSince(start);
    if (r.status !== 0) throw new Error(`${label} exited with ${r.status}: ${r.stderr}`);
    bytes = r.stdout.length;
    if (i > 0) samples.push(ms); // run 0 warms the file cache
  }
  const s = summarize(samples);
  return {
    command: label,
    median_ms: s.p50,
    min_ms: round(Math.min(...samples)),
    max_ms: s.max,
    runs: samples.length,
    stdout_bytes: bytes,
  };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const g = await startBenchGui({ prefix: 'ccs-bench-cli-' });
  try {
    const client = new BenchClient(g.gui.url, 16);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < TASKS) {
          const i = next++;
          await client.expect(201, 'POST', '/api/tasks', { name: `cli bench ${i}`, prompt: `prompt ${i}` });
        }
      }),
    );
    client.close();
    const env = { ...process.env, HOME: g.dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const api = ['--api-url', g.gui.url];
    const timings = [
      timeCommand('--version', ['--version'], env),
      timeCommand('debug tasks', ['debug', 'tasks', '--data-dir', g.dataDir], env),
      timeCommand('cli health', ['cli', 'health', ...api], env),
      timeCommand('cli tasks list', ['cli', 'tasks', 'list', ...api], env),
      timeCommand('cli tasks list --output table', ['cli', 'tasks', 'list', '--output', 'table', ...api], env),
    ];
    report(
      'cli',
      'CLI invocations (wall time)',
      startedAt,
      {
        config: {
          tasks: TASKS,
          repeat: REPEAT,
          measured: 'spawn → exit of `node bin/claude-code-scheduler …`, after one warm-up run',
        },
        metrics: { commands: timings },
      },
      timings.map(
        (t) =>
          `  ${t.command.padEnd(30)} median ${t.median_ms} ms (min ${t.min_ms}, max ${t.max_ms}; stdout ${t.stdout_bytes} B)`,
      ),
    );
  } finally {
    await g.close();
  }
}

runBench(main);
