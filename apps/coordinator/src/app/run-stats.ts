import type { Run } from '@ccs/core';

/** Run counts, cost and tokens of a set of runs (task, job, profile or global totals). */
export interface RunTotals {
  runs: number;
  success: number;
  failed: number;
  cancelled: number;
  running: number;
  upcoming: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
}

export function emptyTotals(): RunTotals {
  return {
    runs: 0,
    success: 0,
    failed: 0,
    cancelled: 0,
    running: 0,
    upcoming: 0,
    cost_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_creation_tokens: 0,
  };
}

export function addRun(t: RunTotals, r: Run): void {
  t.runs++;
  t[r.status]++;
  t.cost_usd += r.cost_usd ?? 0;
  t.input_tokens += r.input_tokens ?? 0;
  t.output_tokens += r.output_tokens ?? 0;
  t.cache_read_tokens += r.cache_read_tokens ?? 0;
  t.cache_creation_tokens += r.cache_creation_tokens ?? 0;
}

/** Totals grouped by a key of each run (one pass over the runs). */
export function totalsBy(runs: readonly Run[], key: (r: Run) => string | null): Map<string, RunTotals> {
  const out = new Map<string, RunTotals>();
  for (const r of runs) {
    const k = key(r);
    if (k === null) continue;
    let t = out.get(k);
    if (!t) out.set(k, (t = emptyTotals()));
    addRun(t, r);
  }
  return out;
}
