import { InvalidArgumentError } from 'commander';
import { ENV_VAR_SOURCES, EnvVar, EnvVarSource, ValidationError } from '@ccs/core';
import type { OptionSpec } from './option-spec';
import { nonBlank } from './option-parsers';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A profile variable as the API takes it. */
export interface EnvVarInput {
  /** The stored variable's id (absent for a new variable): the server keeps the secret of a masked value by it. */
  id?: string;
  name: string;
  source: EnvVarSource;
  value: string;
  config: Record<string, unknown> | null;
}

export interface EnvConfigInput {
  name: string;
  config: Record<string, unknown> | null;
}

function splitName(spec: string, option: string): [string, string] {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (eq < 0 || !NAME.test(name)) {
    throw new InvalidArgumentError(
      `expected NAME=VALUE (NAME of letters, digits and _), e.g. ${option} ANTHROPIC_MODEL=opus`,
    );
  }
  return [name, spec.slice(eq + 1)];
}

/**
 * `--env NAME=VALUE` is a static value; `--env NAME=<source>:<reference>` takes the value from a source:
 * `env:HOME`, `keychain:service/account`, `aws_sm:prod/anthropic`, `aws_ssm:/app/key`, `command:pass show x`,
 * `unset:` (remove the variable from the run's environment). `static:<value>` forces a static value that itself
 * starts with a source name and a colon. Repeatable.
 */
export function parseEnvSpec(spec: string, previous: unknown): EnvVarInput[] {
  const [name, rest] = splitName(spec, '--env');
  const colon = rest.indexOf(':');
  const prefix = colon < 0 ? '' : rest.slice(0, colon);
  const source = (ENV_VAR_SOURCES as readonly string[]).includes(prefix) ? (prefix as EnvVarSource) : null;
  const value = source ? rest.slice(colon + 1) : rest;
  if (source && source !== 'static' && source !== 'unset' && value.trim() === '') {
    throw new InvalidArgumentError(`${name}=${source}: needs a reference after the colon, e.g. ${name}=env:HOME`);
  }
  const before = Array.isArray(previous) ? (previous as EnvVarInput[]) : [];
  return [...before, { name, source: source ?? 'static', value: source === 'unset' ? '' : value, config: null }];
}

function configValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v)) && /^[-\d.]+$/.test(v)) return Number(v);
  return v;
}

/**
 * `--env-config NAME=key=value,key=value` sets a variable's source options (region, profile, decrypt,
 * timeout_seconds); `NAME=` clears them. `true`/`false` and numbers are sent as such. Repeatable.
 */
export function parseEnvConfig(spec: string, previous: unknown): EnvConfigInput[] {
  const [name, rest] = splitName(spec, '--env-config');
  let config: Record<string, unknown> | null = null;
  if (rest.trim() !== '') {
    config = {};
    for (const pair of rest.split(',')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? '' : pair.slice(0, eq).trim();
      if (!key) throw new InvalidArgumentError(`expected NAME=key=value[,key=value…], e.g. ${name}=region=eu-west-1`);
      config[key] = configValue(pair.slice(eq + 1).trim());
    }
  }
  const before = Array.isArray(previous) ? (previous as EnvConfigInput[]) : [];
  return [...before, { name, config }];
}

function envName(value: string, previous: unknown): string[] {
  if (!NAME.test(value)) throw new InvalidArgumentError('expected a variable name of letters, digits and _');
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}

export const PROFILE_OPTIONS: readonly OptionSpec[] = [
  { flags: '--name <name>', description: 'display name', parse: nonBlank },
  { flags: '--description <text>', description: 'free text' },
  {
    flags: '--env <NAME=VALUE>',
    description:
      'set a variable (repeatable): NAME=value (static, stored as a secret) or NAME=source:ref with source env, ' +
      'keychain, aws_sm, aws_ssm, command or unset, e.g. ANTHROPIC_API_KEY=aws_sm:prod/anthropic',
    parse: parseEnvSpec,
  },
  {
    flags: '--env-config <NAME=k=v,…>',
    description: 'source options of a variable, e.g. ANTHROPIC_API_KEY=region=eu-west-1,profile=prod (repeatable)',
    parse: parseEnvConfig,
  },
  { flags: '--unset-env <NAME>', description: 'remove a variable from the profile (repeatable)', parse: envName },
];

export interface ProfileOptionValues {
  name?: string;
  description?: string;
  env?: EnvVarInput[];
  envConfig?: EnvConfigInput[];
  unsetEnv?: string[];
}

/** True when the options change the variables (an update must then send the whole merged list). */
export function changesEnv(o: ProfileOptionValues): boolean {
  return o.env !== undefined || o.envConfig !== undefined || o.unsetEnv !== undefined;
}

/**
 * The profile's variable list after the options: `--env` replaces a variable of that name in place (its source
 * options stay when the source stays) or appends it, `--env-config` sets source options, `--unset-env` removes.
 * `current` is the list as GET returns it, static values masked: each stored variable goes back with its id, so a
 * masked value sent back unchanged keeps the stored secret. Pure; returns warnings for removals of variables that
 * do not exist.
 */
export function mergeEnvVars(
  current: readonly EnvVar[],
  o: ProfileOptionValues,
): { envVars: EnvVarInput[]; warnings: string[] } {
  const sets = o.env ?? [];
  const unsets = o.unsetEnv ?? [];
  const seen = new Set<string>();
  for (const v of sets) {
    if (seen.has(v.name)) throw new ValidationError(`--env ${v.name} is given twice`);
    seen.add(v.name);
    if (unsets.includes(v.name)) throw new ValidationError(`${v.name} is both set (--env) and removed (--unset-env)`);
  }
  // Only the API's fields: a stored variable may carry fields of another version, which the API would refuse.
  const vars: EnvVarInput[] = current.map((v) => ({
    ...(v.id ? { id: v.id } : {}),
    name: v.name,
    source: v.source,
    value: v.value,
    config: v.config ?? null,
  }));
  for (const s of sets) {
    const i = vars.findIndex((v) => v.name === s.name);
    if (i < 0) vars.push({ ...s });
    else {
      const { id } = vars[i];
      vars[i] = { ...(id ? { id } : {}), ...s, config: vars[i].source === s.source ? vars[i].config : null };
    }
  }
  for (const c of o.envConfig ?? []) {
    const v = vars.find((x) => x.name === c.name);
    if (!v)
      throw new ValidationError(
        `--env-config ${c.name}: the profile has no variable ${c.name}; add it with --env ${c.name}=…`,
      );
    v.config = c.config;
  }
  const warnings: string[] = [];
  for (const name of unsets) {
    const i = vars.findIndex((v) => v.name === name);
    if (i < 0) warnings.push(`the profile has no variable ${name}; nothing to remove`);
    else vars.splice(i, 1);
  }
  return { envVars: vars, warnings };
}

/** The create/update body for the options (env_vars only when they change). Pure. */
export function profileBodyFromOptions(
  o: ProfileOptionValues,
  currentEnv: readonly EnvVar[] | null,
): { body: Record<string, unknown>; warnings: string[] } {
  const body: Record<string, unknown> = {};
  if (o.name !== undefined) body['name'] = o.name;
  if (o.description !== undefined) body['description'] = o.description;
  let warnings: string[] = [];
  if (changesEnv(o)) {
    const merged = mergeEnvVars(currentEnv ?? [], o);
    body['env_vars'] = merged.envVars;
    warnings = merged.warnings;
  }
  return { body, warnings };
}
