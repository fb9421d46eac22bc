import { DomainError, EnvVar, EnvVarSource, Profile, describeEnvVarSource, maskSecret } from '@ccs/core';
import { registerSecret as registerWithLogger } from '@ccs/shared';
import type { CommandRunner } from '../process/command-runner.port';
import { AwsSecretReader, EnvMap } from './aws-secret-reader.port';
import { splitShellWords } from './shell-words';

/** Everything env resolution needs from outside; each is injectable so tests use fakes or local servers. */
export interface EnvSourceDeps {
  /** Runs `security`/`secret-tool` and `command` sources (execFile, no shell). */
  commands: CommandRunner;
  aws: AwsSecretReader;
  /** Decides the keychain tool: darwin → `security`, linux → `secret-tool`, anything else → an error. */
  platform: NodeJS.Platform;
  /** Show resolved values in log lines instead of masking them (settings.unmask_env_vars). */
  unmask?: boolean;
  /** Where resolved secrets are registered so the logger masks them everywhere. Default: @ccs/shared's. */
  registerSecret?: (value: string) => void;
  /** Default 10 s. */
  keychainTimeoutMs?: number;
  /** For `command` sources without `config.timeout_seconds`. Default 30 s. */
  commandTimeoutMs?: number;
}

export interface ResolveProfileDeps extends EnvSourceDeps {
  /** The node's environment: the starting point of the result, and what `env` sources and AWS defaults read. */
  baseEnv: EnvMap;
}

/** The result of applying one or more profiles to a base environment. */
export interface ResolvedEnv {
  /** The complete environment for the child process. */
  env: Record<string, string>;
  /** Names set by a profile (final outcome per name, in first-seen order). */
  set: string[];
  /** Names removed by an `unset` source. */
  unset: string[];
  /** Names whose resolved value was empty and that no profile set otherwise. */
  skipped: string[];
  /** Human-readable lines for the run log. Values are masked unless `unmask`. */
  logLines: string[];
}

/** A profile variable could not be resolved. The run must not start (it would run without its credentials). */
export class EnvResolutionError extends DomainError {
  readonly code = 'ENV_RESOLUTION_FAILED';
  constructor(
    readonly varName: string,
    readonly source: EnvVarSource,
    /** e.g. `aws_sm secret "prod/key"`. */
    readonly sourceDescription: string,
    /** What went wrong, e.g. `AccessDeniedException: …`. */
    readonly reason: string,
  ) {
    super(`ENV ERROR: ${varName} (${sourceDescription}): ${reason}`);
  }
}

/** Where one variable comes from, for messages (see describeEnvVarSource in libs/core). */
export const describeSource = describeEnvVarSource;

/** The program and argv that read `service`/`account` from the OS keychain on `platform`. */
export function keychainCommand(platform: NodeJS.Platform, service: string, account: string): [string, string[]] {
  if (platform === 'darwin') return ['security', ['find-generic-password', '-s', service, '-a', account, '-w']];
  if (platform === 'linux') return ['secret-tool', ['lookup', 'service', service, 'account', account]];
  throw new Error(`the keychain source is not supported on ${platform} (macOS Keychain and Linux Secret Service only)`);
}

/** Region for an AWS source: `config.region`, else AWS_REGION / AWS_DEFAULT_REGION of the base env, else us-east-1. */
export function awsRegion(v: EnvVar, baseEnv: EnvMap): string {
  const fromConfig = v.config?.['region'];
  if (typeof fromConfig === 'string' && fromConfig.trim()) return fromConfig.trim();
  return baseEnv['AWS_REGION'] || baseEnv['AWS_DEFAULT_REGION'] || 'us-east-1';
}

type Resolution = { kind: 'set'; value: string } | { kind: 'unset' };

/**
 * Resolves one variable to its value (or to "unset"). Throws EnvResolutionError naming the variable and source
 * when the source fails. `lookupEnv` is what `env` sources read.
 */
