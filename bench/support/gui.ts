import * as path from 'node:path';
import { GuiProcess, fakeClaudeDir, fakeClaudeEnv, makeTempDir, removeTempDir, startGui } from '@ccs/testing';
import { waitHealthy } from './http-client';
import { msSince } from './stats';

export interface BenchGui {
  gui: GuiProcess;
  dataDir: string;
  /** Process spawn → first 200 from GET /api/health, ms. */
  startupMs: number;
  /** Process spawn → the "listening on" line, ms. */
  listeningMs: number;
  /** Stops the gui (SIGTERM) and removes its temp dir. */
  close(): Promise<void>;
}

/**
 * Starts the real `claude-code-scheduler gui` (built dist/) on a free loopback port over a fresh data dir, with the
 * fake `claude` first on PATH (instant by default), and waits until it is healthy.
 */
export async function startBenchGui(
  opts: {
    mockMode?: boolean;
    fakeClaude?: Parameters<typeof fakeClaudeEnv>[0];
    prefix?: string;
    env?: Record<string, string>;
  } = {},
): Promise<BenchGui> {
  const dir = makeTempDir(opts.prefix ?? 'ccs-bench-');
  const dataDir = path.join(dir, 'data');
  const start = process.hrtime.bigint();
  const gui = await startGui({
    dataDir,
    env: {
      PATH: `${fakeClaudeDir()}:${process.env['PATH'] ?? ''}`,
      HOME: dir,
      ...fakeClaudeEnv(opts.fakeClaude ?? {}),
      // BENCH_GUI_NODE_OPTIONS profiles the gui, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(process.env['BENCH_GUI_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_GUI_NODE_OPTIONS'] } : {}),
      ...opts.env,
    },
    args: opts.mockMode ? ['--mock-mode'] : [],
  });
  const listeningMs = msSince(start);
  await waitHealthy(gui.url);
  const startupMs = msSince(start);
  return {
    gui,
    dataDir,
    startupMs,
    listeningMs,
    close: async () => {
      await gui.stop();
      removeTempDir(dir);
    },
  };
}
