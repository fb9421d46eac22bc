import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A data directory in the Python original's format (snake_case, naive local timestamps, legacy `command` key),
 * with known ids so tests can assert on exact content. All secrets are fake.
 */
export const FX = {
  jobId: '4b8f1c2e-7a3d-4e5f-9a1b-2c3d4e5f6a7b',
  profileId: '9d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
  emptyProfileId: '0e1f2a3b-4c5d-4e6f-9a7b-8c9d0e1f2a3b',
  tasks: {
    review: { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Daily Code Review' },
    report: { id: '1a2b9999-6f7a-4b8c-9d0e-1f2a3b4c5d6e', name: 'Weekly Test Report' },
    analysis: { id: '3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f', name: 'On-Demand Analysis' },
  },
  /** In file order; newest first by scheduled_time is: runs.newest, runs.middle, runs.oldest. */
  runs: {
    middle: { id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', scheduled: '2025-06-02T09:00:00.123456' },
    oldest: { id: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f', scheduled: '2025-06-01T09:00:00.000001' },
    newest: { id: 'e5f6a7b8-c9d0-4e1f-9a2b-3c4d5e6f7a8b', scheduled: '2025-06-03T10:30:00.500000' },
  },
  /** A static secret that must never be printed in full. */
  secret: 'fixture-static-secret-4f9c2a7e1b',
  shortSecret: 'abc12345',
  logText: {
    middle:
      '[STDOUT] {"type":"system","subtype":"init","session_id":"b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"}\n[STDOUT] {"type":"result","subtype":"success"}\n',
    newest: '[STDERR] Error: not logged in\n',
  },
};

function task(id: string, name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    job_id: null,
    name,
    enabled: true,
    commit_on_success: true,
    model: 'sonnet',
    profile: null,
    schedule: { schedule_type: 'manual', timezone: 'Europe/Amsterdam' },
    prompt_type: 'prompt',
    prompt: `Do ${name}`,
    permissions: 'bypass',
    session_mode: 'new',
    last_session_id: null,
    allowed_tools: [],
    disallowed_tools: [],
    retry: { enabled: false, max_attempts: 3, delay_seconds: 60, backoff_multiplier: 2.0 },
    notifications: { on_start: false, on_end: true, on_failure: true },
    created_at: '2025-06-01T08:56:00.111111',
    updated_at: '2025-06-01T09:01:02.222222',
    ...extra,
  };
}

export interface FixtureFiles {
  jobs: unknown[];
  tasks: unknown[];
  runs: unknown[];
  profiles: unknown[];
  settings: Record<string, unknown>;
}

export function fixtureFiles(): FixtureFiles {
  const t = FX.tasks;
  const run = (id: string, taskId: string, taskName: string, status: string, scheduled: string): unknown => ({
    id,
    task_id: taskId,
    task_name: taskName,
    status,
    scheduled_time: scheduled,
    start_time: scheduled,
    end_time: null,
    duration: status === 'running' ? null : 12.5,
    session_id: null,
    exit_code: status === 'success' ? 0 : status === 'failed' ? 1 : null,
    output: status === 'success' ? '[Session started with model: claude-opus-4]' : '',
    raw_output: '',
    errors: status === 'failed' ? 'CLI exited with code 1: Error: not logged in' : '',
  });
  return {
    jobs: [
      {
        id: FX.jobId,
        name: 'Feature: login',
        description: 'Build the login page',
        status: 'pending',
        profile: null,
        working_directory: {
          path: '~/projects/app',
          use_git_worktree: false,
          worktree_name: null,
          worktree_branch: null,
        },
        task_order: [t.review.id, t.report.id],
        created_at: '2025-05-31T10:00:00.000000',
        updated_at: '2025-05-31T10:00:00.000000',
      },
    ],
    tasks: [
      task(t.review.id, t.review.name, {
        job_id: FX.jobId,
        enabled: false,
        profile: FX.profileId,
        schedule: { schedule_type: 'calendar', calendar_frequency: 'daily', calendar_time: '09:00:00' },
      }),
      task(t.report.id, t.report.name, {
        job_id: FX.jobId,
        schedule: {
          schedule_type: 'calendar',
          calendar_frequency: 'weekly',
          calendar_time: '10:00:00',
          calendar_days_of_week: [0],
        },
      }),
      // The original's legacy key `command` for the prompt.
      (() => {
        const { prompt: _p, ...rest } = task(t.analysis.id, t.analysis.name, { model: 'opus' });
        return { ...rest, command: 'Analyse the repository' };
      })(),
    ],
    runs: [
      run(FX.runs.middle.id, t.review.id, t.review.name, 'success', FX.runs.middle.scheduled),
      run(FX.runs.oldest.id, t.report.id, t.report.name, 'failed', FX.runs.oldest.scheduled),
      run(FX.runs.newest.id, t.analysis.id, t.analysis.name, 'failed', FX.runs.newest.scheduled),
    ],
    profiles: [
      {
        id: FX.profileId,
        name: 'Work',
        description: 'fake credentials',
        env_vars: [
          { name: 'ANTHROPIC_API_KEY', source: 'static', value: FX.secret, config: null },
          { name: 'SHORT_TOKEN', source: 'static', value: FX.shortSecret, config: null },
          { name: 'UPSTREAM_VALUE', source: 'env', value: 'CCS_FIXTURE_UPSTREAM', config: null },
          { name: 'CLAUDE_CODE_USE_BEDROCK', source: 'unset', value: '', config: null },
        ],
        created_at: '2025-05-30T16:00:00.121212',
        updated_at: '2025-05-31T17:30:00.343434',
      },
      {
        id: FX.emptyProfileId,
        name: 'Empty',
        description: '',
        env_vars: [],
        created_at: '2025-05-30T16:01:00.000000',
        updated_at: '2025-05-30T16:01:00.000000',
      },
    ],
    settings: { mock_mode: true, unmask_env_vars: false, max_concurrent_tasks: 2, theme: 'dark' },
  };
}

/** Writes the fixture into `dir` (created), with two run logs whose mtimes make `newest` the newest file. */
export function writeFixtureDataDir(dir: string, files: FixtureFiles = fixtureFiles()): void {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  for (const name of ['jobs', 'tasks', 'runs', 'profiles', 'settings'] as const) {
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(files[name], null, 2));
  }
  const middleLog = path.join(dir, 'logs', `run_${FX.runs.middle.id}.log`);
  const newestLog = path.join(dir, 'logs', `run_${FX.runs.newest.id}.log`);
  fs.writeFileSync(middleLog, FX.logText.middle);
  fs.writeFileSync(newestLog, FX.logText.newest);
  fs.utimesSync(middleLog, new Date('2025-06-02T09:01:00Z'), new Date('2025-06-02T09:01:00Z'));
  fs.utimesSync(newestLog, new Date('2025-06-03T10:31:00Z'), new Date('2025-06-03T10:31:00Z'));
}
