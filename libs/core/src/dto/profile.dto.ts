import { ENV_VAR_SOURCES, EnvVarSource } from '../model/enums';
import { Profile, normalizeProfile, restoreMaskedSecrets } from '../model/profile';
import { nowIso } from '../model/read';
import { Field, definedFields } from './dto-field';
import type { FieldError } from './validate-dto';

/** One environment variable of a profile; see `EnvVar` for what `value` means per source. */
export class EnvVarDto {
  @Field({
    type: 'string',
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: 'the id the server gave the variable (letters, digits, - and _)',
    maxLength: 64,
    description:
      'Stable id of the variable, assigned by the server. Send it back unchanged on update: a static value sent ' +
      'back masked then keeps the stored secret, also when the variable was renamed. Omit it for a new variable.',
    example: '6f1c2a0e-8d4b-4c1e-9a57-3f0b2d9e4c11',
  })
  id?: string;

  @Field({
    type: 'string',
    pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
    patternHint: 'a variable name of letters, digits and _ that does not start with a digit',
    maxLength: 256,
    required: true,
    description: 'Variable name.',
    example: 'ANTHROPIC_API_KEY',
  })
  name: string;

  @Field({
    type: 'enum',
    values: ENV_VAR_SOURCES,
    description:
      'Where the value comes from: static (value is the literal), env (value names a variable of the node), ' +
      'keychain (service/account), aws_sm (secret id), aws_ssm (parameter name), command (a command line whose ' +
      'output is the value), unset (remove the variable).',
    defaultValue: 'static',
  })
  source?: EnvVarSource;

  @Field({
    type: 'string',
    maxLength: 65_536,
    description: 'The literal or the reference, depending on source.',
    defaultValue: '',
  })
  value?: string;

  @Field({
    type: 'object',
    nullable: true,
    description: 'Source options such as region, profile, decrypt, timeout_seconds; null = none.',
    example: { region: 'eu-west-1' },
  })
  config?: Record<string, unknown> | null;
}

/**
 * Two variables of one profile with the same name would make the resolved environment depend on list order; two
 * with the same id would make "which stored secret is this" ambiguous.
 */
function duplicateErrors(vars: readonly EnvVarDto[] | undefined): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['name', 'id'] as const) {
    const seen = new Map<string, number>();
    (vars ?? []).forEach((v, i) => {
      const value = v[key];
      if (value === undefined) return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, i);
      else {
        errors.push({
          field: `env_vars[${i}].${key}`,
          message: `env_vars[${i}].${key} "${value}" is already defined by env_vars[${first}]`,
        });
      }
    });
  }
  return errors;
}

class ProfileFieldsDto {
  @Field({ type: 'string', maxLength: 10_000, description: 'Free text.', defaultValue: '' })
  description?: string;

  @Field({
    type: 'nested',
    dto: () => EnvVarDto,
    list: true,
    maxItems: 1000,
    description: 'The variables; on update the list replaces the stored one whole.',
  })
  env_vars?: EnvVarDto[];
}

/** Body of `POST /api/profiles`. */
export class CreateProfileDto extends ProfileFieldsDto {
  @Field({ type: 'string', nonBlank: true, maxLength: 200, required: true, description: 'Display name.' })
  name: string;

  static crossCheck(dto: CreateProfileDto): FieldError[] {
    return duplicateErrors(dto.env_vars);
  }
}

/** Body of `PUT`/`PATCH /api/profiles/{id}`: every field optional; `env_vars`, when given, replaces the list. */
export class UpdateProfileDto extends ProfileFieldsDto {
  @Field({ type: 'string', nonBlank: true, maxLength: 200, description: 'Display name.' })
  name?: string;

  static crossCheck(dto: UpdateProfileDto): FieldError[] {
    return duplicateErrors(dto.env_vars);
  }
}

function envVarsOf(vars: readonly EnvVarDto[] | undefined): Record<string, unknown>[] | undefined {
  return vars?.map((v) => ({ source: 'static', value: '', config: null, ...definedFields(v) }));
}

/**
 * Applies a validated update: fields replace (env_vars as a whole list), `updated_at` becomes `now`. Static values
 * sent back masked keep the stored secret (see `restoreMaskedSecrets`). Pure apart from ids for new variables.
 * @throws ValidationError for a masked value that matches no stored secret
 */
export function mergeProfileUpdate(current: Profile, update: UpdateProfileDto, now: string = nowIso()): Profile {
  const { env_vars, ...top } = definedFields(update);
  const vars = envVarsOf(env_vars);
  const merged = normalizeProfile(
    { ...current, ...top, ...(vars ? { env_vars: vars } : {}), updated_at: now },
    'profile',
    now,
  );
  if (!env_vars) return merged;
  const sentIds = env_vars.map((v) => v.id);
  return { ...merged, env_vars: restoreMaskedSecrets(merged.env_vars, sentIds, current.env_vars) };
}

/**
 * A new profile from a validated create body. Variable ids are assigned here (ids sent by the client are not
 * kept: they name variables of another profile). A masked value is refused: there is no stored secret behind it.
 */
export function profileFromCreateDto(dto: CreateProfileDto, id: string, now: string = nowIso()): Profile {
  const { env_vars, ...top } = definedFields(dto);
  const fresh = envVarsOf(env_vars)?.map(({ id: _sent, ...v }) => v);
  const profile = normalizeProfile(
    { ...top, env_vars: fresh ?? [], id, created_at: now, updated_at: now },
    'profile',
    now,
  );
  return { ...profile, env_vars: restoreMaskedSecrets(profile.env_vars, [], []) };
}
