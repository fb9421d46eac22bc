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

/**
 * Masks a secret for display: the first 4 characters then `****` (only `****` for short values).
 * Sources other than static never hold a secret in `value` (it is a reference), so callers mask only
 * static values and resolved values.
 */
export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  return `${value.slice(0, 4)}****`;
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
