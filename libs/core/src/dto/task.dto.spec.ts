import { normalizeTask } from '../model/task';
import { expectInvalid as errors, expectValid as ok } from './dto.spec-helpers';
import {
  CreateTaskDto,
  PROMPT_REQUIRED_MESSAGE,
  UpdateTaskDto,
  applyLegacyTaskAliases,
  mergeTaskUpdate,
  taskFromCreateDto,
} from './task.dto';

const fullTask = {
  name: 'Nightly review',
  prompt: '/review-pr 12',
  prompt_type: 'slash_command',
  job_id: null,
  enabled: false,
  model: 'opus',
  profile: '9e4eaa7d-ba4e-44c0-861a-712aa75382d1',
  permissions: 'acceptEdits',
  session_mode: 'reuse',
  allowed_tools: ['Read', 'Bash(git status:*)'],
  disallowed_tools: ['WebFetch'],
  schedule: {
    schedule_type: 'calendar',
    timezone: 'Europe/Amsterdam',
    calendar_frequency: 'weekly',
    calendar_time: '09:30',
    calendar_days_of_week: [0, 4],
    calendar_day_of_month: null,
    interval_type: 'cron',
    interval_preset: '5min',
    interval_value: 5,
    interval_unit: 'minutes',
    interval_cron: '*/15 * * * *',
    watch_directory: '~/src',
    watch_recursive: false,
    watch_debounce_seconds: 2.5,
    seq_max_retries: 2,
    seq_retry_delay_seconds: 30,
    overlap_policy: 'queue_one',
    catchup_policy: 'run_all',
    catchup_window_hours: 12,
  },
  retry: { enabled: true, max_attempts: 10, delay_seconds: 0, backoff_multiplier: 1 },
  notifications: { on_start: true, on_end: false, on_failure: true },
  commit_on_success: true,
  timeout_seconds: 1,
  max_turns: 1,
  max_budget_usd: 0.01,
  append_system_prompt: 'Be brief.',
};

