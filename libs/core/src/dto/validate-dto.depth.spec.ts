import { ImportJobDto } from './import-job.dto';
import { CreateTaskDto } from './task.dto';
import { UpdateSettingsDto } from './settings.dto';
import { MAX_INPUT_DEPTH, isDtoFailure, validateDto } from './validate-dto';

/** Nesting and forbidden keys are checked without recursion, before anything else walks the input. */
describe('validateDto: input structure', () => {
  const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it.each([MAX_INPUT_DEPTH + 1, 5_000, 100_000])(
    'refuses a value nested %i levels deep with a field error, not a stack overflow',
    (depth) => {
      const r = validateDto(UpdateSettingsDto, { theme: 'x', extra: nested(depth) });
      expect(isDtoFailure(r) && r.errors).toEqual([
        {
          field: expect.stringMatching(/^extra(\[0\])+$/),
          message: expect.stringContaining(`nested more than ${MAX_INPUT_DEPTH} levels deep`),
        },
      ]);
    },
  );

  it('refuses deep objects too, naming the path', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 3000; i++) deep = deep['a'] = {};
    const r = validateDto(CreateTaskDto, { name: 'x', prompt: 'y', schedule: root });
    expect(isDtoFailure(r) && r.errors[0].field).toMatch(/^schedule(\.a)+$/);
    expect(isDtoFailure(r) && r.errors[0].message).toMatch(/nested more than 32 levels deep/);
  });

  it('lets nesting up to the limit through to the normal checks', () => {
    const r = validateDto(UpdateSettingsDto, { extra: nested(MAX_INPUT_DEPTH - 1) });
    expect(isDtoFailure(r) && r.errors.map((e) => e.field)).toEqual(['extra']);
    expect(isDtoFailure(r) && r.errors[0].message).toMatch(/not a known field/);
  });

  it('does not refuse the nesting of a real job export (the deepest legitimate body)', () => {
    const r = validateDto(ImportJobDto, {
      version: '1.0',
      job: { id: 'c2a7d4f0-3f5e-4f6a-9d2b-1a2b3c4d5e6f', name: 'j', working_directory: { path: '/tmp' } },
      tasks: [
        {
          name: 't',
          prompt: 'p',
          schedule: { schedule_type: 'calendar', calendar_frequency: 'weekly', calendar_days_of_week: [0, 2] },
        },
      ],
    });
    const messages = isDtoFailure(r) ? r.errors.map((e) => e.message) : [];
    expect(messages.filter((m) => m.includes('levels deep'))).toEqual([]);
  });

  it('still reports every forbidden key, in document order', () => {
    const input = JSON.parse(
      '{"name":"x","prompt":"y","schedule":{"constructor":1,"x":{"__proto__":2}},"prototype":3}',
    ) as unknown;
    const r = validateDto(CreateTaskDto, input);
    expect(isDtoFailure(r) && r.errors.map((e) => e.field)).toEqual([
      'schedule.constructor',
      'schedule.x.__proto__',
      'prototype',
    ]);
  });
});