export async function resolveEnvVar(v: EnvVar, lookupEnv: EnvMap, deps: EnvSourceDeps): Promise<Resolution> {
  try {
    return await resolveSource(v, lookupEnv, deps);
  } catch (err) {
    if (err instanceof EnvResolutionError) throw err;
    const cause = err instanceof Error ? err.message : String(err);
    throw new EnvResolutionError(v.name, v.source, describeSource(v), cause);
  }
}

async function resolveSource(v: EnvVar, lookupEnv: EnvMap, deps: EnvSourceDeps): Promise<Resolution> {
  switch (v.source) {
    case 'static':
      if (v['value_withheld'] === true) {
        // Cloud mode: static values are secrets kept on the coordinator; they never travel in messages.
        throw new Error(
          'static values are not sent to nodes; on nodes use an aws_sm, aws_ssm, env, keychain or command source',
        );
      }
      return { kind: 'set', value: v.value };
    case 'unset':
      return { kind: 'unset' };
    case 'env': {
      const value = lookupEnv[v.value];
      if (value === undefined) throw new Error(`"${v.value}" is not set in the node's environment`);
      return { kind: 'set', value };
    }
    case 'keychain': {
      const slash = v.value.indexOf('/');
      const service = (slash === -1 ? v.value : v.value.slice(0, slash)).trim();
      const account = (slash === -1 ? service : v.value.slice(slash + 1)).trim() || service;
      if (!service) throw new Error('the reference must be "service" or "service/account"');
      const [file, args] = keychainCommand(deps.platform, service, account);
      const timeoutMs = deps.keychainTimeoutMs ?? 10_000;
      const r = await deps.commands.run(file, args, { timeoutMs, env: lookupEnv });
      if (r.timedOut) throw new Error(`${file} timed out after ${timeoutMs / 1000} s`);
      if (r.exitCode !== 0)
        throw new Error(`${file} exited with ${exitText(r.exitCode, r.signal)}: ${stderrText(r.stderr)}`);
      // Both tools print the secret itself; `security -w` adds one newline.
      return { kind: 'set', value: r.stdout.replace(/\r?\n$/, '') };
    }
    case 'aws_sm': {
      const value = await deps.aws.getSecretString(v.value, {
        region: awsRegion(v, lookupEnv),
        profile: awsProfile(v),
        env: lookupEnv,
      });
      return { kind: 'set', value };
    }
    case 'aws_ssm': {
      const decrypt = v.config?.['decrypt'];
      const value = await deps.aws.getParameter(v.value, {
        region: awsRegion(v, lookupEnv),
        profile: awsProfile(v),
        env: lookupEnv,
        decrypt: !(decrypt === false || decrypt === 'false'),
      });
      return { kind: 'set', value };
    }
    case 'command': {
      const argv = splitShellWords(v.value);
      const [file, ...args] = argv;
      if (!file) throw new Error('the command line is empty');
      const seconds = Number(v.config?.['timeout_seconds']);
      const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : (deps.commandTimeoutMs ?? 30_000);
      const r = await deps.commands.run(file, args, { timeoutMs, env: lookupEnv });
      if (r.timedOut) throw new Error(`timed out after ${timeoutMs / 1000} s`);
      if (r.exitCode !== 0) throw new Error(`exited with ${exitText(r.exitCode, r.signal)}: ${stderrText(r.stderr)}`);
      return { kind: 'set', value: r.stdout.trim() };
    }
  }
}

function awsProfile(v: EnvVar): string | null {
  const p = v.config?.['profile'];
  return typeof p === 'string' && p.trim() ? p.trim() : null;
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `code ${code}` : `signal ${signal ?? 'unknown'}`;
}

function stderrText(stderr: string): string {
  const t = stderr.trim();
  if (!t) return 'no output';
  return t.length > 500 ? `${t.slice(0, 500)}…` : t;
}

