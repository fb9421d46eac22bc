import { DEFAULT_SETTINGS } from '../model/settings';
import { expectInvalid, expectValid, json } from './dto.spec-helpers';
import { ImportJobDto } from './import-job.dto';
import { RunsQueryDto } from './runs-query.dto';
import { UpdateSettingsDto } from './settings.dto';

describe('UpdateSettingsDto', () => {
  it('accepts every settings key with its default value', () => {
    expect(json(expectValid(UpdateSettingsDto, DEFAULT_SETTINGS))).toEqual(DEFAULT_SETTINGS);
  });

  it('accepts a partial update', () => {
    expect(json(expectValid(UpdateSettingsDto, { max_concurrent_tasks: 64, mock_mode: true }))).toEqual({
      max_concurrent_tasks: 64,
      mock_mode: true,
    });
  });

  it.each([
    ['max_concurrent_tasks', 0, 'max_concurrent_tasks must be an integer from 1 to 64'],
    ['max_concurrent_tasks', 65, 'max_concurrent_tasks must be an integer from 1 to 64'],
    ['max_concurrent_tasks', '3', 'max_concurrent_tasks must be an integer from 1 to 64'],
    ['default_overlap_policy', 'sometimes', 'default_overlap_policy must be one of: skip, queue_one, allow, replace'],
    ['log_retention_days', 0, 'log_retention_days must be an integer from 1 to 3650'],
    ['node_retention_days', 0.5, 'node_retention_days must be an integer from 1 to 3650'],
    ['stop_grace_seconds', 301, 'stop_grace_seconds must be an integer from 0 to 300'],
    ['catchup_window_hours', 0, 'catchup_window_hours must be a number greater than 0 and at most 8760'],
    [
      'main_splitter_sizes',
      [100, -1],
      'main_splitter_sizes must be a list of integers from 0 to 100000 (at most 8 items)',
    ],
    ['mock_mode', null, 'mock_mode must be true or false (null is not allowed)'],
  ])('rejects %s = %j', (field, value, message) => {
    expect(expectInvalid(UpdateSettingsDto, { [field]: value })).toEqual([{ field, message }]);
  });

  it('allows null where the setting means "not set"', () => {
    expect(json(expectValid(UpdateSettingsDto, { claude_cli_path: null, window_x: null }))).toEqual({
      claude_cli_path: null,
      window_x: null,
    });
  });

  it('rejects unknown keys with a suggestion', () => {
    expect(expectInvalid(UpdateSettingsDto, { max_concurent_tasks: 2 })).toEqual([
      {
        field: 'max_concurent_tasks',
        message: 'max_concurent_tasks is not a known field; did you mean "max_concurrent_tasks"?',
      },
    ]);
  });
});

describe('RunsQueryDto', () => {
  const query = (q: unknown) => expectValid(RunsQueryDto, q);

  it('defaults limit to 100 and converts a numeric query string explicitly', () => {
    expect(query({}).limit).toBe(100);
    expect(query({ limit: '250' }).limit).toBe(250);
    expect(json(query({ task_id: 'abcd', status: 'failed', cursor: 'opaque' }))).toEqual({
      task_id: 'abcd',
      status: 'failed',
      cursor: 'opaque',
      limit: 100,
    });
  });

  it.each([['0'], ['1001'], ['ten'], [''], ['1e3'], [['5', '6']]])('rejects limit=%j', (limit) => {
    expect(expectInvalid(RunsQueryDto, { limit })).toEqual([
      { field: 'limit', message: 'limit must be an integer from 1 to 1000' },
    ]);
  });

  it('checks status and ids, and rejects unknown parameters', () => {
    expect(expectInvalid(RunsQueryDto, { status: 'done', job_id: 'x/y', page: '2' })).toEqual([
      { field: 'page', message: expect.stringMatching(/^page is not a known field/) as string },
      { field: 'job_id', message: 'job_id must be an id (a UUID or a unique prefix of one)' },
      { field: 'status', message: 'status must be one of: upcoming, running, success, failed, cancelled' },
    ]);
  });
});

describe('ImportJobDto', () => {
  const JOB_ID = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
  const TASK_ID = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
  const exported = {
    version: '1.0',
    exported_at: '2025-06-01T10:00:00.123456',
    job: { id: JOB_ID, name: 'J', status: 'completed', task_order: [TASK_ID], legacy_field: 1 },
    tasks: [{ id: TASK_ID, name: 'T', command: 'old prompt', job_id: JOB_ID, unknown_to_us: true }],
    profiles_referenced: [],
  };

  it('accepts an export of the original, unknown fields of the records included', () => {
    expect(json(expectValid(ImportJobDto, exported))).toEqual(exported);
  });

  it('requires version "1.0" with a clear message', () => {
    expect(expectInvalid(ImportJobDto, { ...exported, version: '2.0' })).toEqual([
      { field: 'version', message: 'version must be "1.0" (the job export format this server reads)' },
    ]);
    expect(expectInvalid(ImportJobDto, { ...exported, version: undefined })[0].field).toBe('version');
  });

  it('requires job and tasks, and rejects unknown top-level fields', () => {
    expect(expectInvalid(ImportJobDto, { version: '1.0', force: true }).map((e) => e.field)).toEqual([
      'force',
      'job',
      'tasks',
    ]);
  });

  it('checks ids and names of the records and reads them with the model readers', () => {
    expect(
      expectInvalid(ImportJobDto, {
        ...exported,
        job: { id: 'not-a-uuid', name: '' },
        tasks: [{ id: TASK_ID, name: 'T', permissions: 'everything' }, { id: TASK_ID, name: 'T2' }, { name: 'x' }],
      }),
    ).toEqual([
      { field: 'job.id', message: 'job.id must be a UUID (got "not-a-uuid")' },
      { field: 'job.name', message: 'job.name must be a non-empty string' },
      {
        field: 'tasks[0].permissions',
        message: expect.stringMatching(/^tasks\[0\]\.permissions must be one of default, bypass/) as string,
      },
      { field: 'tasks[2].id', message: 'tasks[2].id must be a UUID (got null)' },
    ]);
    expect(
      expectInvalid(ImportJobDto, {
        ...exported,
        tasks: [
          { id: TASK_ID, name: 'a' },
          { id: TASK_ID.toUpperCase(), name: 'b' },
        ],
      }),
    ).toEqual([{ field: 'tasks[1].id', message: `tasks[1].id ${TASK_ID.toUpperCase()} is the same as tasks[0].id` }]);
  });

  it('checks exported_at loosely (any ISO date-time, naive ones included)', () => {
    expect(expectInvalid(ImportJobDto, { ...exported, exported_at: 'yesterday' })[0].field).toBe('exported_at');
  });
});
