import * as path from 'node:path';

/** Name of the data directory under the home directory when neither the flag nor the env var sets one. */
export const DEFAULT_DATA_DIR_NAME = '.claude-scheduler';
/** The environment variable that overrides the data directory (the `--data-dir` flag wins over it). */
export const DATA_DIR_ENV = 'CLAUDE_SCHEDULER_DATA_DIR';

export interface DataDirInputs {
  /** Value of `--data-dir`, if given. */
  flag?: string;
  /** The environment to read `CLAUDE_SCHEDULER_DATA_DIR` from (pass `process.env` from a config module). */
  env: Record<string, string | undefined>;
  /** The user's home directory, used for the default and for `~` expansion. */
  home: string;
}

/** Expands a leading `~` (`~` or `~/…`) to `home`. `~user` forms are left alone: we cannot resolve them purely. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/**
 * The data directory: `--data-dir` flag, else `CLAUDE_SCHEDULER_DATA_DIR`, else `~/.claude-scheduler`.
 * Empty or blank values count as unset, so `CLAUDE_SCHEDULER_DATA_DIR=` does not point the store at the cwd.
 * The result is absolute (relative values are resolved against the process cwd).
 */
export function resolveDataDir({ flag, env, home }: DataDirInputs): string {
  const chosen = [flag, env[DATA_DIR_ENV]].find((v) => v !== undefined && v.trim() !== '');
  const raw = chosen?.trim() ?? path.join(home, DEFAULT_DATA_DIR_NAME);
  return path.resolve(expandHome(raw, home));
}

/**
 * Where the Python original kept its JSON files: `~/.config/claude-code-scheduler/` (its docs said
 * `~/.claude-scheduler`, its code did not — see original-behaviour.md §2).
 */
export function legacyDataDir(home: string): string {
  return path.join(home, '.config', 'claude-code-scheduler');
}

/** Where the Python original kept its run logs: `~/.claude-scheduler/logs/`. */
export function legacyLogsDir(home: string): string {
  return path.join(home, DEFAULT_DATA_DIR_NAME, 'logs');
}
