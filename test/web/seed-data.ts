import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binPath } from '@ccs/testing';

/**
 * Deterministic data sets for the browser tests: jobs, tasks and a run history spread over the last two weeks,
 * written as the Python edition's files and brought in with `import-legacy` (the same path a user's old data
 * takes), so a thousand tasks and thousands of runs exist in a second instead of minutes of API calls.
 */
export interface SeedOptions {
  jobs: number;
  tasks: number;
  runs: number;
  /** Extra runs of the first task, so one task has a long history (paging tests). */
  firstTaskRuns?: number;
  /** The runs end at this time; default now. */
  now?: Date;
}

export interface Seeded {
  jobIds: string[];
  taskIds: string[];
  taskNames: string[];
  /** Run ids of the first task, newest first (the order of the API and the dashboard). */
  firstTaskRunIds: string[];
  runCount: number;
}

/** A small, seeded PRNG (mulberry32): the same numbers on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (prefix: string, n: number): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix}-0000-4000-8000-${hex}`;
};

const TOPICS = ['Review', 'Update', 'Summarise', 'Triage', 'Refactor', 'Document', 'Test', 'Audit', 'Clean up', 'Plan'];
const OBJECTS = ['pull requests', 'dependencies', 'the changelog', 'issues', 'the API', 'flaky tests', 'the docs'];
const SCHEDULES: Record<string, unknown>[] = [
  { schedule_type: 'interval', interval_type: 'cron', interval_cron: '0 9 * * 1-5' },
  { schedule_type: 'interval', interval_type: 'simple', interval_preset: '6 hours' },
  { schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '17:30' },
  { schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_time: '08:00', calendar_days_of_week: [0, 3] },
  { schedule_type: 'manual' },
  { schedule_type: 'manual' },
];

export function seedDataDir(dataDir: string, o: SeedOptions): Seeded {
  const now = o.now ?? new Date();
  const rnd = random(19);
  const from = fs.mkdtempSync(`${dataDir}-legacy-`);
  const jobIds = Array.from({ length: o.jobs }, (_, i) => uuid('a0000000', i + 1));
  const jobs = jobIds.map((id, i) => ({
    id,
    name: `${['Nightly', 'Weekly', 'Release', 'Docs', 'Security'][i % 5]} ${i + 1}`,
    description: 'Seeded job',
    status: 'pending',
    working_directory: { path: path.dirname(dataDir), use_git_worktree: false },
    created_at: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
  }));
  const taskIds: string[] = [];
  const taskNames: string[] = [];
  const tasks = Array.from({ length: o.tasks }, (_, i) => {
    const id = uuid('b0000000', i + 1);
    const name = `${TOPICS[i % TOPICS.length]} ${OBJECTS[i % OBJECTS.length]} ${i + 1}`;
    taskIds.push(id);
    taskNames.push(name);
    return {
      id,
      name,
      job_id: o.jobs > 0 && i % 3 !== 2 ? jobIds[i % o.jobs] : null,
      enabled: i % 9 !== 4,
      model: ['sonnet', 'opus', 'haiku'][i % 3],
      prompt: `${name}: do the work and report.`,
      permissions: 'default',
      commit_on_success: false,
      // The first task never fires by itself: its history is exactly what was seeded.
      schedule: i === 0 ? { schedule_type: 'manual' } : SCHEDULES[i % SCHEDULES.length],
      created_at: new Date(now.getTime() - 20 * 86_400_000).toISOString(),
    };
  });
  const runs: Record<string, unknown>[] = [];
  const firstTaskRunIds: string[] = [];
  const span = 14 * 86_400_000;
  const addRun = (taskIndex: number, k: number, at: number): void => {
    const t = tasks[taskIndex];
    const id = uuid('c0000000', k + 1);
    const p = rnd();
    const status = p < 0.8 ? 'success' : p < 0.93 ? 'failed' : 'cancelled';
    const duration = Math.round((5 + rnd() * 120 + (rnd() < 0.05 ? 600 : 0)) * 10) / 10;
    const start = new Date(at);
    runs.push({
      id,
      task_id: t.id,
      job_id: t.job_id,
      task_name: t.name,
      attempt: 1,
      status,
      scheduled_time: start.toISOString(),
      start_time: start.toISOString(),
      end_time: new Date(at + duration * 1000).toISOString(),
      duration,
      exit_code: status === 'success' ? 0 : 1,
      status_reason: status === 'cancelled' ? 'stopped by user via API' : null,
      errors: status === 'failed' ? 'Error: the model returned an error' : null,
      trigger: ['schedule', 'manual', 'job', 'schedule'][k % 4],
      node_id: 'local',
      model: t.model,
      cost_usd: Math.round(rnd() * 40) / 1000,
      input_tokens: Math.round(200 + rnd() * 4000),
      output_tokens: Math.round(50 + rnd() * 2000),
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
      num_turns: 1 + Math.floor(rnd() * 6),
    });
    if (taskIndex === 0) firstTaskRunIds.push(id);
  };
  let k = 0;
  for (let i = 0; i < o.runs; i++, k++) {
    // Spread over every task except the first, evenly over the two weeks (oldest first), a minute apart at least.
    const taskIndex = o.tasks > 1 ? 1 + (i % (o.tasks - 1)) : 0;
    addRun(taskIndex, k, now.getTime() - span + Math.floor((i / Math.max(1, o.runs)) * span) + 60_000);
  }
  for (let i = 0; i < (o.firstTaskRuns ?? 0); i++, k++) {
    addRun(0, k, now.getTime() - span + i * 3_600_000 + 30_000);
  }
  firstTaskRunIds.reverse();
  const write = (name: string, value: unknown): void =>
    fs.writeFileSync(path.join(from, name), JSON.stringify(value), 'utf8');
  write('jobs.json', jobs);
  write('tasks.json', tasks);
  write('runs.json', runs);
  write('profiles.json', [
    { id: uuid('d0000000', 1), name: 'Work account', env_vars: [] },
    { id: uuid('d0000000', 2), name: 'Team', env_vars: [] },
  ]);
  // Keep every seeded run (the default keeps 50 per task) and simulate Claude if anything is run.
  write('settings.json', { run_retention_count: 100_000, mock_mode: true, mock_duration_ms: 200 });
  execFileSync(process.execPath, [binPath(), 'import-legacy', '--from', from, '--data-dir', dataDir, '--json'], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: 'pipe',
  });
  fs.rmSync(from, { recursive: true, force: true });
  return { jobIds, taskIds, taskNames, firstTaskRunIds, runCount: runs.length };
}
