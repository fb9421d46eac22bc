import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One target from the issue (#9), checked against a measured value. */
export interface TargetCheck {
  id: string;
  description: string;
  actual: number;
  unit: string;
  op: '>=' | '<=' | '==';
  goal: number;
  met: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  finished_at: string;
  duration_s: number;
  machine: {
    cpus: number;
    cpu_model: string;
    total_mem_mb: number;
    node: string;
    platform: string;
    commit: string | null;
    /** 1-minute load average when the benchmark started and ended: above the CPU count, other work competed. */
    loadavg_start: number;
    loadavg_end: number;
  };
  /** What was run and with which settings. */
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  targets: TargetCheck[];
  notes: string[];
}

export const BENCH_DIR = path.resolve(__dirname, '..');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

const round1 = (v: number): number => Math.round(v * 10) / 10;
const LOAD_AT_START = round1(os.loadavg()[0]);

export function target(
  id: string,
  description: string,
  actual: number,
  op: TargetCheck['op'],
  goal: number,
  unit: string,
): TargetCheck {
  const met = op === '>=' ? actual >= goal : op === '<=' ? actual <= goal : actual === goal;
  return { id, description, actual, unit, op, goal, met };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/**
 * Writes bench/results/<name>.json, prints the result as ONE JSON line on stdout and a human summary on stderr
 * (so `node … | tail -1 | jq` works).
 */
export function report(
  name: string,
  title: string,
  startedAt: number,
  data: {
    config: Record<string, unknown>;
    metrics: Record<string, unknown>;
    targets?: TargetCheck[];
    notes?: string[];
  },
  summaryLines: string[],
): BenchResult {
  const result: BenchResult = {
    name,
    title,
    finished_at: new Date().toISOString(),
    duration_s: Math.round((Date.now() - startedAt) / 100) / 10,
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      total_mem_mb: Math.round(os.totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      commit: gitCommit(),
      loadavg_start: LOAD_AT_START,
      loadavg_end: round1(os.loadavg()[0]),
    },
    config: data.config,
    metrics: data.metrics,
    targets: data.targets ?? [],
    notes: data.notes ?? [],
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const lines = [`── ${title} (${result.duration_s} s) ──`, ...summaryLines];
  for (const t of result.targets) {
    lines.push(
      `  target ${t.met ? 'MET   ' : 'MISSED'} ${t.description}: ${t.actual} ${t.unit} (goal ${t.op} ${t.goal})`,
    );
  }
  for (const n of result.notes) lines.push(`  note: ${n}`);
  if (Math.max(result.machine.loadavg_start, result.machine.loadavg_end) > result.machine.cpus) {
    lines.push(
      `  warning: load average ${result.machine.loadavg_start} → ${result.machine.loadavg_end} on ${result.machine.cpus} CPUs: other work competed`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result;
}

/** Resident set size of a process in MB (Linux /proc/<pid>/status VmRSS), or null elsewhere. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Runs `main` and exits non-zero with the error on failure (benchmarks run as scripts). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