/**
 * Sources that only ever hold secrets are always registered with the logger. Static and env values may be plain
 * settings ("true", "us-east-1"); registering those would blank such words in every later log line, so they are
 * registered only when long enough to be a credential (more than 8 characters).
 */
function shouldRegister(source: EnvVarSource, value: string): boolean {
  if (source === 'static' || source === 'env') return value.length > 8;
  return true;
}

type Outcome = 'set' | 'unset' | 'skipped';

/** Accumulates the environment and the per-name outcome across one or more profiles. */
class EnvAccumulator {
  readonly env: Record<string, string> = {};
  readonly outcomes = new Map<string, Outcome>();
  readonly logLines: string[] = [];

  constructor(base: EnvMap) {
    for (const [k, v] of Object.entries(base)) if (v !== undefined) this.env[k] = v;
  }

  record(name: string, outcome: Outcome): void {
    // A skip keeps whatever value was there, so it never hides an earlier set/unset of the same name.
    if (outcome === 'skipped' && this.outcomes.has(name)) return;
    this.outcomes.set(name, outcome);
  }

  result(): ResolvedEnv {
    const pick = (o: Outcome): string[] => [...this.outcomes].filter(([, x]) => x === o).map(([k]) => k);
    const set = pick('set');
    const unset = pick('unset');
    const skipped = pick('skipped');
    this.logLines.push(`ENV: ${set.length} set, ${unset.length} unset, ${skipped.length} skipped`);
    return { env: this.env, set, unset, skipped, logLines: this.logLines };
  }
}

async function applyProfile(
  acc: EnvAccumulator,
  profile: Profile,
  label: string,
  lookupEnv: EnvMap,
  deps: EnvSourceDeps,
): Promise<void> {
  const register = deps.registerSecret ?? registerWithLogger;
  acc.logLines.push(`ENV PROFILE (${label}): ${profile.name} [${profile.id}]`);
  for (const v of profile.env_vars) {
    const r = await resolveEnvVar(v, lookupEnv, deps);
    if (r.kind === 'unset') {
      delete acc.env[v.name];
      acc.record(v.name, 'unset');
      acc.logLines.push(`ENV UNSET ${v.name}`);
      continue;
    }
    if (r.value === '') {
      acc.record(v.name, 'skipped');
      acc.logLines.push(`ENV SKIP: ${v.name} (empty value)`);
      continue;
    }
    if (shouldRegister(v.source, r.value)) register(r.value);
    acc.env[v.name] = r.value;
    acc.record(v.name, 'set');
    acc.logLines.push(`ENV SET ${v.name}=${deps.unmask ? r.value : maskSecret(r.value)} (${v.source})`);
  }
}

/**
 * `deps.baseEnv` with one profile applied, variables in profile order (a later entry for the same name wins).
 * Fails as a whole with EnvResolutionError when any source fails; empty values are skipped with a log line.
 */
export async function resolveProfileEnv(profile: Profile, deps: ResolveProfileDeps): Promise<ResolvedEnv> {
  const acc = new EnvAccumulator(deps.baseEnv);
  await applyProfile(acc, profile, 'profile', deps.baseEnv, deps);
  return acc.result();
}

/**
 * The complete environment of a run: `baseEnv`, then the TASK's profile, then the JOB's profile on top, so the
 * job's profile overrides the task's for every variable both define (a job groups tasks that must share one
 * account or endpoint), while task-only variables survive. `env` sources of both profiles read the original base
 * environment, not values another profile set. The same profile given twice is applied once.
 */
export async function buildRunEnv(
  baseEnv: EnvMap,
  taskProfile: Profile | null,
  jobProfile: Profile | null,
  deps: EnvSourceDeps,
): Promise<ResolvedEnv> {
  const acc = new EnvAccumulator(baseEnv);
  if (taskProfile) await applyProfile(acc, taskProfile, 'task', baseEnv, deps);
  if (jobProfile && jobProfile.id !== taskProfile?.id) await applyProfile(acc, jobProfile, 'job', baseEnv, deps);
  return acc.result();
}
