import * as os from 'node:os';
import { DATA_DIR_ENV } from '@ccs/storage';

/**
 * What the CLI takes from its environment, read once at start. This is the only CLI file that reads
 * `process.env`; everything else gets these values injected.
 */
export interface CliConfig {
  /** `CLAUDE_SCHEDULER_DATA_DIR`, if set (the `--data-dir` flag wins over it). */
  dataDirEnv: string | undefined;
  home: string;
  /** This machine's name: a data-dir lock records its host, and a pid is only meaningful on that host. */
  hostName: string;
  /**
   * A snapshot of the whole environment, for resolving profile variables of source `env` in `debug env`
   * (the same lookup a node does before it starts Claude).
   */
  processEnv: Readonly<Record<string, string | undefined>>;
}

export const CLI_CONFIG = Symbol('CLI_CONFIG');

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): CliConfig {
  return { dataDirEnv: env[DATA_DIR_ENV], home, hostName: os.hostname(), processEnv: { ...env } };
}
