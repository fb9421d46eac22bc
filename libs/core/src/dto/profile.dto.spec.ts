import { ValidationError } from '../errors';
import { normalizeProfile } from '../model/profile';
import { expectInvalid, expectValid, json } from './dto.spec-helpers';
import { CreateProfileDto, UpdateProfileDto, mergeProfileUpdate, profileFromCreateDto } from './profile.dto';

describe('CreateProfileDto', () => {
  it('accepts a profile with env vars of every source', () => {
    const body = {
      name: 'Bedrock',
      description: 'AWS',
      env_vars: [
        { name: 'CLAUDE_CODE_USE_BEDROCK', source: 'static', value: '1', config: null },
        { name: 'AWS_REGION', source: 'env', value: 'AWS_DEFAULT_REGION' },
        { name: '_TOKEN', source: 'aws_sm', value: 'prod/token', config: { region: 'eu-west-1' } },
        { name: 'OLD', source: 'unset' },
      ],
    };
    expect(json(expectValid(CreateProfileDto, body))).toEqual(body);
  });

  it('requires a name', () => {
    expect(expectInvalid(CreateProfileDto, {})[0]).toEqual({
      field: 'name',
      message: 'name is required (a non-empty string of at most 200 characters)',
    });
  });

  it('checks env var names, sources, values and config', () => {
    expect(
      expectInvalid(CreateProfileDto, {
        name: 'p',
        env_vars: [
          { name: '1ABC' },
          { name: 'A-B' },
          { name: 'OK', source: 'vault' },
          { name: 'OK2', value: 5 },
          { name: 'OK3', config: 'region=x' },
          { source: 'static' },
          { name: 'OK4', secret: true },
        ],
      }),
    ).toEqual([
      {
        field: 'env_vars[0].name',
        message:
          'env_vars[0].name must be a variable name of letters, digits and _ that does not start with a digit (at most 256 characters)',
      },
      {
        field: 'env_vars[1].name',
        message:
          'env_vars[1].name must be a variable name of letters, digits and _ that does not start with a digit (at most 256 characters)',
      },
      {
        field: 'env_vars[2].source',
        message: 'env_vars[2].source must be one of: static, env, keychain, aws_sm, aws_ssm, command, unset',
      },
      { field: 'env_vars[3].value', message: 'env_vars[3].value must be a string of at most 65536 characters' },
      { field: 'env_vars[4].config', message: 'env_vars[4].config must be a JSON object, or null' },
      {
        field: 'env_vars[5].name',
        message:
          'env_vars[5].name is required (a variable name of letters, digits and _ that does not start with a digit (at most 256 characters))',
      },
      {
        field: 'env_vars[6].secret',
        message: 'env_vars[6].secret is not a known field (known fields: id, name, source, value, config)',
      },
    ]);
  });

  it('refuses the same variable twice', () => {
    expect(
      expectInvalid(CreateProfileDto, { name: 'p', env_vars: [{ name: 'A' }, { name: 'B' }, { name: 'A' }] }),
    ).toEqual([{ field: 'env_vars[2].name', message: 'env_vars[2].name "A" is already defined by env_vars[0]' }]);
  });
});

describe('UpdateProfileDto and the profile helpers', () => {
  const stored = normalizeProfile({
    id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    name: 'P',
    env_vars: [{ name: 'A', value: 'x' }],
  });

  it('makes every field optional and replaces env_vars whole', () => {
    expect(json(expectValid(UpdateProfileDto, {}))).toEqual({});
    const merged = mergeProfileUpdate(
      stored,
      expectValid(UpdateProfileDto, { env_vars: [{ name: 'B', source: 'env', value: 'HOME' }] }),
    );
    expect(merged.env_vars).toEqual([
      { id: expect.any(String), name: 'B', source: 'env', value: 'HOME', config: null },
    ]);
    expect(merged.name).toBe('P');
    expect(mergeProfileUpdate(stored, expectValid(UpdateProfileDto, { name: 'Q' })).env_vars).toEqual(stored.env_vars);
  });

  it('refuses duplicates on update too', () => {
    expect(expectInvalid(UpdateProfileDto, { env_vars: [{ name: 'A' }, { name: 'A' }] })[0].field).toBe(
      'env_vars[1].name',
    );
  });

  it('builds a new profile with source defaults', () => {
    const p = profileFromCreateDto(
      expectValid(CreateProfileDto, { name: 'N', env_vars: [{ name: 'X' }] }),
      'id-1',
      '2026-01-01T00:00:00.000Z',
    );
    expect(p).toMatchObject({ id: 'id-1', name: 'N', description: '', created_at: '2026-01-01T00:00:00.000Z' });
    expect(p.env_vars).toEqual([{ id: expect.any(String), name: 'X', source: 'static', value: '', config: null }]);
  });
});

