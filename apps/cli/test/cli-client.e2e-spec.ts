import type { Job, Run, Task } from '@ccs/core';
import { assertBuilt } from './cli-runner';
import { GuiServer, cli, json, ok, startGui } from './cli-client.fixture';

/**
 * The `cli` client against a real `gui` (fake claude on PATH): a job with scheduled tasks, ordered, run and
 * followed to the end, then the numbers the runs recorded.
 */

let gui: GuiServer;

beforeAll(async () => {
  assertBuilt();
  gui = await startGui({ baseEnv: process.env });
}, 60_000);

afterAll(async () => {
  await gui?.stop();
});

describe('a job from creation to finished runs, through the cli', () => {
  let job: Job;
  let review: Task;
  let report: Task;

  it('creates a job and two tasks with schedule, retry and tool options (names resolve to ids)', async () => {
    job = json<{ job: Job }>(
      ok(
        await cli(gui, [
          'jobs',
          'create',
          '--name',
          'Nightly',
          '--description',
          'night work',
          '--working-directory',
          gui.work,
        ]),
      ),
    ).job;
    expect(job).toMatchObject({ name: 'Nightly', description: 'night work', status: 'pending', task_order: [] });
    expect(job.working_directory.path).toBe(gui.work);

    const [a, b] = await Promise.all([
      cli(gui, [
        'tasks',
        'create',
        '--name',
        'Review',
        '--prompt',
        'review the diff',
        '--job',
        'Nightly',
        '--cron',
        '0 9 * * 1-5',
        '--timezone',
        'Europe/Amsterdam',
        '--overlap',
        'skip',
        '--catchup',
        'run_once',
        '--retry',
        '--retry-attempts',
        '2',
        '--retry-delay',
        '30',
        '--allowed-tools',
        'Read,Grep',
        '--permissions',
        'acceptEdits',
        '--max-turns',
        '5',
        '--timeout',
        '600',
        '--model',
        'opus',
      ]),
      cli(gui, [
        'tasks',
        'create',
        '--name',
        'Report',
        '--command',
        'write the report',
        '--job',
        job.id.slice(0, 8),
        '--calendar-time',
        '09:30',
        '--days',
        'mon,wed,fri',
        '--seq-retries',
        '1',
        '--seq-retry-delay',
        '0',
        '--disabled',
        '--no-commit-on-success',
        '--max-budget-usd',
        '0.5',
      ]),
    ]);
    review = json<{ task: Task }>(ok(a)).task;
    report = json<{ task: Task }>(ok(b)).task;
    expect(review).toMatchObject({
      job_id: job.id,
      model: 'opus',
      permissions: 'acceptEdits',
      allowed_tools: ['Read', 'Grep'],
      max_turns: 5,
      timeout_seconds: 600,
      retry: { enabled: true, max_attempts: 2, delay_seconds: 30 },
      schedule: {
        schedule_type: 'interval',
        interval_type: 'cron',
        interval_cron: '0 9 * * 1-5',
        timezone: 'Europe/Amsterdam',
        overlap_policy: 'skip',
        catchup_policy: 'run_once',
      },
    });
    expect(report).toMatchObject({
      job_id: job.id,
      prompt: 'write the report',
      enabled: false,
      commit_on_success: false,
      max_budget_usd: 0.5,
      schedule: {
        schedule_type: 'calendar',
        calendar_frequency: 'weekly',
        calendar_time: '09:30',
        calendar_days_of_week: [0, 2, 4],
        seq_max_retries: 1,
        seq_retry_delay_seconds: 0,
      },
    });
  }, 60_000);

  let runShortIds: string[] = [];

  it('updates a task field by field and sets the order; jobs run --wait follows both runs in that order', async () => {
    const [upd, order] = await Promise.all([
      cli(gui, ['tasks', 'update', 'Report', '--enabled', '--calendar-time', '10:00']),
      cli(gui, ['jobs', 'set-order', 'Nightly', 'Report', review.id.slice(0, 8)]),
    ]);
    const updated = json<{ task: Task }>(ok(upd)).task;
    expect(updated.enabled).toBe(true);
    // The merge kept the other schedule fields.
    expect(updated.schedule).toMatchObject({
      calendar_time: '10:00',
      calendar_days_of_week: [0, 2, 4],
      seq_max_retries: 1,
    });
    expect(json<{ task_order: string[] }>(ok(order)).task_order).toEqual([report.id, review.id]);

    const [run, tasks] = await Promise.all([
      cli(gui, ['jobs', 'run', 'Nightly', '--wait']),
      cli(gui, ['jobs', 'tasks', 'Nightly']),
    ]);
    expect(json<{ tasks: Task[] }>(ok(tasks)).tasks.map((t) => t.name)).toEqual(['Report', 'Review']);
    ok(run);
    const first = run.stdout.indexOf('Fake Claude finished: write the report');
    const second = run.stdout.indexOf('Fake Claude finished: review the diff');
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(run.stderr).toMatch(/of "Report": success, in .*, cost \$0\.0123, tokens 22 in \/ 60 out/);
    expect(run.stderr).toContain('Job "Nightly" completed.');
    runShortIds = [...run.stderr.matchAll(/\(run ([0-9a-f]{8}), attempt 1\)/g)].map((m) => m[1]);
    expect(runShortIds).toHaveLength(2);
  }, 60_000);

  it('the runs carry their final state, cost and tokens (runs list --output json); the job its totals; logs stay readable', async () => {
    const [list, jobGet, logs] = await Promise.all([
      cli(gui, ['runs', 'list', '--job', 'Nightly', '--output', 'json']),
      cli(gui, ['jobs', 'get', job.id]),
      cli(gui, ['runs', 'logs', runShortIds[1]]),
    ]);
    const page = json<{ runs: Run[]; count: number; next_cursor: string | null }>(ok(list));
    expect(page.count).toBe(2);
    expect(page.next_cursor).toBeNull();
    for (const run of page.runs) {
      expect(run).toMatchObject({
        status: 'success',
        trigger: 'job',
        job_id: job.id,
        cost_usd: 0.0123,
        input_tokens: 22,
        output_tokens: 60,
        exit_code: 0,
      });
    }
    expect(page.runs.map((r) => r.task_name)).toEqual(['Review', 'Report']); // newest first
    const j = json<{ job: Job & { stats: { runs: number; success: number; cost_usd: number } } }>(ok(jobGet)).job;
    expect(j.status).toBe('completed');
    expect(j.stats).toMatchObject({ runs: 2, success: 2 });
    expect(j.stats.cost_usd).toBeCloseTo(0.0246, 6);
    expect(ok(logs).stdout).toContain('Fake Claude finished: review the diff');
  }, 60_000);
});
