import { normalizeJob } from '../model/job';
import { expectInvalid, expectValid, json } from './dto.spec-helpers';
import {
  CreateJobDto,
  TaskOrderDto,
  UpdateJobDto,
  jobFromCreateDto,
  mergeJobUpdate,
  normalizeTaskOrderBody,
} from './job.dto';

const UUID_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const UUID_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

describe('CreateJobDto', () => {
  it('accepts every writable job field', () => {
    const body = {
      name: 'Release',
      description: 'weekly',
      profile: UUID_A,
      working_directory: {
        path: '~/src/app',
        use_git_worktree: true,
        worktree_name: 'release-1',
        worktree_branch: 'feature/nightly',
      },
    };
    expect(json(expectValid(CreateJobDto, body))).toEqual(body);
  });

  it('requires a name', () => {
    expect(expectInvalid(CreateJobDto, { description: 'x' })).toEqual([
      { field: 'name', message: 'name is required (a non-empty string of at most 200 characters)' },
    ]);
  });

  it('refuses status: it is not writable', () => {
    expect(expectInvalid(CreateJobDto, { name: 'j', status: 'completed' })).toEqual([
      {
        field: 'status',
        message:
          "status cannot be set here: a job's status follows its runs; use POST /api/jobs/{id}/run or POST /api/jobs/{id}/stop",
      },
    ]);
  });

  it.each([
    [
      'worktree_name',
      '..',
      "working_directory.worktree_name must be a directory name of letters, digits, '.', '_' and '-', or null",
    ],
    [
      'worktree_name',
      'a/b',
      "working_directory.worktree_name must be a directory name of letters, digits, '.', '_' and '-', or null",
    ],
    [
      'worktree_branch',
      '--upload-pack=x',
      "working_directory.worktree_branch must be a git branch name such as feature/nightly (no spaces, no '..', not starting with '-'), or null",
    ],
    [
      'worktree_branch',
      'a..b',
      "working_directory.worktree_branch must be a git branch name such as feature/nightly (no spaces, no '..', not starting with '-'), or null",
    ],
    ['path', '', 'working_directory.path must be a non-empty string of at most 4096 characters'],
    ['use_git_worktree', 'yes', 'working_directory.use_git_worktree must be true or false'],
  ])('checks working_directory.%s = %j', (key, value, message) => {
    expect(expectInvalid(CreateJobDto, { name: 'j', working_directory: { [key]: value } })).toEqual([
      { field: `working_directory.${key}`, message },
    ]);
  });
});

describe('UpdateJobDto and mergeJobUpdate', () => {
  const stored = normalizeJob({
    id: UUID_A,
    name: 'J',
    status: 'completed',
    working_directory: { path: '/srv/app', use_git_worktree: true, worktree_name: 'wt' },
    task_order: [UUID_B],
    extra: 1,
  });

  it('accepts an empty update and refuses status', () => {
    expect(json(expectValid(UpdateJobDto, {}))).toEqual({});
    expect(expectInvalid(UpdateJobDto, { status: 'pending' })[0].field).toBe('status');
  });

  it('merges working_directory field by field and never touches status', () => {
    const update = expectValid(UpdateJobDto, { name: 'K', working_directory: { worktree_branch: 'main' } });
    const merged = mergeJobUpdate(stored, update, '2026-05-05T00:00:00.000Z');
    expect(merged.working_directory).toEqual({
      path: '/srv/app',
      use_git_worktree: true,
      worktree_name: 'wt',
      worktree_branch: 'main',
    });
    expect(merged).toMatchObject({ name: 'K', status: 'completed', extra: 1, updated_at: '2026-05-05T00:00:00.000Z' });
  });

  it('accepts task_order as the original did, with per-item id checks', () => {
    expect(expectValid(UpdateJobDto, { task_order: [UUID_B, 'bbbb'] }).task_order).toEqual([UUID_B, 'bbbb']);
    expect(expectInvalid(UpdateJobDto, { task_order: ['ab12', 'not an id'] })).toEqual([
      {
        field: 'task_order[1]',
        message: 'task_order[1] must be an id (a UUID or a unique prefix of one) (got "not an id")',
      },
    ]);
  });
});

describe('jobFromCreateDto', () => {
  it('creates a pending job with an empty task order and default working directory fields', () => {
    const job = jobFromCreateDto(
      expectValid(CreateJobDto, { name: 'J', working_directory: { path: '/x' } }),
      UUID_A,
      '2026-01-01T00:00:00.000Z',
    );
    expect(job).toMatchObject({
      id: UUID_A,
      name: 'J',
      status: 'pending',
      task_order: [],
      profile: null,
      working_directory: { path: '/x', use_git_worktree: false, worktree_name: null, worktree_branch: null },
    });
  });
});

describe('TaskOrderDto', () => {
  it('accepts {task_order: [...]} and a bare array', () => {
    expect(expectValid(TaskOrderDto, { task_order: [UUID_A, UUID_B] }).task_order).toEqual([UUID_A, UUID_B]);
    expect(expectValid(TaskOrderDto, [UUID_B]).task_order).toEqual([UUID_B]);
    expect(expectValid(TaskOrderDto, []).task_order).toEqual([]);
  });

  it('rejects non-strings, duplicates, a missing list and extra fields', () => {
    expect(expectInvalid(TaskOrderDto, [UUID_A, 3])).toEqual([
      { field: 'task_order', message: 'task_order must be a list of distinct non-empty strings (at most 10000)' },
    ]);
    expect(expectInvalid(TaskOrderDto, [UUID_A, UUID_A])[0].field).toBe('task_order');
    expect(expectInvalid(TaskOrderDto, {})[0].message).toMatch(/^task_order is required/);
    expect(expectInvalid(TaskOrderDto, { task_order: [], order: [] })[0].field).toBe('order');
  });

  it('normalizeTaskOrderBody wraps arrays only', () => {
    expect(normalizeTaskOrderBody(['a'])).toEqual({ task_order: ['a'] });
    const o = { task_order: ['a'] };
    expect(normalizeTaskOrderBody(o)).toBe(o);
  });
});
