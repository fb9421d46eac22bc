import { ValidationError } from '@ccs/core';
import type { EnvVar } from '@ccs/core';
import { jobBodyFromOptions } from './job-options';
import { mergeEnvVars, parseEnvConfig, parseEnvSpec, profileBodyFromOptions } from './profile-options';
import { taskBodyFromOptions } from './task-options';

describe('taskBodyFromOptions', () => {
  it('sends only the options given, under the API field names', () => {
    expect(taskBodyFromOptions({})).toEqual({});
    expect(
      taskBodyFromOptions({ name: 'Review', prompt: '/review-pr 12', promptType: 'slash_command', model: 'opus' }),
    ).toEqual({
      name: 'Review',
      prompt: '/review-pr 12',
      prompt_type: 'slash_command',
      model: 'opus',
    });
  });

  it('maps every top-level field, permissions as one value, and clears nullable ones with none/""', () => {
    const body = taskBodyFromOptions({
      command: 'legacy prompt',
      profile: 'Prod',
      job: 'none',
      permissions: 'acceptEdits',
      sessionMode: 'reuse',
      allowedTools: ['Read', 'Bash(git status:*)'],
      disallowedTools: [],
      disabled: true,
      commitOnSuccess: false,
      timeout: null,
      maxTurns: 5,
      maxBudgetUsd: 1.5,
      appendSystemPrompt: '',
    });
    expect(body).toEqual({
      prompt: 'legacy prompt',
      profile: 'Prod',
      job_id: null,
      permissions: 'acceptEdits',
      session_mode: 'reuse',
      allowed_tools: ['Read', 'Bash(git status:*)'],
      disallowed_tools: [],
      enabled: false,
      commit_on_success: false,
      timeout_seconds: null,
      max_turns: 5,
      max_budget_usd: 1.5,
      append_system_prompt: null,
    });
    expect(taskBodyFromOptions({ enabled: true }).enabled).toBe(true);
  });

  it('--cron alone means an interval schedule of type cron, with zone and policies alongside', () => {
    expect(
      taskBodyFromOptions({ cron: '0 9 * * 1-5', timezone: 'Europe/Amsterdam', overlap: 'skip', catchup: 'default' })
        .schedule,
    ).toEqual({
      schedule_type: 'interval',
      interval_type: 'cron',
      interval_cron: '0 9 * * 1-5',
      timezone: 'Europe/Amsterdam',
      overlap_policy: 'skip',
      catchup_policy: null,
    });
  });

  it('interval presets and custom intervals get their interval_type', () => {
    expect(taskBodyFromOptions({ intervalPreset: '15min' }).schedule).toEqual({
      schedule_type: 'interval',
      interval_type: 'simple',
      interval_preset: '15min',
    });
    expect(taskBodyFromOptions({ intervalValue: 10, intervalUnit: 'minutes' }).schedule).toEqual({
      schedule_type: 'interval',
      interval_type: 'custom',
      interval_value: 10,
      interval_unit: 'minutes',
    });
  });

  it('calendar options imply the calendar type; --days alone means weekly, --day-of-month alone monthly', () => {
    expect(taskBodyFromOptions({ calendarTime: '09:00', days: [0, 2, 4] }).schedule).toEqual({
      schedule_type: 'calendar',
      calendar_frequency: 'weekly',
      calendar_time: '09:00',
      calendar_days_of_week: [0, 2, 4],
    });
    expect(taskBodyFromOptions({ dayOfMonth: 31, calendarTime: '08:30' }).schedule).toMatchObject({
      calendar_frequency: 'monthly',
      calendar_day_of_month: 31,
    });
    expect(
      taskBodyFromOptions({ schedule: 'calendar', calendarFrequency: 'daily', calendarTime: '07:00' }).schedule,
    ).toEqual({
      schedule_type: 'calendar',
      calendar_frequency: 'daily',
      calendar_time: '07:00',
    });
  });

  it('file-watch, sequential, retry and notification options land in their nested objects', () => {
    const body = taskBodyFromOptions({
      watchDir: '~/inbox',
      watchRecursive: false,
      debounce: 2.5,
      seqRetries: 2,
      seqRetryDelay: 30,
      catchupWindowHours: 12,
      retry: true,
      retryAttempts: 3,
      retryDelay: 10,
      retryBackoff: 1.5,
      notifyStart: true,
      notifyFailure: false,
    });
    expect(body).toEqual({
      schedule: {
        schedule_type: 'file_watch',
        watch_directory: '~/inbox',
        watch_recursive: false,
        watch_debounce_seconds: 2.5,
        seq_max_retries: 2,
        seq_retry_delay_seconds: 30,
        catchup_window_hours: 12,
      },
      retry: { enabled: true, max_attempts: 3, delay_seconds: 10, backoff_multiplier: 1.5 },
      notifications: { on_start: true, on_failure: false },
    });
    // seq/overlap options apply to any schedule type: they imply none.
    expect(taskBodyFromOptions({ seqRetries: 1 }).schedule).toEqual({ seq_max_retries: 1 });
    expect(taskBodyFromOptions({ schedule: 'sequential', seqRetries: 1 }).schedule).toEqual({
      schedule_type: 'sequential',
      seq_max_retries: 1,
    });
  });

  it.each([
    [{ prompt: 'a', command: 'b' }, /--prompt and --command/],
    [{ enabled: true, disabled: true }, /--enabled and --disabled/],
    [{ cron: '* * * * *', days: [0] }, /--days and --cron belong to different schedule types|--cron and --days/],
    [{ schedule: 'manual', cron: '* * * * *' }, /--cron is an option of interval schedules, but --schedule is manual/],
    [{ schedule: 'calendar', watchDir: '/x' }, /--watch-dir is an option of file_watch schedules/],
    [{ intervalPreset: '5min', cron: '* * * * *' }, /give the interval one way/],
    [{ days: [0], dayOfMonth: 1 }, /exclude each other/],
  ])('contradictory options %j are a usage error', (opts, message) => {
    expect(() => taskBodyFromOptions(opts)).toThrow(ValidationError);
    expect(() => taskBodyFromOptions(opts)).toThrow(message);
  });
});

