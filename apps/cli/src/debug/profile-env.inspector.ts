import { Inject, Injectable } from '@nestjs/common';
import { EnvVarSource, Profile, describeEnvVarSource, maskSecret } from '@ccs/core';
import { getLogger } from '@ccs/shared';
import { CLI_CONFIG, CliConfig } from '../cli.config';

const log = getLogger('cli.debug.env');

/** What one profile variable resolves to, as `debug env` shows it. */
export interface EnvVarReport {
  name: string;
  source: EnvVarSource;
  /** Where the value comes from (`env var "HOME"`, `aws_sm secret "prod/key"`); never the secret itself. */
  from: string;
  outcome: 'set' | 'unset' | 'skipped' | 'error';
  /** Masked (`maskSecret`: `****` below 16 characters, else the first 4 + `****`) unless settings.unmask_env_vars. */
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
 * Resolves a profile's variables the way a node does before it starts Claude (the node's resolveProfileEnv, same
 * sources: static, env, keychain, AWS, command). `env` sources read this process's environment. The resolver
 * registers every resolved secret with the logger, so a later log line prints `****` instead.
 */
@Injectable()
export class ProfileEnvInspector {
  constructor(@Inject(CLI_CONFIG) private readonly config: CliConfig) {}

  async inspect(profile: Profile, unmask: boolean): Promise<ProfileEnvReport> {
    // Loaded on demand: the node app pulls in the AWS SDK and the run pipeline, which no other command needs.
    const { resolveProfileEnv, EnvResolutionError, SdkAwsSecretReader, ExecFileCommandRunner } =
      await import('@ccs/node');
    const aws = new SdkAwsSecretReader();
    const deps = {
      commands: new ExecFileCommandRunner(),
      aws,
      platform: process.platform,
      unmask,
      baseEnv: this.config.processEnv,
    };
    const vars: EnvVarReport[] = [];
    try {
      for (const v of profile.env_vars) {
        const base = { name: v.name, source: v.source, from: describeEnvVarSource(v) };
        try {
          // One variable at a time, so a failing source is reported for that variable and the others still show.
          const r = await resolveProfileEnv({ ...profile, env_vars: [v] }, deps);
          if (r.unset.includes(v.name)) {
            vars.push({ ...base, outcome: 'unset', value: null, length: null, error: null });
          } else if (r.skipped.includes(v.name)) {
            vars.push({ ...base, outcome: 'skipped', value: '', length: 0, error: null });
          } else {
            const resolved = r.env[v.name] ?? '';
            const value = unmask ? resolved : maskSecret(resolved);
            vars.push({ ...base, outcome: 'set', value, length: resolved.length, error: null });
          }
        } catch (err) {
          if (!(err instanceof EnvResolutionError)) throw err;
          log.debug(`Resolving ${v.name} failed:`, err.message);
          vars.push({ ...base, outcome: 'error', value: null, length: null, error: err.reason });
        }
      }
    } finally {
      aws.destroy();
    }
    return { profile: { id: profile.id, name: profile.name }, unmasked: unmask, vars };
  }
}
