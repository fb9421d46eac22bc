import { Inject, Injectable } from '@nestjs/common';
import { EnvVarSource, Profile, maskSecret } from '@ccs/core';
import { getLogger, registerSecret } from '@ccs/shared';
import { CLI_CONFIG, CliConfig } from '../cli.config';

const log = getLogger('cli.debug.env');

/** What one profile variable resolves to, as `debug env` shows it. */
export interface EnvVarReport {
  name: string;
  source: EnvVarSource;
  /** Where the value comes from (`env var "HOME"`, `aws_sm secret "prod/key"`); never the secret itself. */
  from: string;
  outcome: 'set' | 'unset' | 'skipped' | 'error';
  /** Masked (first 4 chars + `****`, or `****` up to 8 chars) unless settings.unmask_env_vars. */
  value: string | null;
  length: number | null;
  error: string | null;
}

export interface ProfileEnvReport {
  profile: { id: string; name: string };
  unmasked: boolean;
  vars: EnvVarReport[];
}

/**
 * Resolves a profile's variables the way a node does before it starts Claude (same resolver, same sources:
 * static, env, keychain, AWS, command), one variable at a time, so one failing source does not hide the others.
 * `env` sources read this process's environment.
 */
@Injectable()
export class ProfileEnvInspector {
  constructor(@Inject(CLI_CONFIG) private readonly config: CliConfig) {}

  async inspect(profile: Profile, unmask: boolean): Promise<ProfileEnvReport> {
    // Loaded on demand: the resolver pulls in the AWS SDK, which every other command would pay for at start-up.
    const { resolveEnvVar, describeSource, SdkAwsSecretReader } = await import('../../../node/src/env/index.js');
    const { ExecFileCommandRunner } = await import('../../../node/src/process/index.js');
    const aws = new SdkAwsSecretReader();
    const deps = { commands: new ExecFileCommandRunner(), aws, platform: process.platform, unmask };
    const vars: EnvVarReport[] = [];
    try {
      for (const v of profile.env_vars) {
        const base = { name: v.name, source: v.source, from: describeSource(v) };
        try {
          const r = await resolveEnvVar(v, this.config.processEnv, deps);
          if (r.kind === 'unset') {
            vars.push({ ...base, outcome: 'unset', value: null, length: null, error: null });
          } else if (r.value === '') {
            vars.push({ ...base, outcome: 'skipped', value: '', length: 0, error: null });
          } else {
            // Anything that logs it later in this process prints `****` instead.
            registerSecret(r.value);
            const value = unmask ? r.value : maskSecret(r.value);
            vars.push({ ...base, outcome: 'set', value, length: r.value.length, error: null });
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          log.debug(`Resolving ${v.name} failed:`, message);
          vars.push({ ...base, outcome: 'error', value: null, length: null, error: message });
        }
      }
    } finally {
      aws.destroy();
    }
    return { profile: { id: profile.id, name: profile.name }, unmasked: unmask, vars };
  }
}
