import * as path from 'node:path';
import { DomainError } from '@ccs/core';

export const CLAUDE_INSTALL_HINT =
  'Install it with `npm i -g @anthropic-ai/claude-code`, set its path in settings (claude_cli_path), ' +
  'or run without it in mock mode (`--mock-mode` or settings mock_mode: true).';

/** The Claude Code CLI could not be found; the message says how to install it or switch to mock mode. */
export class ClaudeCliNotFoundError extends DomainError {
  readonly code = 'CLAUDE_CLI_NOT_FOUND';
  constructor(
    message: string,
    /** Every path that was checked, in order. */
    readonly searched: string[],
  ) {
    super(message, { searched });
  }
}

export type ClaudeCliSource = 'configured' | 'path' | 'local-install';

export interface ClaudeCliLocation {
  path: string;
  source: ClaudeCliSource;
}

export interface FindClaudeCliInput {
  /** settings.claude_cli_path; `~/` is expanded with homeDir. */
  configuredPath?: string | null;
  /** The PATH value to search (the node's own environment, passed in by its config). */
  pathEnv?: string | null;
  homeDir?: string | null;
  /** True when the file exists and may be executed (see is-executable.ts for the real one). */
  isExecutable: (file: string) => boolean;
  /** PATH separator; defaults to path.delimiter. */
  pathDelimiter?: string;
}

/**
 * Finds the Claude Code CLI: settings.claude_cli_path, else `claude` on PATH, else `~/.claude/local/claude`
 * (where `claude migrate-installer` puts it). Pure over `isExecutable`.
 *
 * A configured path that is not executable is an error rather than a silent fall-through: the user chose that
 * binary, and quietly running another one would be a surprise.
 */
export function findClaudeCli(input: FindClaudeCliInput): ClaudeCliLocation {
  const home = input.homeDir?.trim() || null;
  const configured = input.configuredPath?.trim();
  if (configured) {
    const resolved = expandHome(configured, home);
    if (input.isExecutable(resolved)) return { path: resolved, source: 'configured' };
    throw new ClaudeCliNotFoundError(
      `The Claude Code CLI configured in settings (claude_cli_path = ${configured}) is missing or not executable. ` +
        `Fix the path, clear it to search PATH, or: ${CLAUDE_INSTALL_HINT}`,
      [resolved],
    );
  }

  const searched: string[] = [];
  const delimiter = input.pathDelimiter ?? path.delimiter;
  for (const dir of (input.pathEnv ?? '').split(delimiter)) {
    // An empty PATH entry means "the current directory" to a shell; running whatever `claude` happens to lie in
    // the working directory of a task is not something we want, so empty and relative entries are skipped.
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'claude');
    searched.push(candidate);
    if (input.isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  if (home) {
    const local = path.join(home, '.claude', 'local', 'claude');
    searched.push(local);
    if (input.isExecutable(local)) return { path: local, source: 'local-install' };
  }
  throw new ClaudeCliNotFoundError(
    `Claude Code CLI not found (looked for \`claude\` on PATH${home ? ' and in ~/.claude/local/' : ''}). ${CLAUDE_INSTALL_HINT}`,
    searched,
  );
}

function expandHome(p: string, home: string | null): string {
  if (home && (p === '~' || p.startsWith('~/'))) return path.join(home, p.slice(1));
  return p;
}
