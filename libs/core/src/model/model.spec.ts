import { ValidationError } from '../errors';
import { jobRunDirectory, normalizeJob } from './job';
import { looksMasked, maskProfile, maskSecret, normalizeProfile } from './profile';
import { normalizeRun } from './run';
import { DEFAULT_SETTINGS, normalizeSettings } from './settings';
import { normalizeTask } from './task';

describe('normalizeTask', () => {
  it('maps the legacy aliases command / command_type and the GUI value "command"', () => {
    const t = normalizeTask({ id: 'a', name: 'x', command: '/review-pr 12', command_type: 'command' });
    expect(t.prompt).toBe('/review-pr 12');
    expect(t.prompt_type).toBe('slash_command');
    expect(t).not.toHaveProperty('command');
    expect(t).not.toHaveProperty('command_type');
  });

  it('prefers prompt over the legacy command and keeps unknown fields', () => {
    const t = normalizeTask({ id: 'a', prompt: 'new', command: 'old', future_field: { a: 1 } });
    expect(t.prompt).toBe('new');
    expect(t['future_field']).toEqual({ a: 1 });
  });

  it('reads missing fields with the original defaults', () => {
    const t = normalizeTask({ id: 'a' });
    expect(t.permissions).toBe('bypass');
    expect(t.commit_on_success).toBe(true);
    expect(t.schedule.schedule_type).toBe('manual');
    expect(t.retry).toEqual({ enabled: false, max_attempts: 3, delay_seconds: 60, backoff_multiplier: 2 });
  });

  it('rejects wrong types with the field path', () => {
    expect(() => normalizeTask({ id: 'a', schedule: { schedule_type: 'hourly' } })).toThrow(
      /task\.schedule\.schedule_type must be one of manual, interval/,
    );
    expect(() => normalizeTask({ id: 'a', enabled: 'yes' })).toThrow(ValidationError);
  });
});

describe('normalizeJob', () => {
  it('defaults the working directory and computes the worktree path', () => {
    const j = normalizeJob({ id: '12345678-aaaa', working_directory: { path: '~/repo/', use_git_worktree: true } });
    expect(jobRunDirectory(j)).toBe('~/repo/trees/job-12345678');
    expect(normalizeJob({ id: 'b' }).working_directory.path).toBe('~/projects');
  });
});

describe('normalizeRun', () => {
  it('keeps the original inline output fields and naive timestamps', () => {
    const r = normalizeRun({
      id: 'r',
      task_id: 't',
      status: 'success',
      scheduled_time: '2025-06-01T09:00:00.123456',
      output: 'o',
      raw_output: '{}',
      duration: 1.5,
    });
    expect(r['output']).toBe('o');
    expect(r.scheduled_time).toBe('2025-06-01T09:00:00.123456');
    expect(r.attempt).toBe(1);
  });
});

describe('profiles', () => {
  it('masks static values only', () => {
    const p = normalizeProfile({
      id: 'p',
      env_vars: [
        { name: 'A', source: 'static', value: 'sk-ant-1234567890' },
        { name: 'B', source: 'env', value: 'HOME' },
      ],
    });
    const m = maskProfile(p);
    expect(m.env_vars[0].value).toBe('sk-a****');
    expect(m.env_vars[1].value).toBe('HOME');
    expect(maskSecret('short')).toBe('****');
  });

  it('shows no character of a secret shorter than 16, and the first 4 of a longer one', () => {
    expect(maskSecret('123456789012')).toBe('****');
    expect(maskSecret('123456789012345')).toBe('****');
    expect(maskSecret('1234567890123456')).toBe('1234****');
    expect(maskSecret('')).toBe('****');
  });

  it('tells mask-shaped text from secrets', () => {
    for (const m of ['****', 'SUPE****', 'sk-a****', 'a****']) expect(looksMasked(m)).toBe(true);
    for (const v of ['*****', 'SUPER****', 'secret', '**** ', 'ab**cd**']) expect(looksMasked(v)).toBe(false);
  });

  it('gives each variable a stable id: kept when present, assigned when missing', () => {
    const p = normalizeProfile({ id: 'p', env_vars: [{ id: 'keep-me', name: 'A' }, { name: 'B' }] });
    expect(p.env_vars[0].id).toBe('keep-me');
    expect(p.env_vars[1].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(normalizeProfile(p).env_vars.map((v) => v.id)).toEqual(p.env_vars.map((v) => v.id));
  });

  it('requires env var names', () => {
    expect(() => normalizeProfile({ env_vars: [{ source: 'static', value: 'x' }] })).toThrow(/env_vars\[0\]\.name/);
  });
});

describe('normalizeSettings', () => {
  it('defaults mock_mode to false and keeps unknown keys', () => {
    expect(normalizeSettings({}).mock_mode).toBe(false);
    expect(normalizeSettings({ custom: 1 })['custom']).toBe(1);
    expect(normalizeSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  });
});
