import { randomUUID } from 'node:crypto';
import { ENV_VAR_SOURCES, EnvVarSource } from './enums';
import { Json, asObject, isObject, nowIso, oneOf, str, timestamp } from './read';
import { ValidationError } from '../errors';

/**
 * One environment variable of a profile. `value` is the literal (static), the variable name (env), a reference
 * (`service/account` for keychain, secret id / parameter name for AWS, a command line for command), or unused
 * (unset). `config` holds source options such as `region`, `profile`, `decrypt`, `timeout_seconds`.
 */
export interface EnvVar {
  /**
   * Stable id of the variable within its profile, assigned by the server. Updates match variables by it (not by
   * name, and never by a masked value), so renaming a variable keeps its stored secret.
   */
  id: string;
  name: string;
  source: EnvVarSource;
  value: string;
  config: Record<string, unknown> | null;
  [extra: string]: unknown;
}

export interface Profile {
  id: string;
  name: string;
  description: string;
  env_vars: EnvVar[];
  created_at: string;
  updated_at: string;
  [extra: string]: unknown;
}

export function normalizeEnvVar(raw: unknown, path: string): EnvVar {
  const o = asObject(raw, path);
  const config = o['config'];
  if (config !== undefined && config !== null && !isObject(config)) {
    throw new ValidationError(`${path}.config must be an object or null`);
  }
  const name = str(o, 'name', path, '');
  if (!name) throw new ValidationError(`${path}.name is required`);
  return {
    ...o,
    // Files written before variables had ids get one here; it is stored with the next write of the profile.
    id: str(o, 'id', path, '') || randomUUID(),
    name,
    source: oneOf(o, 'source', path, ENV_VAR_SOURCES, 'static'),
    value: str(o, 'value', path, ''),
    config: config ?? null,
  };
}

export function normalizeProfile(raw: unknown, path = 'profile', now = nowIso()): Profile {
  const o: Json = asObject(raw, path);
  const vars = o['env_vars'];
  if (vars !== undefined && vars !== null && !Array.isArray(vars)) {
    throw new ValidationError(`${path}.env_vars must be a list`);
  }
  return {
    ...o,
    id: str(o, 'id', path, '') || randomUUID(),
    name: str(o, 'name', path, 'Untitled Profile'),
    description: str(o, 'description', path, ''),
    env_vars: ((vars as unknown[] | undefined) ?? []).map((v, i) => normalizeEnvVar(v, `${path}.env_vars[${i}]`)),
    created_at: timestamp(o, 'created_at', path, now),
    updated_at: timestamp(o, 'updated_at', path, now),
  };
}

/** Secrets shorter than this are masked as `****` alone: showing even 4 characters of them gives too much away. */
export const MASK_REVEAL_MIN_LENGTH = 16;
const MASK = '****';

/**
 * Masks a secret for display. The rules: a value shorter than 16 characters becomes `****` (nothing of it is
 * shown); a longer one shows its first 4 characters then `****` (`sk-a****`), enough to tell two keys apart.
 * Sources other than static never hold a secret in `value` (it is a reference), so callers mask only static
 * values and resolved values.
 */
export function maskSecret(value: string): string {
  if (value.length < MASK_REVEAL_MIN_LENGTH) return MASK;
  return `${value.slice(0, 4)}${MASK}`;
}

/** True for text shaped like a mask (`****`, or up to 4 characters then `****`): it is never stored as a secret. */
export function looksMasked(value: string): boolean {
  return /^[^*]{0,4}\*{4}$/u.test(value);
}

/**
 * The variables of an update or a new profile with the stored secrets put back. Each variable is matched to the
 * stored one with the same id (from a client that sends no ids: the same name, whose id it then keeps). A static
 * variable whose value is the mask of its stored variable's secret keeps the stored value; the match never
 * relies on the masked text itself. A masked-looking value that matches no stored secret is refused: storing
 * `SUPE****` as the secret would silently break every later run.
 * @param sentIds the ids the client sent, per variable (undefined = none sent)
 * @throws ValidationError naming the variable
 */
export function restoreMaskedSecrets(
  vars: readonly EnvVar[],
  sentIds: readonly (string | undefined)[],
  previous: readonly EnvVar[],
): EnvVar[] {
  const claimed = new Set(sentIds.filter((id) => id !== undefined));
  return vars.map((v, i) => {
    const id = sentIds[i];
    let old = id !== undefined ? previous.find((p) => p.id === id) : undefined;
    if (id === undefined) {
      old = previous.find((p) => p.name === v.name && !claimed.has(p.id));
      if (old) claimed.add(old.id);
    }
    const matched = old ? { ...v, id: old.id } : v;
    if (v.source !== 'static') return matched;
    if (old?.source === 'static' && old.value && v.value === maskSecret(old.value)) {
      return { ...matched, value: old.value };
    }
    if (looksMasked(v.value)) {
      const message =
        `env_vars[${i}].value of ${v.name} is a masked value, not a secret: send the real value, or send the ` +
        "variable's id unchanged so the stored secret is kept";
      throw new ValidationError(message, [{ field: `env_vars[${i}].value`, message }]);
    }
    return matched;
  });
}

/** A copy of the profile with every static value masked; references (env names, secret ids) stay visible. */
export function maskProfile(p: Profile): Profile {
  return {
    ...p,
    env_vars: p.env_vars.map((v) => (v.source === 'static' && v.value ? { ...v, value: maskSecret(v.value) } : v)),
  };
}

/**
 * Where one variable's value comes from, for messages and listings. References (variable names, secret ids,
 * command lines) are not secrets; a static value is, so it is never included.
 */
export function describeEnvVarSource(v: EnvVar): string {
  switch (v.source) {
    case 'static':
    case 'unset':
      return v.source;
    case 'env':
      return `env var "${v.value}"`;
    case 'keychain':
      return `keychain "${v.value}"`;
    case 'aws_sm':
      return `aws_sm secret "${v.value}"`;
    case 'aws_ssm':
      return `aws_ssm parameter "${v.value}"`;
    case 'command':
      return `command "${v.value}"`;
  }
}