describe('CreateTaskDto', () => {
  it('accepts every task field', () => {
    const dto = ok(CreateTaskDto, fullTask);
    expect(JSON.parse(JSON.stringify(dto))).toEqual(fullTask);
  });

  it('needs only name and prompt; job_id is optional', () => {
    expect(JSON.parse(JSON.stringify(ok(CreateTaskDto, { name: 'a', prompt: 'do it' })))).toEqual({
      name: 'a',
      prompt: 'do it',
    });
  });

  it.each([[undefined], [''], ['   \n'], [null]])('rejects prompt %j with the actionable message', (prompt) => {
    expect(errors(CreateTaskDto, { name: 'a', prompt })).toEqual([
      { field: 'prompt', message: PROMPT_REQUIRED_MESSAGE },
    ]);
  });

  it('requires a non-blank name', () => {
    expect(errors(CreateTaskDto, { prompt: 'x' })).toEqual([
      { field: 'name', message: 'name is required (a non-empty string of at most 200 characters)' },
    ]);
    expect(errors(CreateTaskDto, { name: ' ', prompt: 'x' })[0].field).toBe('name');
  });

  it('lists the allowed values of enums', () => {
    expect(errors(CreateTaskDto, { name: 'a', prompt: 'x', permissions: 'yolo', session_mode: 'resume' })).toEqual([
      {
        field: 'permissions',
        message: 'permissions must be one of: default, bypass, acceptEdits, plan, auto, dontAsk',
      },
      { field: 'session_mode', message: 'session_mode must be one of: new, reuse, fork' },
    ]);
    expect(errors(CreateTaskDto, { name: 'a', prompt: 'x', prompt_type: 'shell' })).toEqual([
      { field: 'prompt_type', message: 'prompt_type must be one of: prompt, slash_command' },
    ]);
  });

  it.each([
    ['timeout_seconds', 0, 'timeout_seconds must be an integer from 1 to 604800, or null'],
    ['timeout_seconds', 1.5, 'timeout_seconds must be an integer from 1 to 604800, or null'],
    ['max_turns', 0, 'max_turns must be an integer from 1 to 10000, or null'],
    ['max_budget_usd', 0, 'max_budget_usd must be a number greater than 0 and at most 1000000, or null'],
    ['max_budget_usd', '5', 'max_budget_usd must be a number greater than 0 and at most 1000000, or null'],
    ['allowed_tools', 'Read', 'allowed_tools must be a list of distinct non-empty strings (at most 200)'],
    ['disallowed_tools', ['a', 'a'], 'disallowed_tools must be a list of distinct non-empty strings (at most 200)'],
    [
      'model',
      'claude sonnet',
      'model must be a model name without spaces, e.g. sonnet, opus or claude-sonnet-4-5 (at most 100 characters)',
    ],
    ['job_id', '../etc', 'job_id must be an id (a UUID or a unique prefix of one), or null'],
    ['enabled', 'true', 'enabled must be true or false'],
  ])('rejects %s = %j', (field, value, message) => {
    expect(errors(CreateTaskDto, { name: 'a', prompt: 'x', [field]: value })).toEqual([{ field, message }]);
  });

  it('accepts null for the nullable fields (= use the default)', () => {
    const body = {
      name: 'a',
      prompt: 'x',
      timeout_seconds: null,
      max_turns: null,
      max_budget_usd: null,
      append_system_prompt: null,
      job_id: null,
      profile: null,
    };
    expect(JSON.parse(JSON.stringify(ok(CreateTaskDto, body)))).toEqual(body);
  });

  it.each([
    [
      'schedule',
      { interval_unit: 'weeks' },
      'schedule.interval_unit',
      'schedule.interval_unit must be one of: minutes, hours, days, or null',
    ],
    [
      'schedule',
      { schedule_type: 'hourly' },
      'schedule.schedule_type',
      'schedule.schedule_type must be one of: manual, interval, calendar, startup, file_watch, sequential',
    ],
    [
      'schedule',
      { calendar_time: '9am' },
      'schedule.calendar_time',
      'schedule.calendar_time must be HH:MM or HH:MM:SS (24-hour clock), or null',
    ],
    [
      'schedule',
      { calendar_days_of_week: [7] },
      'schedule.calendar_days_of_week',
      'schedule.calendar_days_of_week must be a list of distinct integers from 0 to 6 (at most 7 items)',
    ],
    [
      'schedule',
      { timezone: 'Mars/Olympus' },
      'schedule.timezone',
      'schedule.timezone must be an IANA time zone name such as Europe/Amsterdam, or null',
    ],
    [
      'schedule',
      { interval_cron: '* * *' },
      'schedule.interval_cron',
      'schedule.interval_cron must be a 5-field crontab expression such as "*/15 * * * *" (at most 200 characters), or null',
    ],
    [
      'schedule',
      { overlap_policy: 'never' },
      'schedule.overlap_policy',
      'schedule.overlap_policy must be one of: skip, queue_one, allow, replace, or null',
    ],
    [
      'schedule',
      { catchup_policy: 'all' },
      'schedule.catchup_policy',
      'schedule.catchup_policy must be one of: skip, run_once, run_all, or null',
    ],
    [
      'schedule',
      { catchup_window_hours: 0 },
      'schedule.catchup_window_hours',
      'schedule.catchup_window_hours must be a number greater than 0 and at most 8760, or null',
    ],
    ['retry', { max_attempts: 11 }, 'retry.max_attempts', 'retry.max_attempts must be an integer from 0 to 10'],
    ['retry', { delay_seconds: -1 }, 'retry.delay_seconds', 'retry.delay_seconds must be a number from 0 to 86400'],
    [
      'retry',
      { backoff_multiplier: 0.5 },
      'retry.backoff_multiplier',
      'retry.backoff_multiplier must be a number from 1 to 10',
    ],
    ['notifications', { on_end: 1 }, 'notifications.on_end', 'notifications.on_end must be true or false'],
    ['schedule', 'daily', 'schedule', 'schedule must be an object'],
  ])('checks nested %s %j', (key, value, field, message) => {
    expect(errors(CreateTaskDto, { name: 'a', prompt: 'x', [key]: value })).toEqual([{ field, message }]);
  });

  it('rejects unknown fields, nested ones included', () => {
    expect(
      errors(CreateTaskDto, { name: 'a', prompt: 'x', working_directory: '/tmp', schedule: { cron: '* * * * *' } }),
    ).toEqual([
      {
        field: 'working_directory',
        message: expect.stringMatching(
          /^working_directory is not a known field \(known fields: .*append_system_prompt.*\)$/,
        ) as string,
      },
      { field: 'schedule.cron', message: expect.stringMatching(/^schedule\.cron is not a known field/) as string },
    ]);
    expect(errors(CreateTaskDto, { name: 'a', prompt: 'x', last_session_id: 'abc' })).toEqual([
      {
        field: 'last_session_id',
        message:
          'last_session_id cannot be set here: it is recorded from the last run; use session_mode to choose how the next run starts',
      },
    ]);
  });

  it('accepts the legacy aliases command and command_type', () => {
    const dto = ok(CreateTaskDto, { name: 'a', command: '/review-pr 3', command_type: 'command' });
    expect(dto.prompt).toBe('/review-pr 3');
    expect(dto.prompt_type).toBe('slash_command');
    expect(Object.keys(dto)).not.toContain('command');
    expect(errors(CreateTaskDto, { name: 'a', command: '' })).toEqual([
      { field: 'prompt', message: PROMPT_REQUIRED_MESSAGE },
    ]);
  });
});

