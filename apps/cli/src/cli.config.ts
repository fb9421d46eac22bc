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
  /** `CLAUDE_SCHEDULER_API_URL`: where `cli …` finds the scheduler's REST API (the `--api-url` flag wins). */
  apiUrlEnv: string | undefined;
  /**
   * `CLAUDE_SCHEDULER_API_TOKEN`: the bearer token `cli …` sends and `gui`/`daemon` require (the `--api-token` flag
   * wins). Only an empty value counts as unset: a token of spaces is passed on, to be refused with a message.
   */
  apiTokenEnv: string | undefined;
  /** `CLAUDE_SCHEDULER_ALLOWED_HOSTS` (comma-separated): more names clients use for the API (`--allowed-host`). */
  allowedHostsEnv: string[];
  /** `CLAUDE_SCHEDULER_ALLOWED_ORIGINS` (comma-separated): more origins of pages that may use the API. */
  allowedOriginsEnv: string[];
}

export const API_URL_ENV = 'CLAUDE_SCHEDULER_API_URL';
export const API_TOKEN_ENV = 'CLAUDE_SCHEDULER_API_TOKEN';
export const ALLOWED_HOSTS_ENV = 'CLAUDE_SCHEDULER_ALLOWED_HOSTS';
export const ALLOWED_ORIGINS_ENV = 'CLAUDE_SCHEDULER_ALLOWED_ORIGINS';

export const CLI_CONFIG = Symbol('CLI_CONFIG');

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): CliConfig {
  return {
    dataDirEnv: env[DATA_DIR_ENV],
    home,
    hostName: os.hostname(),
    processEnv: { ...env },
    apiUrlEnv: nonEmpty(env[API_URL_ENV]),
    apiTokenEnv: env[API_TOKEN_ENV] === '' ? undefined : env[API_TOKEN_ENV],
    allowedHostsEnv: splitList(env[ALLOWED_HOSTS_ENV]),
    allowedOriginsEnv: splitList(env[ALLOWED_ORIGINS_ENV]),
  };
}

/** `a, b,c` → ['a', 'b', 'c']; unset or empty → []. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** An empty variable (`export X=`) counts as unset, so it never becomes an empty URL or token. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