describe('secrets are matched by the variable id, never by masked text', () => {
  const SECRET = 'SUPERSECRETVALUE-0123';
  const stored = normalizeProfile({
    id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    name: 'P',
    env_vars: [
      { id: 'var-1', name: 'API_KEY', source: 'static', value: SECRET },
      { id: 'var-2', name: 'SHORT', source: 'static', value: 'abc12345' },
      { id: 'var-3', name: 'FROM_ENV', source: 'env', value: 'HOME' },
    ],
  });
  const update = (vars: unknown[]) => mergeProfileUpdate(stored, expectValid(UpdateProfileDto, { env_vars: vars }));

  it('keeps the stored secret when a renamed variable comes back with its id and masked value', () => {
    const merged = update([
      { id: 'var-1', name: 'RENAMED_KEY', source: 'static', value: 'SUPE****' },
      { id: 'var-2', name: 'SHORT', source: 'static', value: '****' },
    ]);
    expect(merged.env_vars.map((v) => [v.id, v.name, v.value])).toEqual([
      ['var-1', 'RENAMED_KEY', SECRET],
      ['var-2', 'SHORT', 'abc12345'],
    ]);
  });

  it('takes a new value sent with the id, and the old value of a variable that kept its name but sent no id', () => {
    const merged = update([
      { id: 'var-1', name: 'API_KEY', source: 'static', value: 'a-brand-new-secret-value' },
      { name: 'SHORT', source: 'static', value: '****' },
    ]);
    expect(merged.env_vars.map((v) => v.value)).toEqual(['a-brand-new-secret-value', 'abc12345']);
    expect(merged.env_vars[1].id).toBe('var-2');
  });

  it('refuses a masked value that matches no stored secret instead of storing the mask', () => {
    // renamed without the id: the old client behaviour that stored "SUPE****" as the secret
    expect(() => update([{ name: 'RENAMED_KEY', source: 'static', value: 'SUPE****' }])).toThrow(
      /env_vars\[0\]\.value of RENAMED_KEY is a masked value, not a secret/,
    );
    // the id of a variable that was not static
    expect(() => update([{ id: 'var-3', name: 'FROM_ENV', source: 'static', value: '****' }])).toThrow(ValidationError);
    // the mask of another variable's secret
    expect(() => update([{ id: 'var-2', name: 'SHORT', source: 'static', value: 'SUPE****' }])).toThrow(
      ValidationError,
    );
    expect(() =>
      profileFromCreateDto(
        expectValid(CreateProfileDto, { name: 'copy', env_vars: [{ name: 'API_KEY', value: 'SUPE****' }] }),
        'id-2',
      ),
    ).toThrow(ValidationError);
  });

  it('gives new variables fresh ids and refuses ids given twice', () => {
    const merged = update([
      { id: 'var-1', name: 'API_KEY', value: 'SUPE****' },
      { name: 'NEW', value: 'v' },
    ]);
    expect(merged.env_vars[1].id).toMatch(/^[0-9a-f-]{36}$/);
    const created = profileFromCreateDto(
      expectValid(CreateProfileDto, { name: 'N', env_vars: [{ id: 'var-1', name: 'A', value: 'plain' }] }),
      'id-3',
    );
    expect(created.env_vars[0].id).not.toBe('var-1');
    expect(
      expectInvalid(UpdateProfileDto, {
        env_vars: [
          { id: 'x', name: 'A' },
          { id: 'x', name: 'B' },
        ],
      }),
    ).toEqual([{ field: 'env_vars[1].id', message: 'env_vars[1].id "x" is already defined by env_vars[0]' }]);
    expect(expectInvalid(UpdateProfileDto, { env_vars: [{ id: '../x', name: 'A' }] })[0].field).toBe('env_vars[0].id');
  });
});
