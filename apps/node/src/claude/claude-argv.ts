import { randomUUID } from 'node:crypto';
import { Permission, SessionMode, Task, ValidationError, isUuid } from '@ccs/core';

/**
 * The task fields the argv depends on. A full `Task` satisfies it; the node receives a task snapshot in
 * `ExecuteRun`, which is a `Task` too.
 */
export type ClaudeArgvTask = Pick<
  Task,
  | 'prompt'
  | 'prompt_type'
  | 'model'
  | 'permissions'
  | 'session_mode'
  | 'last_session_id'
  | 'allowed_tools'
  | 'disallowed_tools'
  | 'max_turns'
  | 'max_budget_usd'
  | 'append_system_prompt'
>;

export interface ClaudeArgvOptions {
  /**
   * Makes the id of a new session. Injected so tests get a known id; defaults to `randomUUID`. Must return a
   * UUID because `--session-id` rejects anything else.
   */
  newSessionId?: () => string;
  /** Used when the task's model is empty (settings.default_model). No `--model` when both are empty. */
  defaultModel?: string | null;
}

export interface ClaudeArgv {
  /** Arguments after the executable (the executable itself is not included). */
  argv: string[];
  /**
   * The session id this run is expected to have: the fresh id for `new` (and for a reuse/fork that fell back
   * to new), the resumed id for `reuse`, and null for `fork` — the CLI picks the forked session's id itself,
   * so it is only known from the stream's `system/init` event.
   */
  sessionId: string | null;
  /** The session mode actually used (differs from the task's when reuse/fork fell back to new). */
  sessionMode: SessionMode;
  /** Human-readable notes for the run log (e.g. a reuse that had to fall back to a new session). */
  warnings: string[];
}

/**
 * Task permission → `--permission-mode` value of the Claude CLI (choices today: acceptEdits, auto,
 * bypassPermissions, manual, dontAsk, plan). null = pass no flag and let the CLI use its default.
 *
 * Note: the CLI refuses `bypassPermissions` when running as root unless `IS_SANDBOX=1` is in its environment;
 * that is the executor's business (environment), not the argv's.
 */
export const PERMISSION_MODE_FLAG: Readonly<Record<Permission, string | null>> = {
  default: null,
  bypass: 'bypassPermissions',
  acceptEdits: 'acceptEdits',
  plan: 'plan',
  auto: 'auto',
  dontAsk: 'dontAsk',
};

export function permissionModeFlag(permission: Permission): string | null {
  if (!Object.hasOwn(PERMISSION_MODE_FLAG, permission)) {
    throw new ValidationError(`Unknown permissions value "${String(permission)}"`);
  }
  return PERMISSION_MODE_FLAG[permission];
}

/**
 * Builds the Claude Code CLI arguments for one run of a task. Pure except for the injected id generator.
 *
 * Shape: `--print --verbose --output-format stream-json [--model M] [--permission-mode P] <session flags>
 * [--max-turns N] [--max-budget-usd X] [--append-system-prompt T] [--allowedTools …] [--disallowedTools …]
 * -- <prompt>`.
 *
 * Throws ValidationError for an empty prompt (the original silently sent the task name instead) and for
 * non-positive limits.
 */
