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
        message: 'env_vars[6].secret is not a known field (known fields: name, source, value, config)',
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
    expect(merged.env_vars).toEqual([{ name: 'B', source: 'env', value: 'HOME', config: null }]);
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
    expect(p.env_vars).toEqual([{ name: 'X', source: 'static', value: '', config: null }]);
  });
});