describe('jobBodyFromOptions', () => {
  it('sends given fields; working_directory is partial (the API merges it)', () => {
    expect(jobBodyFromOptions({})).toEqual({});
    expect(
      jobBodyFromOptions({
        name: 'Nightly',
        description: '',
        profile: 'none',
        workingDirectory: '~/repo',
        useWorktree: true,
      }),
    ).toEqual({
      name: 'Nightly',
      description: '',
      profile: null,
      working_directory: { path: '~/repo', use_git_worktree: true },
    });
    expect(jobBodyFromOptions({ worktree: false, worktreeName: 'default', worktreeBranch: 'feature/x' })).toEqual({
      working_directory: { use_git_worktree: false, worktree_name: null, worktree_branch: 'feature/x' },
    });
  });

  it('--use-worktree with --no-worktree is a usage error', () => {
    expect(() => jobBodyFromOptions({ useWorktree: true, worktree: false })).toThrow(ValidationError);
  });
});

describe('profile --env options', () => {
  it('NAME=value is static; NAME=<source>:<ref> names a source; static: forces static', () => {
    let vars = parseEnvSpec('ANTHROPIC_MODEL=opus', undefined);
    vars = parseEnvSpec('ANTHROPIC_API_KEY=aws_sm:prod/anthropic', vars);
    vars = parseEnvSpec('TOKEN=keychain:svc/acct', vars);
    vars = parseEnvSpec('X=env:HOME', vars);
    vars = parseEnvSpec('Y=command:pass show x', vars);
    vars = parseEnvSpec('Z=unset:', vars);
    vars = parseEnvSpec('URL=http://example.com/a=b', vars);
    vars = parseEnvSpec('LIT=static:env:HOME', vars);
    vars = parseEnvSpec('EMPTY=', vars);
    expect(vars.map((v) => [v.name, v.source, v.value])).toEqual([
      ['ANTHROPIC_MODEL', 'static', 'opus'],
      ['ANTHROPIC_API_KEY', 'aws_sm', 'prod/anthropic'],
      ['TOKEN', 'keychain', 'svc/acct'],
      ['X', 'env', 'HOME'],
      ['Y', 'command', 'pass show x'],
      ['Z', 'unset', ''],
      ['URL', 'static', 'http://example.com/a=b'],
      ['LIT', 'static', 'env:HOME'],
      ['EMPTY', 'static', ''],
    ]);
    for (const bad of ['NOVALUE', '1X=y', '=y', 'A B=c', 'K=env:'])
      expect(() => parseEnvSpec(bad, undefined)).toThrow();
  });

  it('--env-config parses key=value pairs with booleans and numbers; NAME= clears', () => {
    expect(parseEnvConfig('K=region=eu-west-1,profile=x,decrypt=false,timeout_seconds=5', undefined)).toEqual([
      { name: 'K', config: { region: 'eu-west-1', profile: 'x', decrypt: false, timeout_seconds: 5 } },
    ]);
    expect(parseEnvConfig('K=', undefined)).toEqual([{ name: 'K', config: null }]);
    expect(() => parseEnvConfig('K=region', undefined)).toThrow();
  });

  const stored: EnvVar[] = [
    { id: 'v1', name: 'ANTHROPIC_API_KEY', source: 'static', value: 'sk-a****', config: null },
    { id: 'v2', name: 'AWS', source: 'aws_sm', value: 'prod/a', config: { region: 'eu-west-1' }, legacy_field: 1 },
    { id: 'v3', name: 'OLD', source: 'env', value: 'HOME', config: null },
  ];

  it('update: replaces in place (keeping id, and source options when the source stays), appends, removes; masked values go back with their ids', () => {
    const { envVars, warnings } = mergeEnvVars(stored, {
      env: [
        { name: 'AWS', source: 'aws_sm', value: 'prod/b', config: null },
        { name: 'NEW', source: 'static', value: 'v', config: null },
      ],
      unsetEnv: ['OLD', 'MISSING'],
    });
    expect(envVars).toEqual([
      { id: 'v1', name: 'ANTHROPIC_API_KEY', source: 'static', value: 'sk-a****', config: null },
      { id: 'v2', name: 'AWS', source: 'aws_sm', value: 'prod/b', config: { region: 'eu-west-1' } },
      { name: 'NEW', source: 'static', value: 'v', config: null },
    ]);
    expect(warnings).toEqual(['the profile has no variable MISSING; nothing to remove']);
    // A source change drops the old source's options.
    expect(
      mergeEnvVars(stored, { env: [{ name: 'AWS', source: 'env', value: 'X', config: null }] }).envVars[1].config,
    ).toBeNull();
  });

  it('--env-config needs the variable; set-and-remove or setting twice is a usage error', () => {
    expect(
      mergeEnvVars(stored, { envConfig: [{ name: 'OLD', config: { timeout_seconds: 3 } }] }).envVars[2].config,
    ).toEqual({ timeout_seconds: 3 });
    expect(() => mergeEnvVars(stored, { envConfig: [{ name: 'NOPE', config: null }] })).toThrow(ValidationError);
    expect(() =>
      mergeEnvVars(stored, { env: [{ name: 'X', source: 'static', value: '', config: null }], unsetEnv: ['X'] }),
    ).toThrow(ValidationError);
    const x = { name: 'X', source: 'static' as const, value: '', config: null };
    expect(() => mergeEnvVars([], { env: [x, x] })).toThrow(ValidationError);
  });

  it('profile bodies carry env_vars only when variables change', () => {
    expect(profileBodyFromOptions({ name: 'P', description: 'd' }, stored).body).toEqual({
      name: 'P',
      description: 'd',
    });
    expect(profileBodyFromOptions({ unsetEnv: ['OLD'] }, stored).body['env_vars']).toHaveLength(2);
    expect(
      profileBodyFromOptions({ name: 'P', env: [{ name: 'A', source: 'env', value: 'B', config: null }] }, []).body,
    ).toEqual({
      name: 'P',
      env_vars: [{ name: 'A', source: 'env', value: 'B', config: null }],
    });
  });
});