export function buildClaudeArgv(task: ClaudeArgvTask, opts: ClaudeArgvOptions = {}): ClaudeArgv {
  const prompt = typeof task.prompt === 'string' ? task.prompt : '';
  if (prompt.trim() === '') {
    throw new ValidationError('The task has an empty prompt: there is nothing to send to Claude');
  }
  const warnings: string[] = [];
  // `--verbose` is mandatory: the CLI refuses `--print --output-format stream-json` without it.
  const argv = ['--print', '--verbose', '--output-format', 'stream-json'];

  const model = (task.model ?? '').trim() || (opts.defaultModel ?? '').trim();
  if (model) argv.push('--model', model);

  const mode = permissionModeFlag(task.permissions);
  if (mode) argv.push('--permission-mode', mode);

  const session = sessionFlags(task, opts.newSessionId ?? randomUUID, warnings);
  argv.push(...session.flags);

  if (task.max_turns !== null && task.max_turns !== undefined) {
    if (!Number.isInteger(task.max_turns) || task.max_turns < 1) {
      throw new ValidationError(`max_turns must be a positive whole number, got ${task.max_turns}`);
    }
    // Not listed by `claude --help`, but accepted and honoured in print mode (→ result subtype error_max_turns).
    argv.push('--max-turns', String(task.max_turns));
  }
  if (task.max_budget_usd !== null && task.max_budget_usd !== undefined) {
    if (!Number.isFinite(task.max_budget_usd) || task.max_budget_usd <= 0) {
      throw new ValidationError(`max_budget_usd must be a positive amount, got ${task.max_budget_usd}`);
    }
    argv.push('--max-budget-usd', String(task.max_budget_usd));
  }
  const appendSystemPrompt = task.append_system_prompt ?? '';
  if (appendSystemPrompt.trim() !== '') argv.push('--append-system-prompt', appendSystemPrompt);

  // Tool lists use the variadic form, one argv element per rule (`--allowedTools Read "Bash(git log *)"`),
  // rather than one comma-joined argument: a rule may itself contain a comma or spaces (`Bash(npm run a,b)`),
  // and one element per rule shows each rule as-is in the logged command line. Variadic options swallow every
  // following non-option word — which is exactly why the prompt below always comes after `--`.
  const allowed = cleanToolList(task.allowed_tools);
  if (allowed.length > 0) argv.push('--allowedTools', ...allowed);
  const disallowed = cleanToolList(task.disallowed_tools);
  if (disallowed.length > 0) argv.push('--disallowedTools', ...disallowed);

  if (task.prompt_type === 'slash_command' && !prompt.trimStart().startsWith('/')) {
    warnings.push(`The slash command "${truncate(prompt.trim(), 60)}" does not start with "/"; sent as a plain prompt`);
  }
  // `--` ends option parsing, so a prompt starting with "-" is never taken for a flag and a variadic tool list
  // cannot swallow it. Slash commands are sent as their text (`/review-pr 12`); the CLI expands them.
  argv.push('--', prompt);

  return { argv, sessionId: session.sessionId, sessionMode: session.mode, warnings };
}

function sessionFlags(
  task: ClaudeArgvTask,
  newSessionId: () => string,
  warnings: string[],
): { flags: string[]; sessionId: string | null; mode: SessionMode } {
  const requested: SessionMode = task.session_mode ?? 'new';
  if (requested === 'reuse' || requested === 'fork') {
    const last = (task.last_session_id ?? '').trim();
    if (last && isUuid(last)) {
      // `--resume <id>` (not `--continue`): the original used `--continue`, i.e. "the latest session in this
      // directory", which resumes whatever ran there last — possibly another task's session.
      return requested === 'reuse'
        ? { flags: ['--resume', last], sessionId: last, mode: 'reuse' }
        : { flags: ['--resume', last, '--fork-session'], sessionId: null, mode: 'fork' };
    }
    const why = last
      ? `its last session id "${truncate(last, 40)}" is not a session UUID`
      : 'it has no previous session';
    const id = freshId(newSessionId);
    warnings.push(`Session mode "${requested}" requested but ${why}; starting a new session ${id}`);
    return { flags: ['--session-id', id], sessionId: id, mode: 'new' };
  }
  if (requested !== 'new') throw new ValidationError(`Unknown session_mode "${String(requested)}"`);
  const id = freshId(newSessionId);
  return { flags: ['--session-id', id], sessionId: id, mode: 'new' };
}

function freshId(newSessionId: () => string): string {
  const id = newSessionId();
  if (!isUuid(id)) throw new ValidationError(`A new session id must be a UUID, got "${id}"`);
  return id.toLowerCase();
}

function cleanToolList(list: readonly string[] | null | undefined): string[] {
  return (list ?? []).map((t) => t.trim()).filter((t) => t !== '');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Renders argv as one shell-pasteable line for the run log: each word single-quoted when it contains anything
 * a shell would interpret. Masks nothing (prompts are not secrets; env values never appear in argv).
 */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