describe('applyLegacyTaskAliases', () => {
  it('maps aliases without touching the input', () => {
    const input = { command: 'c', command_type: 'prompt', name: 'n' };
    expect(applyLegacyTaskAliases(input)).toEqual({ prompt: 'c', prompt_type: 'prompt', name: 'n' });
    expect(input).toEqual({ command: 'c', command_type: 'prompt', name: 'n' });
  });

  it('lets the current field win over its alias, as the stored-task reader does', () => {
    expect(
      applyLegacyTaskAliases({ prompt: 'p', command: 'c', prompt_type: 'prompt', command_type: 'command' }),
    ).toEqual({
      prompt: 'p',
      prompt_type: 'prompt',
    });
  });

  it('maps the GUI value prompt_type "command" to slash_command', () => {
    expect(applyLegacyTaskAliases({ prompt_type: 'command' })).toEqual({ prompt_type: 'slash_command' });
  });

  it('returns non-objects unchanged', () => {
    expect(applyLegacyTaskAliases(null)).toBeNull();
    expect(applyLegacyTaskAliases([1])).toEqual([1]);
  });
});

describe('UpdateTaskDto', () => {
  it('makes every field optional', () => {
    expect(JSON.parse(JSON.stringify(ok(UpdateTaskDto, {})))).toEqual({});
  });

  it('still refuses a blank prompt or name and a null name', () => {
    expect(errors(UpdateTaskDto, { prompt: ' ' })).toEqual([{ field: 'prompt', message: PROMPT_REQUIRED_MESSAGE }]);
    expect(errors(UpdateTaskDto, { name: null })).toEqual([
      { field: 'name', message: 'name must be a non-empty string of at most 200 characters (null is not allowed)' },
    ]);
  });

  it('accepts the legacy aliases', () => {
    expect(ok(UpdateTaskDto, { command: 'new text' }).prompt).toBe('new text');
  });
});

describe('mergeTaskUpdate', () => {
  const stored = normalizeTask(
    {
      id: '11111111-1111-4111-8111-111111111111',
      name: 'T',
      prompt: 'p',
      custom_field: 'kept',
      schedule: { schedule_type: 'interval', interval_type: 'custom', interval_value: 5, interval_unit: 'minutes' },
      retry: { enabled: true, max_attempts: 2, delay_seconds: 10, backoff_multiplier: 2 },
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    },
    'task',
  );

  it('merges nested objects field by field and replaces top-level fields', () => {
    const update = ok(UpdateTaskDto, {
      name: 'Renamed',
      timeout_seconds: null,
      schedule: { interval_value: 10 },
      retry: { max_attempts: 4 },
    });
    const merged = mergeTaskUpdate(stored, update, '2026-02-02T00:00:00.000Z');
    expect(merged.name).toBe('Renamed');
    expect(merged.timeout_seconds).toBeNull();
    expect(merged.schedule).toEqual({ ...stored.schedule, interval_value: 10 });
    expect(merged.schedule.interval_unit).toBe('minutes');
    expect(merged.retry).toEqual({ enabled: true, max_attempts: 4, delay_seconds: 10, backoff_multiplier: 2 });
    expect(merged.notifications).toEqual(stored.notifications);
    expect(merged['custom_field']).toBe('kept');
    expect(merged.updated_at).toBe('2026-02-02T00:00:00.000Z');
    expect(merged.created_at).toBe(stored.created_at);
    expect(stored.schedule.interval_value).toBe(5); // the input is not mutated
  });

  it('can clear a nullable nested field with null', () => {
    const merged = mergeTaskUpdate(stored, ok(UpdateTaskDto, { schedule: { interval_unit: null } }));
    expect(merged.schedule.interval_unit).toBeNull();
    expect(merged.schedule.interval_value).toBe(5);
  });
});

describe('taskFromCreateDto', () => {
  it("fills omitted fields with this edition's safe defaults", () => {
    const task = taskFromCreateDto(
      ok(CreateTaskDto, { name: 'a', prompt: 'x', retry: { enabled: true } }),
      '22222222-2222-4222-8222-222222222222',
      '2026-03-03T00:00:00.000Z',
    );
    expect(task).toMatchObject({
      id: '22222222-2222-4222-8222-222222222222',
      job_id: null,
      permissions: 'default',
      commit_on_success: false,
      enabled: true,
      model: 'sonnet',
      prompt_type: 'prompt',
      last_session_id: null,
      created_at: '2026-03-03T00:00:00.000Z',
      updated_at: '2026-03-03T00:00:00.000Z',
    });
    expect(task.retry).toEqual({ enabled: true, max_attempts: 3, delay_seconds: 60, backoff_multiplier: 2 });
    expect(task.schedule.schedule_type).toBe('manual');
  });
});
